using System.Diagnostics;
using FoldBench.Energy.Attribution;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

/// <summary>
/// Each new source end to end against its simulated machine running in real time: discovery chooses it, the sampler
/// reads it, and the energy of a window equals what the writer injected into the channel the source measures, within
/// the bound the session states (plus the writer's own scheduling slack, as in <see cref="SessionTests"/>).
/// </summary>
public class NewSourceSessionTests(ITestOutputHelper output)
{
    private static double Slack(FixtureWriter w, double watts, TimeSpan nominal) =>
        2 * watts * Math.Max(0, (w.MaxTickGap - nominal).TotalSeconds);

    /// <param name="layout">The simulated machine.</param>
    /// <param name="domain">--domain, or null for the default.</param>
    /// <param name="source">The source discovery must choose.</param>
    /// <param name="channel">The writer's channel that source measures.</param>
    /// <param name="selection">The domain selection the source must report.</param>
    [Theory]
    [InlineData(FixtureLayout.JetsonOrin, null, "hwmon", "board", "psys")]
    [InlineData(FixtureLayout.AmdApu, null, "hwmon", "package", "package")]
    [InlineData(FixtureLayout.EpycHwmon, null, "hwmon", "package", "package")]
    [InlineData(FixtureLayout.PerfPmu, null, "perf-rapl", "package", "package")]
    [InlineData(FixtureLayout.PerfPmu, "psys", "perf-rapl", "psys", "psys")]
    [InlineData(FixtureLayout.RaspberryPi5, null, "raspberrypi-pmic", "rails", "rails")]
    public void Gross_and_net_energy_match_the_injected_profile_within_the_bound(FixtureLayout layout, string? domain, string source, string channel, string selection)
    {
        using var dir = new TempDir();
        var power = new SteppedPower(3);
        using var f = new Fixture(layout, power);
        f.Writer.Start();
        using var inventory = EnergyDiscovery.Discover(f.Options(new EnergyOptions(Domain: domain)));
        Assert.True(inventory.Chosen is not null, inventory.UnavailableReason);
        Assert.Equal(source, inventory.Chosen!.Name);
        Assert.Equal(selection, inventory.Chosen.Selection.Name);
        using var session = EnergySession.Start(inventory, dir.Path)!;
        var period = session.Source.UpdatePeriod;
        // Windows need 100 update periods; the idle baseline gets at least that too.
        double windowSeconds = Math.Max(0.8, 150 * period.TotalSeconds);
        f.Writer.ResetMaxTickGap();
        long idleFrom = f.Writer.LastTick;
        session.MeasureIdleBaseline(TimeSpan.FromSeconds(Math.Max(0.4, 120 * period.TotalSeconds)));
        Assert.True(session.IdleWatts is not null, session.IdleReason);
        long idleTo = f.Writer.LastTick;
        double trueIdleWatts = f.Writer.Injected(channel, idleFrom, idleTo) / ((idleTo - idleFrom) / (double)Stopwatch.Frequency);
        var idleGap = f.Writer.MaxTickGap;
        power.Current = 14;
        f.Writer.ResetMaxTickGap();
        long start = session.MarkEdge();
        Thread.Sleep(TimeSpan.FromSeconds(windowSeconds)); // lets wall time pass; every check uses the window's measured length
        var w = new EnergyWindow("case", start, session.MarkEdge());
        Until.Covered(session, w);
        var r = session.Measure([w], 1000, double.NaN);
        Assert.True(r.Attributable, r.Reason);
        double injected = f.Writer.Injected(channel, w.Start, w.End);
        double gross = r.GrossJoulesPerOp!.Value * 1000;
        double net = r.NetJoulesPerOp!.Value * 1000;
        double bound = r.UncertaintyJoulesPerOp!.Value * 1000;
        // The channel's own power in the window (the writer injects it at a constant rate there) sizes the slack of a
        // stalled writer tick; the idle baseline's stalls, at no more than that power, reach the net figure only.
        double channelWatts = injected / w.Seconds;
        double slack = Slack(f.Writer, channelWatts, period);
        double idleSlack = 2 * channelWatts * Math.Max(0, (idleGap - period).TotalSeconds) / ((idleTo - idleFrom) / (double)Stopwatch.Frequency) * w.Seconds;
        output.WriteLine($"{layout} {source} ({r.Domain}): window {w.Seconds:0.###} s, injected {injected:0.######} J, gross {gross:0.######} J " +
                         $"(error {(gross - injected) / injected:P3}), bound ±{bound:0.######} J, writer slack {slack:0.######} J (idle {idleSlack:0.######} J), idle {session.IdleWatts:0.####} W (true {trueIdleWatts:0.####} W), net {net:0.######} J, period {period.TotalMilliseconds} ms");
        Assert.InRange(Math.Abs(gross - injected), 0, bound + slack);
        // Net is gross less the idle baseline over the window; the truth is the channel's injected energy less its
        // injected idle power (the model at 3 W) over the same length.
        Assert.InRange(Math.Abs(net - (injected - trueIdleWatts * w.Seconds)), 0, bound + slack + idleSlack);
        Assert.Equal(source, r.Source);
        Assert.Equal(selection, r.Domain);
    }
}
