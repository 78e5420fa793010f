using System.Diagnostics;
using FoldBench.Energy.Attribution;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

/// <summary>
/// Sampler + attribution end to end, against fixture writers running in real time. The truth is what the writer
/// injected. The stated bound assumes a counter lags by at most its update period; the writer is a user thread that
/// can be descheduled on a shared VM, so its measured worst tick gap beyond that is added as slack (hardware cannot stall).
/// </summary>
public class SessionTests(ITestOutputHelper output)
{
    private static readonly long F = Stopwatch.Frequency;

    private static double Slack(FixtureWriter w, double watts, TimeSpan nominal) =>
        2 * watts * Math.Max(0, (w.MaxTickGap - nominal).TotalSeconds);

    /// <summary>
    /// A window during which this thread sleeps, leaving the cores to the writer and the sampler, then waits until the
    /// sampler has covered it. The sleep lets wall time pass (a window needs 100 update periods and energy in it);
    /// every check uses the window's measured length, so a sleep stretched by load changes no outcome.
    /// </summary>
    private static EnergyWindow Idle(EnergySession session, double seconds, string label = "case")
    {
        long start = session.MarkEdge();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        var w = new EnergyWindow(label, start, session.MarkEdge());
        Until.Covered(session, w);
        return w;
    }

    /// <summary>A window during which this thread spins (for the /proc/stat model).</summary>
    private static EnergyWindow Busy(EnergySession session, double seconds, string label = "case")
    {
        long start = session.MarkEdge();
        long end = start + (long)(seconds * F);
        double x = 1;
        while (Stopwatch.GetTimestamp() < end) x = x * 1.0000001 + 1e-9;
        GC.KeepAlive(x);
        var w = new EnergyWindow(label, start, session.MarkEdge());
        Until.Covered(session, w);
        return w;
    }

    [Theory]
    [InlineData(FixtureLayout.IntelLaptop, "package")]
    [InlineData(FixtureLayout.AmdServer, "package")]
    public void Gross_and_net_energy_match_the_injected_profile_within_the_bound(FixtureLayout layout, string channel)
    {
        using var dir = new TempDir();
        var power = new SteppedPower(4);
        using var f = new Fixture(layout, power);
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        Assert.NotNull(session);
        f.Writer.ResetMaxTickGap();
        session.MeasureIdleBaseline(TimeSpan.FromMilliseconds(400));
        Assert.True(session.IdleWatts is not null, session.IdleReason);
        double idleSlack = Slack(f.Writer, 4, session.Source.UpdatePeriod);
        power.Current = 19;
        f.Writer.ResetMaxTickGap();
        var w = Idle(session, 0.8);
        var r = session.Measure([w], 1000, 4);
        Assert.True(r.Attributable, r.Reason);
        double injected = f.Writer.Injected(channel, w.Start, w.End);
        double gross = r.GrossJoulesPerOp!.Value * 1000;
        double net = r.NetJoulesPerOp!.Value * 1000;
        double bound = r.UncertaintyJoulesPerOp!.Value * 1000;
        double slack = Slack(f.Writer, 19, session.Source.UpdatePeriod) + idleSlack / 0.4 * w.Seconds;
        output.WriteLine($"{layout}: window {w.Seconds:0.####} s, injected {injected:0.######} J, gross {gross:0.######} J (error {gross - injected:+0.######;-0.######} J, {(gross - injected) / injected:P3}), " +
                         $"net {net:0.######} J vs {injected - 4 * w.Seconds:0.######} J, bound ±{bound:0.######} J, writer slack {slack:0.######} J, idle {session.IdleWatts:0.####} W");
        Assert.InRange(Math.Abs(gross - injected), 0, bound + slack);
        Assert.InRange(Math.Abs(net - (injected - 4 * w.Seconds)), 0, bound + slack);
        Assert.Equal(r.GrossJoulesPerOp!.Value / 4, r.GrossJoulesPerToken!.Value, 12);
        Assert.Equal(r.NetJoulesPerOp!.Value / 4, r.NetJoulesPerToken!.Value, 12);
        Assert.Equal(gross / w.Seconds, r.AverageWatts!.Value, 9);
        Assert.Equal(r.AverageWatts.Value - session.IdleWatts!.Value, r.NetWatts!.Value, 9);
        Assert.Equal(channel, r.Domain);
        Assert.Equal("powercap-rapl", r.Source);
    }

