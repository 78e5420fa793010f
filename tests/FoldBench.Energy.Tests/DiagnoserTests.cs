using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FoldBench.Energy.Diagnosers;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Tests.Support;
using Perfolizer.Horology;

namespace FoldBench.Energy.Tests;

/// <summary>A tiny CPU-bound benchmark for the in-process end-to-end test.</summary>
public class SpinBenchmark
{
    [Benchmark]
    public double Spin()
    {
        double x = 1;
        for (int i = 0; i < 20000; i++) x = x * 1.0000001 + 1e-9;
        return x;
    }
}

public class DiagnoserTests(ITestOutputHelper output)
{
    [Fact]
    public void In_process_benchmark_windows_are_recorded_and_attributed()
    {
        using var dir = new TempDir();
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(12));
        f.Writer.Start();
        using var session = EnergySession.Start(EnergyDiscovery.Discover(f.Options()), dir.Path)!;
        session.Diagnoser.TokensPerOp = _ => 4;
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(1)
            .WithIterationCount(4).WithIterationTime(TimeInterval.FromMilliseconds(80));
        var config = ManualConfig.CreateEmpty().AddJob(job).AddDiagnoser(session.Diagnoser).AddColumnProvider(session.Diagnoser.Columns)
            .AddLogger(NullLogger.Instance).WithOptions(ConfigOptions.DisableOptimizationsValidator).WithArtifactsPath(dir.Sub("bdn"));
        f.Writer.ResetMaxTickGap();
        var summary = BenchmarkRunner.Run<SpinBenchmark>(config);
        var report = Assert.Single(summary.Reports);
        Assert.True(report.Success);

        var window = Assert.Single(session.Diagnoser.WindowsFor(report.BenchmarkCase));
        long ops = EnergySession.ActualOperations(report.AllMeasurements);
        Assert.True(ops > 0);
        var r = session.Attribute(report, 4)!;
        Assert.True(r.Attributable, r.Reason);
        double injected = f.Writer.Injected("package", window.Start, window.End);
        double gross = r.GrossJoulesPerOp!.Value * ops;
        double slack = 2 * 12 * Math.Max(0, (f.Writer.MaxTickGap - TimeSpan.FromMilliseconds(1)).TotalSeconds);
        output.WriteLine($"BDN window {window.Seconds:0.###} s, {ops} ops: injected {injected:0.#####} J, gross {gross:0.#####} J, bound ±{r.UncertaintyJoulesPerOp * ops:0.#####} J, slack {slack:0.#####} J");
        Assert.InRange(Math.Abs(gross - injected), 0, r.UncertaintyJoulesPerOp!.Value * ops + slack);
        Assert.Equal(r.GrossJoulesPerOp.Value / 4, r.GrossJoulesPerToken!.Value, 15);
        Assert.Contains("net energy unavailable", r.Reason); // no idle baseline in this test

        // The diagnoser computed the same case when BenchmarkDotNet processed results, and the columns show it.
        var shown = session.Diagnoser.ResultFor(report.BenchmarkCase);
        Assert.NotNull(shown);
        Assert.True(shown.Attributable, shown.Reason);
        var columns = session.Diagnoser.Columns.GetColumns(summary).ToList();
        Assert.Equal(["Energy/op", "Net J/op", "Net J/token", "Power", "Net W"], columns.Select(c => c.ColumnName).ToArray());
        Assert.EndsWith("J", columns[0].GetValue(summary, report.BenchmarkCase));
        Assert.EndsWith("W", columns[3].GetValue(summary, report.BenchmarkCase));
        Assert.Equal("-", columns[1].GetValue(summary, report.BenchmarkCase)); // net needs the idle baseline

        var windows = File.ReadAllLines(Path.Combine(dir.Path, session.RunInfo().SampleFiles[1]));
        Assert.Contains(windows, l => l.Contains("SpinBenchmark.Spin"));
    }

    [Theory]
    [InlineData(0.0123, "J", "12.3 mJ")]
    [InlineData(4.2e-7, "J", "420 nJ")]
    [InlineData(17.25, "W", "17.25 W")]
    [InlineData(-0.002, "W", "-2 mW")]
    public void Column_values_use_si_prefixes(double value, string unit, string expected) =>
        Assert.Equal(expected, EnergyColumnProvider.Format(value, unit));
}
