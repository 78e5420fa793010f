using System.Diagnostics;
using System.Globalization;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Trace;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class TraceTests(ITestOutputHelper output)
{
    /// <summary>
    /// A fake lab meter: appends "time,watts" rows to a CSV as meter software logging live does. Each wake-up it
    /// writes the rows <paramref name="rows"/> has ready, so what the rows say does not depend on when the thread ran.
    /// </summary>
    private sealed class Meter : IDisposable
    {
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _stop = new();
        private int _written;

        public Meter(string path, string header, Func<IEnumerable<(double Time, double Watts)>> rows, int periodMs = 2)
        {
            var w = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            w.WriteLine(header);
            _thread = new Thread(() =>
            {
                using (w)
                    while (!_stop.Wait(periodMs))
                        foreach (var (t, watts) in rows())
                        {
                            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t:0.000000},{watts:0.0000}"));
                            lock (_stop) { _written++; Monitor.PulseAll(_stop); }
                        }
            }) { IsBackground = true };
            _thread.Start();
        }

        /// <summary>Blocks until the meter has logged <paramref name="count"/> rows (a minute at most: a hang guard, not a timing).</summary>
        public void WaitForRows(int count)
        {
            lock (_stop)
                while (_written < count)
                    Assert.True(Monitor.Wait(_stop, TimeSpan.FromMinutes(1)), $"the fake meter logged only {_written} rows");
        }

        public void Dispose()
        {
            _stop.Set();
            _thread.Join();
        }
    }

    /// <summary>Rows of constant power on a fixed grid of the Unix clock, up to now: regular whatever the scheduling.</summary>
    private static Func<IEnumerable<(double, double)>> GridRows(double watts, double period)
    {
        double next = Math.Ceiling(UnixNow() / period) * period;
        return () =>
        {
            var rows = new List<(double, double)>();
            for (double now = UnixNow(); next <= now; next += period) rows.Add((next, watts));
            return rows;
        };
    }

    private static double UnixNow() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    [Fact]
    public void Unix_clock_trace_with_a_given_offset_attributes_the_meters_energy()
    {
        using var dir = new TempDir();
        string csv = dir.Sub("meter.csv");
        using var meter = new Meter(csv, "unix_s,watts", GridRows(7.0, 0.002));
        meter.WaitForRows(20);
        using var session = EnergySession.Start(EnergyDiscovery.Discover(new EnergyOptions(dir.Sub("empty"), TraceFiles: [csv], TraceOffsetSeconds: 0)), dir.Sub("results"))!;
        Assert.Equal("external-trace", session.Source.Name);
        long start = session.MarkEdge();
        Thread.Sleep(600); // lets wall time pass: a window needs 100 row periods; the truth below uses its measured length
        var w = new Attribution.EnergyWindow("case", start, session.MarkEdge());
        Until.Covered(session, w);
        var r = session.Measure([w], 10, 2);
        Assert.True(r.Attributable, r.Reason);
        double truth = 7 * w.Seconds;
        output.WriteLine($"trace: window {w.Seconds:0.####} s, truth {truth:0.#####} J, measured {r.GrossJoulesPerOp * 10:0.#####} J, bound ±{r.UncertaintyJoulesPerOp * 10:0.#####} J, row period {session.Source.UpdatePeriod.TotalMilliseconds:0.##} ms");
        // Host and meter share the Unix clock and the power is constant, so the rows integrate to 7 W × the window
        // wherever its edges fall; the bound and one row (clock-read jitter) cover the rest.
        Assert.InRange(Math.Abs(r.GrossJoulesPerOp!.Value * 10 - truth), 0, r.UncertaintyJoulesPerOp!.Value * 10 + 7 * 0.004);
        Assert.StartsWith("external-trace", r.Source);
        Assert.Equal("meter", r.Domain);
        Assert.Contains("samples/external-trace-meter.csv", session.RunInfo().SampleFiles);
    }

    [Fact]
    public void Cumulative_joule_traces_and_separators_are_read()
    {
        using var dir = new TempDir();
        string path = dir.Sub("j.csv");
        File.WriteAllText(path, "# exported by a meter\ntime; energy_j; volts\n0.0;10.0;5.0\n0.5;12.5;5.0\n1.0;15.0;5.0\n");
        using var csv = new TraceCsv(path);
        Assert.Equal(3, csv.Poll());
        Assert.Equal(TraceCsv.ValueKind.Joules, csv.Kind);
        Assert.False(csv.UnixClock);
        Assert.Equal((1.0, 15.0), csv.Rows[^1]);
        // Rows appended later are picked up, a partial last line waits for its newline.
        File.AppendAllText(path, "1.5;17.5;5.0\n2.0;2");
        Assert.Equal(1, csv.Poll());
        File.AppendAllText(path, "0.0;5.0\n");
        Assert.Equal(1, csv.Poll());
        Assert.Equal((2.0, 20.0), csv.Rows[^1]);
    }

    [Theory]
    [InlineData("when,amps\n1,2\n", "needs a time column")]
    [InlineData("time_s,watts\n0.0,3\n0.1,abc\n", "line 3")]
    [InlineData("time_s,watts\n0.2,3\n0.1,3\n", "does not increase")]
    [InlineData("time_s,watts,extra\n0.1,3\n", "2 fields")]
    public void Malformed_traces_name_the_line(string content, string expected)
    {
        using var dir = new TempDir();
        string path = dir.Sub("bad.csv");
        File.WriteAllText(path, content);
        using var s = ExternalTraceSource.Probe(path, 0);
        Assert.Equal(SourceState.Malformed, s.State);
        Assert.Contains(expected, s.Reason);
    }

    [Fact]
    public void Missing_trace_is_absent_and_says_to_start_logging()
    {
        using var s = ExternalTraceSource.Probe("/nonexistent/meter.csv", null);
        Assert.Equal(SourceState.Absent, s.State);
        Assert.Contains("start the meter's CSV logging", s.Reason);
    }

    [Fact]
    public void Sync_offset_is_found_by_correlating_the_pulse()
    {
        // A meter on its own relative clock: trace time 0 is host Unix time 1_700_000_000.123; the pulse starts 4 s later.
        const double trueOffset = 1_700_000_000.123;
        var pulse = new List<TraceSync.Segment>();
        double h = trueOffset + 4;
        for (int i = 0; i < TraceSync.DefaultPattern.Count; i++)
        {
            pulse.Add(new TraceSync.Segment(h, h + TraceSync.DefaultPattern[i], i % 2 == 0));
            h += TraceSync.DefaultPattern[i];
        }
        var random = new Random(7);
        var power = new List<(double, double)>();
        for (double tau = 0; tau < 14; tau += 0.001)
        {
            double host = tau + trueOffset;
            bool busy = pulse.Any(p => p.Busy && host >= p.StartUnix && host < p.EndUnix);
            power.Add((tau, 3 + (busy ? 14 : 0) + random.NextDouble() * 2)); // 2 W of noise
        }
        var found = TraceSync.FindOffset(power, pulse, double.NegativeInfinity, double.PositiveInfinity)!;
        Assert.NotNull(found);
        Assert.InRange(found.OffsetSeconds - trueOffset, -0.002, 0.002);
        Assert.True(found.Correlation > 0.9);
    }

    [Fact]
    public void Session_runs_the_sync_pulse_and_aligns_a_relative_clock_meter()
    {
        using var dir = new TempDir();
        string csv = dir.Sub("meter.csv");
        // The meter sees the pulse itself: 3 W, plus 10 W for each live sync-pulse thread, sampled at each row's time on a
        // clock that started "3.21 s ago" — what a supply rail shows while the pulse spins every core. It reads the
        // threads' names from /proc rather than this process's CPU time, which other tests running in parallel in the
        // same process (and other processes taking the cores) would blur into the idle segments.
        if (!Directory.Exists("/proc/self/task")) Assert.Skip("needs /proc/self/task to watch the pulse threads (Linux)");
        double meterZero = UnixNow() - 3.21;
        double lastT = UnixNow(), widest = 0;
        IEnumerable<(double, double)> Rows()
        {
            int pulseThreads = PulseThreads();
            double t = UnixNow();
            widest = Math.Max(widest, t - lastT);
            lastT = t;
            return [(t - meterZero, 3 + 10.0 * pulseThreads)];
        }
        using var meter = new Meter(csv, "time_s,watts", Rows, periodMs: 5);
        meter.WaitForRows(10);
        using var inventory = EnergyDiscovery.Discover(new EnergyOptions(dir.Sub("empty"), TraceFiles: [csv]));
        using var session = EnergySession.Start(inventory, dir.Sub("results"));
        Assert.True(session is not null, inventory.UnavailableReason);
        var trace = Assert.IsType<ExternalTraceSource>(session.Source);
        output.WriteLine($"sync: {trace.SyncNote}; true offset {meterZero:0.000}");
        // The fake meter samples every 5 ms, but its thread waits for a core when the machine is busy: it cannot place
        // an edge better than its widest gap between samples. The expectation scales with that resolution, not with
        // how busy the machine is.
        double resolution = Math.Max(0.06, 2 * widest);
        output.WriteLine($"meter's widest gap {widest * 1e3:0.#} ms: tolerance ±{resolution * 1e3:0.#} ms");
        Assert.InRange(trace.OffsetSeconds!.Value - meterZero, -resolution, resolution);
    }

    /// <summary>Live threads of this process named like the sync pulse's ("FoldBench sync pulse", cut to 15 characters by Linux).</summary>
    private static int PulseThreads()
    {
        int count = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("FoldBench sync", StringComparison.Ordinal)) count++;
            }
            catch (IOException) { } // the thread ended between listing and reading
            catch (UnauthorizedAccessException) { }
        }
        return count;
    }
}
