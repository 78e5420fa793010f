using System.Diagnostics;
using System.Globalization;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Trace;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class TraceTests(ITestOutputHelper output)
{
    /// <summary>A fake lab meter: appends "time,watts" rows to a CSV every few ms, as meter software logging live does.</summary>
    private sealed class Meter : IDisposable
    {
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _stop = new();

        public Meter(string path, string header, Func<double> clock, Func<double> watts, int periodMs = 2)
        {
            var w = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            w.WriteLine(header);
            _thread = new Thread(() =>
            {
                using (w)
                    while (!_stop.Wait(periodMs))
                        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock():0.000000},{watts():0.0000}"));
            }) { IsBackground = true };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop.Set();
            _thread.Join();
        }
    }

    private static double UnixNow() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    [Fact]
    public void Unix_clock_trace_with_a_given_offset_attributes_the_meters_energy()
    {
        using var dir = new TempDir();
        string csv = dir.Sub("meter.csv");
        using var meter = new Meter(csv, "unix_s,watts", UnixNow, () => 7.0);
        Thread.Sleep(100);
        using var session = EnergySession.Start(EnergyDiscovery.Discover(new EnergyOptions(dir.Sub("empty"), TraceFiles: [csv], TraceOffsetSeconds: 0)), dir.Sub("results"))!;
        Assert.Equal("external-trace", session.Source.Name);
        long start = session.MarkEdge();
        Thread.Sleep(600);
        var w = new Attribution.EnergyWindow("case", start, session.MarkEdge());
        var r = session.Measure([w], 10, 2);
        Assert.True(r.Attributable, r.Reason);
        double truth = 7 * w.Seconds;
        output.WriteLine($"trace: window {w.Seconds:0.####} s, truth {truth:0.#####} J, measured {r.GrossJoulesPerOp * 10:0.#####} J, bound ±{r.UncertaintyJoulesPerOp * 10:0.#####} J, row period {session.Source.UpdatePeriod.TotalMilliseconds:0.##} ms");
        // Host and meter share the wall clock here, so the only error is the edges' bracket (plus clock-read jitter of ~1 row).
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
        // The meter sees this process's CPU use (what a supply rail would see), on a clock that started "3.21 s ago".
        var process = Process.GetCurrentProcess();
        var sw = Stopwatch.StartNew();
        double meterZero = UnixNow() - 3.21;
        TimeSpan lastCpu = process.TotalProcessorTime;
        double lastT = 0, watts = 3;
        double Watts()
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            double t = sw.Elapsed.TotalSeconds;
            if (t - lastT >= 0.02)
            {
                watts = 3 + 10 * (cpu - lastCpu).TotalSeconds / (t - lastT);
                lastCpu = cpu;
                lastT = t;
            }
            return watts;
        }
        using var meter = new Meter(csv, "time_s,watts", () => UnixNow() - meterZero, Watts, periodMs: 5);
        Thread.Sleep(300);
        using var inventory = EnergyDiscovery.Discover(new EnergyOptions(dir.Sub("empty"), TraceFiles: [csv]));
        using var session = EnergySession.Start(inventory, dir.Sub("results"));
        Assert.True(session is not null, inventory.UnavailableReason);
        var trace = Assert.IsType<ExternalTraceSource>(session.Source);
        output.WriteLine($"sync: {trace.SyncNote}; true offset {meterZero:0.000}");
        // This fake meter sees CPU time through /proc (10 ms jiffies) averaged over 20 ms, on a loaded 2-core VM: its
        // rows trail the real load by up to a few tens of ms. A real meter samples the rail directly.
        Assert.InRange(trace.OffsetSeconds!.Value - meterZero, -0.06, 0.06);
    }
}
