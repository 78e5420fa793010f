using FoldBench.Reporting.Charts;
using FoldBench.Reporting.Comparison;
using SkiaSharp;

namespace FoldBench.Reporting.Tests;

public class ComparisonTests(GeneratedRuns runs) : IClassFixture<GeneratedRuns>
{
    private static readonly string[] Devices = ["fixture-x64 (x64)", "fixture-arm64 (arm64)"];

    [Fact]
    public void Comparison_WritesTheSideBySideChartsAndAReport()
    {
        var names = runs.CompareFiles.Select(Path.GetFileName).ToList();
        string[] expected =
        [
            "compare-throughput-encoder", "compare-memory-encoder", "compare-energy-encoder",
            "compare-throughput-projections", "compare-memory-projections", "compare-energy-projections", "compare-roofline",
        ];
        Assert.Equal(expected.SelectMany(n => new[] { n + ".png", n + ".svg" }).Append("report.md"), names);
        foreach (var f in runs.CompareFiles) Assert.True(new FileInfo(f).Length > 1000, f);
    }

    [Theory]
    [InlineData("compare-throughput-encoder.svg")]
    [InlineData("compare-memory-projections.svg")]
    [InlineData("compare-roofline.svg")]
    public void EachDevice_IsOneLegendEntry(string name)
    {
        var texts = ChartFiles.SvgTexts(runs.Plot(runs.CompareDir, name));
        foreach (var d in Devices) Assert.Equal(1, texts.Count(t => t == d));
    }

    [Fact]
    public void EachPanel_HasOneSeriesPerDevice()
    {
        var devices = DeviceRun.ReadAll([runs.X64Dir, runs.Arm64Dir]);
        var chart = ComparisonPlan.For(devices).Single(c => c.FileStem == "compare-throughput-encoder");
        var figure = chart.Draw();
        Assert.Equal(3, figure.Columns); // one column per fold factor
        Assert.Equal(6, figure.Panels.Count); // tokens/s and real-time factor rows
        foreach (var panel in figure.Panels)
        {
            var lines = panel.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
            Assert.Equal(2, lines.Count);
            Assert.Equal(2, lines.Select(l => l.Color).Distinct().Count());
        }
        Assert.Equal(Devices, figure.Legend.Select(e => e.Label));
    }

    [Fact]
    public void DeviceWithoutEnergy_IsNamedNotPlotted()
    {
        var texts = ChartFiles.SvgTexts(runs.Plot(runs.CompareDir, "compare-energy-encoder.svg"));
        Assert.Contains(texts, t => t.StartsWith("No energy on fixture-x64 (x64): no energy counter is exposed", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("fixture-arm64 (arm64): incomplete run", StringComparison.Ordinal));
        var devices = DeviceRun.ReadAll([runs.X64Dir, runs.Arm64Dir]);
        var figure = ComparisonPlan.For(devices).Single(c => c.FileStem == "compare-energy-encoder").Draw();
        // Only the arm64 board has energy: one line per panel, never a row of zeros for the VM.
        foreach (var panel in figure.Panels)
            Assert.Single(panel.GetPlottables<ScottPlot.Plottables.Scatter>());
    }

    [Fact]
    public void ComparisonPng_IsNotBlank()
    {
        using var bmp = SKBitmap.Decode(runs.Plot(runs.CompareDir, "compare-energy-encoder.png"));
        Assert.True(ChartFiles.LuminanceVariance(bmp) > 100);
        Assert.True(ChartFiles.DarkPixels(bmp, 0, 40) > 500);
    }

    [Fact]
    public void ComparisonReport_ListsBothDevicesAndTheirTimes()
    {
        string md = File.ReadAllText(Path.Combine(runs.CompareDir, "report.md"));
        Assert.Contains("# FoldBench device comparison", md);
        foreach (var d in Devices) Assert.Contains($"| {d} |", md);
        Assert.Contains("| fixture-x64 (x64): time / step | fixture-x64 (x64): net energy / token | fixture-arm64 (arm64): time / step |", md);
        // Encoder, chunk 1, N = 1: 14.0 ms on the VM (no energy), 29.8 ms and 96.7 mJ per token on the board.
        Assert.Contains("| 1 | 1 | 14.0 ms | — | 29.8 ms | 96.7 ± 3.93 mJ |", md);
        // The board's run stopped before chunk 16, N = 4.
        Assert.Contains("| 16 | 4 | 19.2 ms | — | — | — |", md);
        Assert.Contains("![Roofline by device", md);
    }

    [Fact]
    public void DuplicateMachineNames_GetDistinctLabels()
    {
        var devices = DeviceRun.ReadAll([runs.X64Dir, runs.X64Dir]);
        Assert.Equal(2, devices.Select(d => d.Label).Distinct().Count());
    }
}
