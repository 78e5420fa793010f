using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FoldBench.Energy.Simulation;
using Perfolizer.Horology;

namespace FoldBench.Energy.BenchmarkDotNet.Tests;

/// <summary>
/// A user's benchmark run with the diagnoser against a simulated powercap tree (counters a writer thread advances in
/// real time from a power model): the summary gets the energy columns, and the energy equals what the writer injected.
/// </summary>
public sealed class EnergyColumnsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "foldbench-energy-bdn-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private IConfig Config(EnergyDiagnoser diagnoser, ILogger log) => ManualConfig.CreateEmpty()
        // In-process and short: 4 actual iterations of 120 ms, each window ≥ 100 RAPL update periods.
        .AddJob(new Job("short").WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(1)
            .WithIterationCount(4).WithIterationTime(TimeInterval.FromMilliseconds(120)))
        .AddDiagnoser(diagnoser)
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddLogger(log)
        .WithOptions(ConfigOptions.DisableOptimizationsValidator)
        .WithArtifactsPath(Path.Combine(_dir, "artifacts"));

    [Fact]
    public void Summary_table_has_the_energy_columns_with_values()
    {
        using var writer = FixtureWriter.Create(Path.Combine(_dir, "root"), FixtureLayout.IntelLaptop, new ConstantPower(12));
        writer.Start();
        using var diagnoser = new EnergyDiagnoser(writer.EnergyOptions(), TimeSpan.FromSeconds(0.3));
        var log = new AccumulationLogger();
        var summary = BenchmarkRunner.Run<Summing>(Config(diagnoser, log));
        var report = Assert.Single(summary.Reports);
        Assert.True(report.Success, log.GetLog());
        Assert.True(diagnoser.Session is not null, diagnoser.UnavailableReason);

        var table = summary.Table;
        string Cell(string header)
        {
            int col = Array.FindIndex(table.FullHeader, h => h == header);
            Assert.True(col >= 0, $"no '{header}' column in: {string.Join(" | ", table.FullHeader)}");
            return table.FullContent[0][col];
        }
        foreach (var header in new[] { "Gross J/op", "Net J/op", "±J/op", "W", "Net W" })
        {
            string cell = Cell(header);
            output.WriteLine($"{header}: {cell}");
            Assert.True(double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _), $"{header}: '{cell}' is not a number");
        }
        Assert.True(double.Parse(Cell("Gross J/op"), CultureInfo.InvariantCulture) > 0);
        Assert.InRange(double.Parse(Cell("W"), CultureInfo.InvariantCulture), 6, 24); // the model's 12 W, whatever the edges
        // No tokens were declared: no per-token column.
        Assert.DoesNotContain("Net J/token", table.FullHeader);
        Assert.Contains("// Energy: powercap-rapl", log.GetLog());
    }

    [Fact]
    public void Gross_energy_is_what_the_power_model_injected_within_the_bound()
    {
        using var writer = FixtureWriter.Create(Path.Combine(_dir, "root"), FixtureLayout.IntelLaptop, new ConstantPower(12));
        writer.Start();
        using var diagnoser = new EnergyDiagnoser(writer.EnergyOptions(), TimeSpan.FromSeconds(0.3)) { TokensPerOp = _ => 4 };
        writer.ResetMaxTickGap();
        var summary = BenchmarkRunner.Run<Summing>(Config(diagnoser, NullLogger.Instance));
        var report = Assert.Single(summary.Reports);
        Assert.True(report.Success);

        var window = Assert.Single(diagnoser.WindowsFor(report.BenchmarkCase));
        long ops = EnergyDiagnoser.ActualOperations(report.AllMeasurements);
        var r = diagnoser.ResultFor(report.BenchmarkCase)!;
        Assert.True(r.Attributable, r.Reason);
        double injected = writer.Injected("package", window.Start, window.End);
        double gross = r.GrossJoulesPerOp!.Value * ops;
        // The writer is a user thread: its counters lag the ledger by up to its longest tick gap (a hardware counter does not).
        double lag = 2 * 12 * Math.Max(0, (writer.MaxTickGap - TimeSpan.FromMilliseconds(1)).TotalSeconds);
        output.WriteLine($"window {window.Seconds:0.###} s, {ops} ops: injected {injected:0.#####} J, gross {gross:0.#####} J, bound ±{r.UncertaintyJoulesPerOp * ops:0.#####} J, lag {lag:0.#####} J");
        Assert.InRange(Math.Abs(gross - injected), 0, r.UncertaintyJoulesPerOp!.Value * ops + lag);
        Assert.Equal(r.GrossJoulesPerOp.Value / 4, r.GrossJoulesPerToken!.Value, 15);
        Assert.NotNull(r.NetJoulesPerOp); // the diagnoser measured its own idle baseline
        // The per-token column appears once tokens are declared, and the window is in the samples it wrote.
        Assert.Contains("Net J/token", summary.Table.FullHeader);
        var windows = File.ReadAllLines(Path.Combine(_dir, "artifacts", "energy", "samples", "windows.csv"));
        Assert.Contains(windows, l => l.Contains("Summing.Sum"));
    }

    [Fact]
    public void Attribute_adds_the_diagnoser_to_the_benchmarks_config()
    {
        var info = BenchmarkConverter.TypeToBenchmarks(typeof(AttributedSumming));
        Assert.Contains(info.Config.GetDiagnosers(), d => d is EnergyDiagnoser);
    }

    [Fact]
    public void Without_a_counter_the_benchmark_runs_and_the_log_says_why()
    {
        string empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        using var diagnoser = new EnergyDiagnoser(new EnergyOptions(empty, Path.Combine(empty, "dev", "cpu")));
        var log = new AccumulationLogger();
        var summary = BenchmarkRunner.Run<Summing>(Config(diagnoser, log));
        Assert.True(Assert.Single(summary.Reports).Success, log.GetLog());
        Assert.Null(diagnoser.Session);
        Assert.DoesNotContain("Gross J/op", summary.Table.FullHeader);
        Assert.Contains("no energy figures", log.GetLog());
    }
}
