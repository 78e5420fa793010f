using System.Globalization;
using FoldBench.Energy.Simulation;
using FoldBench.Results;

namespace FoldBench.Cli.Tests;

/// <summary>
/// End to end through `foldbench run`: a fixture tree laid out like an Intel laptop's powercap,
/// whose counters a writer advances in real time from a power model, stands in for the hardware.
/// The energy each case reports must equal what the writer injected during that case's window,
/// within the bound the case states.
/// </summary>
public class EnergyRunTests
{
    /// <summary>label (quoted, may hold commas), start_ticks, end_ticks, start_s, seconds.</summary>
    private static (string Label, long Start, long End) ParseWindow(string line)
    {
        int close = line.LastIndexOf('"');
        var f = line[(close + 2)..].Split(',');
        return (line[1..close].Replace("\"\"", "\""), long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PerCaseEnergyMatchesWhatThePowerModelInjected()
    {
        string root = Path.Combine(Path.GetTempPath(), "foldbench-fx-" + Guid.NewGuid().ToString("N"));
        string dir = Path.Combine(Path.GetTempPath(), "foldbench-energy-" + Guid.NewGuid().ToString("N"));
        // Real CPU activity drives the model: idle watts plus watts per busy core from /proc/stat.
        using var writer = FixtureWriter.Create(root, FixtureLayout.IntelLaptop, new ProcStatPower(4, 12));
        writer.Start();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "quick", "--suites", "kernels", "--paths", "scalar",
            "--m", "1,8", "--kn", "64", "--regimes", "cache", "--no-calibration", "--no-plots", "--cpu", "none",
            "--sysfs-root", root, "--idle-seconds", "0.5", "--settle-seconds", "0.2", "--out", dir);
        writer.Stop();
        Assert.True(code == 0, err);

        var s = SummaryStore.Read(dir);
        Assert.Equal("powercap-rapl", s.Energy!.Source);
        Assert.NotNull(s.Energy.IdleWatts);
        Assert.Contains(s.Machine.EnergySources, e => e.Name == "powercap-rapl" && e.State == "usable");
        Assert.Contains("samples/windows.csv", s.Energy.SampleFiles);
        // Counters under a fixture root are simulated, and every figure says so.
        Assert.Equal("simulated", s.Energy.Provenance);
        Assert.All(s.Cases, c => Assert.Equal("simulated", c.Energy!.Provenance));
        Assert.Contains(s.Caveats, c => c.Contains("simulated", StringComparison.Ordinal));
        // Idle before and after the sweep, each after the settle; the bound they give is stored.
        Assert.Equal(["before", "after"], s.Energy.IdleMeasurements.Select(m => m.When).ToArray());
        Assert.Equal(0.2, s.Energy.IdleSettleSeconds);
        Assert.NotNull(s.Energy.IdleBoundWatts);
        Assert.Equal(s.Energy.IdleMeasurements.Average(m => m.Watts), s.Energy.IdleWatts!.Value, 9);

        var windows = File.ReadLines(Path.Combine(dir, "samples", "windows.csv")).Skip(1)
            .Select(ParseWindow)
            .ToList();
        var idles = windows.Where(w => w.Label.StartsWith("idle-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["idle-before", "idle-after"], idles.Select(w => w.Label).ToArray());
        double idleSeconds = idles.Min(w => (w.End - w.Start) / (double)System.Diagnostics.Stopwatch.Frequency);
        double trueIdleWatts = idles.Average(w => writer.Injected("package", w.Start, w.End) / ((w.End - w.Start) / (double)System.Diagnostics.Stopwatch.Frequency));

        // The writer is a user thread: the counters it publishes lag the ledger by up to its longest
        // tick gap (a hardware counter does not), so each window edge may be off by gap × peak power.
        double peakWatts = 4 + 12 * Environment.ProcessorCount;
        double writerLag = 2 * writer.MaxTickGap.TotalSeconds * peakWatts;

        var caseWindows = windows.Where(w => !w.Label.StartsWith("idle-", StringComparison.Ordinal)).ToList();
        Assert.Equal(s.Cases.Count, caseWindows.Count);
        for (int i = 0; i < s.Cases.Count; i++)
        {
            var e = s.Cases[i].Energy!;
            Assert.True(e.Attributable, e.Reason);
            var w = caseWindows[i];
            double seconds = (w.End - w.Start) / (double)System.Diagnostics.Stopwatch.Frequency;
            Assert.Equal(seconds, e.WindowSeconds, 3);
            double ops = e.AverageWatts!.Value * e.WindowSeconds / e.GrossJoulesPerOp!.Value;
            double bound = e.UncertaintyJoulesPerOp!.Value * ops;
            double injected = writer.Injected("package", w.Start, w.End);
            double measured = e.GrossJoulesPerOp.Value * ops;
            Assert.True(Math.Abs(measured - injected) <= bound + writerLag,
                $"gross {measured} J vs injected {injected} J (bound {bound} J + writer lag {writerLag} J)");
            double trueNet = injected - trueIdleWatts * seconds;
            double net = e.NetJoulesPerOp!.Value * ops;
            double idleLag = writerLag * seconds / idleSeconds;
            Assert.True(Math.Abs(net - trueNet) <= 2 * bound + writerLag + idleLag,
                $"net {net} J vs injected net {trueNet} J (bound 2×{bound} J + writer lag {writerLag + idleLag} J)");
        }
    }
}