    [Fact]
    public void A_wrap_inside_the_window_is_unrolled()
    {
        using var dir = new TempDir();
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(25), new FixtureWriterOptions(NearWrap: true));
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        // The counters sit 0.4 s of 25 W (10 J) before their wrap until the writer starts inside the window; the window
        // ends once twice that is injected and the sampler has taken enough samples, however long that takes.
        long start = session.MarkEdge();
        f.Writer.Start();
        f.Writer.ResetMaxTickGap();
        Until.Holds(() => f.Writer.Total("package") >= 2 * 0.4 * 25 && session.Sampler.Count > 20, "20 J injected and 20 samples taken");
        var w = new EnergyWindow("wrap", start, session.MarkEdge());
        Until.Covered(session, w);
        var r = session.Measure([w], 1, double.NaN);
        Assert.True(r.Attributable, r.Reason);
        var raw = session.Sampler.Series();
        double injected = f.Writer.Injected("package", w.Start, w.End);
        double gross = r.GrossJoulesPerOp!.Value;
        output.WriteLine($"wrap: injected {injected:0.######} J, measured {gross:0.######} J, error {gross - injected:+0.######;-0.######} J, bound ±{r.UncertaintyJoulesPerOp:0.######} J");
        Assert.InRange(Math.Abs(gross - injected), 0, r.UncertaintyJoulesPerOp!.Value + Slack(f.Writer, 25, TimeSpan.FromMilliseconds(1)));
        Assert.Null(r.GrossJoulesPerToken);
        var samples = File.ReadAllLines(Path.Combine(dir.Path, session.RunInfo().SampleFiles[0]));
        var rawValues = samples.Skip(2).Select(l => long.Parse(l.Split(',')[3])).ToList();
        Assert.Contains(rawValues.Zip(rawValues.Skip(1)), p => p.Second < p.First); // the raw counter wrapped mid-window
        Assert.True(raw.Count > 20, $"{raw.Count} samples");
    }

    [Fact]
    public void A_window_shorter_than_100_update_periods_is_not_attributable()
    {
        using var dir = new TempDir();
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(10));
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        // 50 ms by the clock's ticks, not by a sleep that load could stretch past the 100 ms (100 × 1 ms) it must stay under.
        long start = session.MarkEdge();
        var w = new EnergyWindow("case", start, start + Stopwatch.Frequency / 20);
        var r = session.Measure([w], 100, 4);
        Assert.False(r.Attributable);
        Assert.Null(r.GrossJoulesPerOp);
        Assert.Null(r.AverageWatts);
        Assert.Contains("100×", r.Reason);
        Assert.Contains("lengthen", r.Reason);
    }

    [Fact]
    public void A_counter_that_vanishes_mid_run_makes_later_windows_unattributable()
    {
        using var dir = new TempDir();
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(10));
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        var before = Idle(session, 0.2, "before");
        Assert.True(session.Measure([before], 10, 1).Attributable);
        File.Delete(f.Path("/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj"));
        // The sampler notices at its next existence check; wait for that, not for a guessed time.
        Until.Holds(() => session.Sampler.FailureReason is not null, "the sampler noticing the counter vanished");
        var after = Idle(session, 0.2, "after");
        var r = session.Measure([after], 10, 1);
        Assert.False(r.Attributable);
        Assert.Contains("vanished", r.Reason);
        Assert.Contains("vanished", session.RunInfo().UnavailableReason);
    }

    [Theory]
    [InlineData(FixtureLayout.LaptopBattery, 8.0)]
    [InlineData(FixtureLayout.PhoneBattery, 2.5)]
    public void Battery_gauge_energy_matches_the_injected_profile_within_the_bound(FixtureLayout layout, double watts)
    {
        using var dir = new TempDir();
        var gauge = TimeSpan.FromMilliseconds(5);
        using var f = new Fixture(layout, new ConstantPower(watts), new FixtureWriterOptions(GaugePeriod: gauge));
        f.Writer.Start();
        // Until the gauge has published the model's power once: the writer publishes at its first tick a gauge period
        // after Start, which returned before `started`.
        long started = Stopwatch.GetTimestamp();
        Until.Holds(() => f.Writer.LastTick >= started + (long)(gauge.TotalSeconds * Stopwatch.Frequency), "the gauge's first publication");
        var options = f.Options(new EnergyOptions(BatteryUpdatePeriod: gauge));
        using var session = EnergySession.Start(EnergyDiscovery.Discover(options), dir.Path)!;
        Assert.Equal("battery", session.Source.Name);
        f.Writer.ResetMaxTickGap();
        var w = Idle(session, 0.8);
        var r = session.Measure([w], 1, double.NaN);
        Assert.True(r.Attributable, r.Reason);
        double injected = f.Writer.Injected("battery", w.Start, w.End);
        double measured = r.GrossJoulesPerOp!.Value;
        // A gauge reports the average of its last period, one writer tick (5 ms) late at most.
        double slack = Slack(f.Writer, watts, gauge) + watts * f.Writer.Tick.TotalSeconds * 2;
        output.WriteLine($"{layout}: injected {injected:0.######} J, measured {measured:0.######} J, error {(measured - injected) / injected:P3}, bound ±{r.UncertaintyJoulesPerOp:0.######} J, slack {slack:0.######} J");
        Assert.InRange(Math.Abs(measured - injected), 0, r.UncertaintyJoulesPerOp!.Value + slack);
    }

    [Fact]
    public void Procstat_model_energy_matches_what_the_writer_injected()
    {
        if (!File.Exists("/proc/stat")) Assert.Skip("no /proc/stat on this OS");
        using var dir = new TempDir();
        var model = new ProcStatPower(3, 10);
        using var f = new Fixture(FixtureLayout.IntelLaptop, model);
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        f.Writer.ResetMaxTickGap();
        session.MeasureIdleBaseline(TimeSpan.FromMilliseconds(500));
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        f.Writer.ResetMaxTickGap();
        var w = Busy(session, 1.0);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var r = session.Measure([w], 1, double.NaN);
        Assert.True(r.Attributable, r.Reason);
        double injected = f.Writer.Injected("package", w.Start, w.End);
        double peak = 3 + 10 * Environment.ProcessorCount;
        output.WriteLine($"procstat: injected {injected:0.####} J, gross {r.GrossJoulesPerOp:0.####} J, net {r.NetJoulesPerOp:0.####} J, idle {session.IdleWatts:0.###} W; " +
                         $"this process used {cpu:0.###} CPU-s → model net ≈ {10 * cpu:0.###} J");
        Assert.InRange(Math.Abs(r.GrossJoulesPerOp!.Value - injected), 0, r.UncertaintyJoulesPerOp!.Value + Slack(f.Writer, peak, TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void Run_info_lists_the_raw_sample_files_and_the_windows()
    {
        using var dir = new TempDir();
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(6));
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        f.Writer.ResetMaxTickGap();
        session.MeasureIdleBaseline(TimeSpan.FromMilliseconds(150));
        var info = session.RunInfo();
        double slackWatts = Slack(f.Writer, 6, TimeSpan.FromMilliseconds(1)) / 0.15;
        Assert.Equal("powercap-rapl", info.Source);
        Assert.Equal("package", info.Domain);
        Assert.Null(info.UnavailableReason);
        Assert.Equal(0.001, info.UpdatePeriodSeconds);
        Assert.InRange(Math.Abs(info.IdleWatts!.Value - 6), 0, session.IdleBoundWatts!.Value + slackWatts);
        Assert.NotNull(info.SamplerOverheadFraction);
        Assert.InRange(info.SamplerOverheadFraction!.Value, 0, 0.5);
        Assert.Equal(["samples/powercap-rapl.csv", "samples/windows.csv"], info.SampleFiles);
        var samples = File.ReadAllLines(Path.Combine(dir.Path, "samples/powercap-rapl.csv"));
        Assert.StartsWith("# source=powercap-rapl", samples[0]);
        Assert.Equal("timestamp_ticks,seconds,package-0_j,package-0_raw", samples[1]);
        Assert.True(samples.Length > 5, $"only {samples.Length} lines in the sample file");
        Assert.Contains(File.ReadAllLines(Path.Combine(dir.Path, "samples/windows.csv")), l => l.StartsWith("\"idle-baseline\""));
    }

    [Fact]
    public void Nothing_usable_gives_no_session_and_a_reason_never_zero_watts()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Sub("root/proc"));
        File.WriteAllText(dir.Sub("root/proc/cpuinfo"), "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu hypervisor\n");
        File.WriteAllText(dir.Sub("root/.dockerenv"), "");
        using var inventory = EnergyDiscovery.Discover(new EnergyOptions(dir.Sub("root"), dir.Sub("root/dev/cpu")));
        Assert.Null(EnergySession.Start(inventory, dir.Sub("results")));
        Assert.Null(inventory.Chosen);
        var info = inventory.UnavailableRunInfo();
        Assert.Null(info.IdleWatts);
        Assert.Null(info.Source);
        Assert.Contains("no usable energy source", info.UnavailableReason);
        Assert.Contains("virtual machine", info.UnavailableReason);
        Assert.Contains("container", info.UnavailableReason);
        Assert.All(inventory.Describe(), s => Assert.NotEqual("usable", s.State));
    }
}
