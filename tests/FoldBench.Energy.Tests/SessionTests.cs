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

    /// <summary>
    /// A window of at least <paramref name="seconds"/>, held open until it spans 125 of the update periods the raw
    /// values show so far (attribution needs 100): on a loaded machine the fixture writer's publications really are
    /// further apart, and a fixed window would then be refused as too short. Gives up growing after a minute.
    /// </summary>
    private static EnergyWindow IdleLongEnough(EnergySession session, double seconds, string label = "case")
    {
        long start = session.MarkEdge();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        WaitForPeriods(session, start);
        var w = new EnergyWindow(label, start, session.MarkEdge());
        Until.Covered(session, w);
        return w;
    }

    private static void WaitForPeriods(EnergySession session, long start)
    {
        long giveUp = start + (long)(60 * F);
        while (Stopwatch.GetTimestamp() < giveUp && (Stopwatch.GetTimestamp() - start) / (double)F < 125 * session.EffectiveUpdatePeriod().TotalSeconds)
            Thread.Sleep(50);
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
        // The writer's 5 ms ticks let its gauge publish every 5-10 ms; the phone's charge_now (whole µAh) moves only
        // every few publications at 2.5 W, so its raw values show a period of up to about 20 ms: 100 of those need 2 s.
        var w = IdleLongEnough(session, 2.5);
        var r = session.Measure([w], 1, double.NaN);
        Assert.True(r.Attributable, r.Reason);
        double injected = f.Writer.Injected("battery", w.Start, w.End);
        double measured = r.GrossJoulesPerOp!.Value;
        // A gauge reports the average of its last period, one writer tick (5 ms) late at most.
        double slack = Slack(f.Writer, watts, gauge) + watts * f.Writer.Tick.TotalSeconds * 2;
        output.WriteLine($"{layout}: window {w.Seconds:0.###} s, period {session.EffectiveUpdatePeriod().TotalMilliseconds:0.#} ms, injected {injected:0.######} J, measured {measured:0.######} J, " +
                         $"error {(measured - injected) / injected:P3}, bound ±{r.UncertaintyJoulesPerOp:0.######} J, slack {slack:0.######} J, max writer gap {f.Writer.MaxTickGap.TotalMilliseconds:0.#} ms");
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
        Assert.Contains(File.ReadAllLines(Path.Combine(dir.Path, "samples/windows.csv")), l => l.StartsWith("\"idle-", StringComparison.Ordinal));
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

    [Fact]
    public void Idle_measured_before_and_after_the_sweep_puts_its_drift_into_the_net_bound()
    {
        using var dir = new TempDir();
        var power = new SteppedPower(4);
        using var f = new Fixture(FixtureLayout.IntelLaptop, power);
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        f.Writer.ResetMaxTickGap();
        session.MeasureIdleBaseline(TimeSpan.FromMilliseconds(400)); // before the sweep: 4 W
        power.Current = 19;
        var w = Idle(session, 0.5);
        power.Current = 6;
        session.MeasureIdleBaseline(TimeSpan.FromMilliseconds(400)); // after it: the machine idles at 6 W now
        var r = session.Measure([w], 1000, 4);
        Assert.True(r.Attributable, r.Reason);
        double slackWatts = Slack(f.Writer, 19, session.Source.UpdatePeriod) / 0.4;
        output.WriteLine($"idle {session.IdleWatts:0.####} W ± {session.IdleBoundWatts:0.####} W; net bound {r.UncertaintyJoulesPerOp * 1000:0.####} J over {w.Seconds:0.###} s");
        Assert.Equal(5, session.IdleWatts!.Value, 0.2 + slackWatts);
        Assert.True(session.IdleBoundWatts >= 1.0, $"the idle bound {session.IdleBoundWatts} W must cover half the 2 W drift");
        // Whichever idle level held during the window, the net figure is within its bound of the truth.
        double net = r.NetJoulesPerOp!.Value * 1000, bound = r.UncertaintyJoulesPerOp!.Value * 1000;
        double injected = f.Writer.Injected("package", w.Start, w.End);
        double slack = Slack(f.Writer, 19, session.Source.UpdatePeriod);
        foreach (double idle in new[] { 4.0, 6.0 })
            Assert.InRange(Math.Abs(net - (injected - idle * w.Seconds)), 0, bound + slack);
    }

    [Fact]
    public void A_slow_battery_gauge_is_noticed_from_its_raw_values()
    {
        // The reported case at 1/100 scale: the gauge publishes every 100 ms (there: 10 s) while its nominal period is
        // 10 ms (1 s), and power steps from 5 to 25 W 50 ms (5 s) before the end of a 1.1 s (110 s) window.
        using var dir = new TempDir();
        var gauge = TimeSpan.FromMilliseconds(100);
        var power = new SteppedPower(5);
        using var f = new Fixture(FixtureLayout.LaptopBattery, power, new FixtureWriterOptions(GaugePeriod: gauge));
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options(new EnergyOptions(BatteryUpdatePeriod: TimeSpan.FromMilliseconds(10)))), dir.Path)!;
        Assert.Equal("battery", session.Source.Name);
        long start = session.MarkEdge();
        Thread.Sleep(1050);
        power.Current = 25;
        Thread.Sleep(50);
        var w = new EnergyWindow("case", start, session.MarkEdge());
        Until.Covered(session, w);
        var r = session.Measure([w], 1, double.NaN);
        double injected = f.Writer.Injected("battery", w.Start, w.End);
        output.WriteLine($"effective period {session.EffectiveUpdatePeriod().TotalMilliseconds:0.#} ms; attributable {r.Attributable}; " +
                         $"measured {r.GrossJoulesPerOp:0.###} J vs {injected:0.###} J injected, bound ±{r.UncertaintyJoulesPerOp:0.###} J; {r.Reason}");
        Assert.True(session.EffectiveUpdatePeriod() >= TimeSpan.FromMilliseconds(80),
            $"the gauge publishes every 100 ms, seen as {session.EffectiveUpdatePeriod().TotalMilliseconds:0.#} ms");
        if (r.Attributable)
            Assert.InRange(Math.Abs(r.GrossJoulesPerOp!.Value - injected), 0, r.UncertaintyJoulesPerOp!.Value + Slack(f.Writer, 25, gauge));
        else
            Assert.Contains("update period", r.Reason);
        // The raw samples keep the publication marker (energy_now) the period was read from.
        Assert.Equal("timestamp_ticks,seconds,BAT0_j,BAT0_raw,BAT0_marker", File.ReadAllLines(Path.Combine(dir.Path, session.RunInfo().SampleFiles[0]))[1]);
    }

    [Fact]
    public void A_power_step_the_gauge_has_not_published_yet_stays_within_the_bound()
    {
        // A window of well over 100 gauge periods (20 ms), power stepping from 5 to 25 W 10 ms before its end: the
        // integrated power_now has not seen the step yet, so the end edge's bound must cover its unobserved interval.
        using var dir = new TempDir();
        var gauge = TimeSpan.FromMilliseconds(20);
        var power = new SteppedPower(5);
        using var f = new Fixture(FixtureLayout.LaptopBattery, power, new FixtureWriterOptions(GaugePeriod: gauge));
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options(new EnergyOptions(BatteryUpdatePeriod: TimeSpan.FromMilliseconds(2)))), dir.Path)!;
        f.Writer.ResetMaxTickGap();
        long start = session.MarkEdge();
        Thread.Sleep(3490);
        WaitForPeriods(session, start); // a loaded machine spaces the writer's publications out
        power.Current = 25;
        Thread.Sleep(10);
        var w = new EnergyWindow("case", start, session.MarkEdge());
        Until.Covered(session, w);
        var r = session.Measure([w], 1, double.NaN);
        Assert.True(r.Attributable, r.Reason);
        double injected = f.Writer.Injected("battery", w.Start, w.End);
        double measured = r.GrossJoulesPerOp!.Value;
        double slack = Slack(f.Writer, 25, gauge);
        output.WriteLine($"window {w.Seconds:0.###} s, period {session.EffectiveUpdatePeriod().TotalMilliseconds:0.#} ms: measured {measured:0.####} J, " +
                         $"injected {injected:0.####} J, error {measured - injected:+0.####;-0.####} J, bound ±{r.UncertaintyJoulesPerOp:0.####} J, slack {slack:0.####} J");
        Assert.InRange(Math.Abs(measured - injected), 0, r.UncertaintyJoulesPerOp!.Value + slack);
    }

    [Fact]
    public void Counters_read_under_a_fixture_root_are_labelled_simulated_everywhere()
    {
        using var dir = new TempDir();
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(12));
        f.Writer.Start();
        using var inventory = EnergyDiscovery.Discover(f.Options());
        Assert.All(inventory.Describe().Where(d => d.State == "usable"), d => Assert.Equal("simulated", d.Provenance));
        using var session = EnergySession.Start(inventory, dir.Path)!;
        var w = Idle(session, 0.2);
        var r = session.Measure([w], 10, 1);
        Assert.True(r.Attributable, r.Reason);
        Assert.Equal("simulated", r.Provenance);
        Assert.True(r.Estimated);
        Assert.Equal("simulated", session.RunInfo().Provenance);
    }

    [Fact]
    public void A_simulated_msr_tree_under_the_real_sysfs_root_is_labelled_simulated()
    {
        // The reported case: sysfs root "/" (this machine's CPU identity and topology), MSRs from a simulated tree.
        var host = Sources.Msr.CpuIdentity.Read("/");
        if (host is null || !(host.IsIntel || host.IsAmd && host.Family >= 0x17)) Assert.Skip("needs an x86 host whose /proc/cpuinfo names Intel or AMD");
        using var dir = new TempDir();
        using var f = new Fixture(host.IsIntel ? FixtureLayout.IntelLaptop : FixtureLayout.AmdServer, new ConstantPower(20));
        f.Writer.Start();
        var options = new EnergyOptions(SysfsRoot: "/", DevCpuRoot: f.Writer.DevCpuRoot, PreferredSource: "msr-rapl");
        var inventory = EnergyDiscovery.Discover(options);
        if (inventory.Chosen?.Name != "msr-rapl")
        {
            inventory.Dispose();
            Assert.Skip($"msr-rapl does not read the fixture on this host's topology: {inventory.Sources.First(s => s.Name == "msr-rapl").Reason}");
        }
        Assert.Equal("simulated", inventory.Describe().Single(d => d.Name == "msr-rapl").Provenance);
        using var session = EnergySession.Start(inventory, dir.Path)!;
        var w = Idle(session, 0.2);
        var r = session.Measure([w], 10, 1);
        Assert.True(r.Attributable, r.Reason);
        Assert.Equal("simulated", r.Provenance);
        Assert.Equal("simulated", session.RunInfo().Provenance);
    }
}
