using FoldBench.Results;
using SkiaSharp;

namespace FoldBench.Reporting.Tests;

public class ChartGenerationTests(GeneratedRuns runs) : IClassFixture<GeneratedRuns>
{
    [Fact]
    public void Generate_WritesEveryChartAsPngAndSvg_AndTheReport()
    {
        var summary = SummaryStore.Read(runs.X64Dir);
        var names = ReportGenerator.ChartNames(summary);
        Assert.Equal(
            ["memory-encoder", "energy-encoder", "throughput-encoder", "memory-projections", "energy-projections",
             "throughput-projections", "kernels-throughput", "roofline"],
            names);
        var expected = names.SelectMany(n => new[] { runs.Plot(runs.X64Dir, n + ".png"), runs.Plot(runs.X64Dir, n + ".svg") })
            .Append(Path.Combine(runs.X64Dir, ReportGenerator.ReportFileName))
            .Select(Path.GetFullPath);
        Assert.Equal(expected, runs.X64Files);
        foreach (var f in runs.X64Files)
            Assert.True(new FileInfo(f).Length > 1000, $"{f} is missing or nearly empty");
        // Atomic writes leave no temp files behind.
        Assert.Empty(Directory.GetFiles(runs.X64Dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void ReportLinks_PointAtChartsThatExist()
    {
        string report = File.ReadAllText(Path.Combine(runs.X64Dir, ReportGenerator.ReportFileName));
        var links = System.Text.RegularExpressions.Regex.Matches(report, @"!\[[^\]]+\]\((plots/[^)]+\.png)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(8, links.Count);
        foreach (var link in links)
            Assert.True(File.Exists(Path.Combine(runs.X64Dir, link)), $"report links {link}, which was not written");
    }

    [Fact]
    public void MemorySvg_HasTitleAxisLabelsAndOneLegendEntryPerFold()
    {
        var texts = ChartFiles.SvgTexts(runs.Plot(runs.X64Dir, "memory-encoder.svg"));
        Assert.Contains("Memory vs chunk size — Encoder step (preset emformer-base, avx2)", texts);
        Assert.Contains("Weights", texts);
        Assert.Contains("Bytes moved per token", texts);
        Assert.Contains("Peak working set (process)", texts);
        Assert.Equal(3, texts.Count(t => t == "Chunk size (tokens)"));
        Assert.Contains("Weight bytes (MiB)", texts);
        // Bytes per token falls from ~244 MiB (chunk 1) to ~11 MiB (chunk 16): more than a decade, so a log axis.
        Assert.Contains("Bytes per token (MiB, log scale)", texts);
        Assert.Contains("Peak working set (MiB)", texts);
        foreach (var legend in new[] { "N = 1 (unfolded)", "N = 2 (folded)", "N = 4 (folded)" })
            Assert.Equal(1, texts.Count(t => t == legend));
        Assert.All(ChartFiles.SvgFontFamilies(runs.Plot(runs.X64Dir, "memory-encoder.svg")), f => Assert.Equal(FontCheck.FontName, f));
    }

    [Fact]
    public void ThroughputSvg_ShowsTokensPerSecondAndRealTimeFactorWithItsReferenceLine()
    {
        var texts = ChartFiles.SvgTexts(runs.Plot(runs.X64Dir, "throughput-encoder.svg"));
        Assert.Contains("Throughput vs chunk size — Encoder step (preset emformer-base, avx2)", texts);
        Assert.Contains("Tokens per second (higher is better)", texts);
        Assert.Contains("Real-time factor (lower is better)", texts);
        Assert.Contains("Tokens/s", texts);
        Assert.Contains("real time (RTF = 1)", texts);
        // Projections have no real-time factor: their second panel is the time per step instead.
        var proj = ChartFiles.SvgTexts(runs.Plot(runs.X64Dir, "throughput-projections.svg"));
        Assert.Contains("Time per step (lower is better)", proj);
        Assert.Contains(proj, t => t.StartsWith("Median time per step (µs", StringComparison.Ordinal));
    }

    [Fact]
    public void KernelAndRooflineSvgs_NameTheRoofsAndEverySeries()
    {
        var kernels = ChartFiles.SvgTexts(runs.Plot(runs.X64Dir, "kernels-throughput.svg"));
        Assert.Contains("Kernel throughput vs M (M = fold × chunk tokens)", kernels);
        Assert.Contains("Throughput (GFLOP/s)", kernels);
        Assert.Contains("% of FMA peak", kernels);
        Assert.Contains("M (rows per call)", kernels);
        foreach (var s in new[] { "avx2 K×N = 512×512", "avx2 K×N = 2048×2048", "portable K×N = 512×512" })
            Assert.Contains(s, kernels);

        var roof = ChartFiles.SvgTexts(runs.Plot(runs.X64Dir, "roofline.svg"));
        Assert.Contains("Roofline — kernels on fixture-x64", roof);
        Assert.Contains("Arithmetic intensity (FLOP/byte, log scale)", roof);
        Assert.Contains("Throughput (GFLOP/s, log scale)", roof);
        Assert.Contains("memory bandwidth roof 18.5 GB/s", roof);
        Assert.Contains("cache bandwidth roof 67.0 GB/s", roof);
        Assert.Contains("FMA peak 101.7 GFLOP/s", roof);
        Assert.Contains("avx2, streamed weights", roof);
        Assert.Contains("M=64", roof);
    }

    [Fact]
    public void NoEnergySource_TheEnergyChartSaysSoAndDrawsNoSeries()
    {
        var texts = ChartFiles.SvgTexts(runs.Plot(runs.X64Dir, "energy-encoder.svg"));
        Assert.Contains("Power and energy vs chunk size — Encoder step (preset emformer-base, avx2)", texts);
        Assert.Contains(texts, t => t.StartsWith("No energy figures: no energy counter is exposed on this virtual machine", StringComparison.Ordinal));
        Assert.Equal(2, texts.Count(t => t == "no energy measured"));
        // No series, so no legend and no y tick labels (a zero would be a lie).
        Assert.DoesNotContain("N = 1 (unfolded)", texts);
        Assert.DoesNotContain("0", texts);
    }

    [Fact]
    public void WithEnergy_TheEnergyChartNamesItsSourceAndTheCasesLeftOut()
    {
        var texts = ChartFiles.SvgTexts(runs.Plot(runs.Arm64Dir, "energy-projections.svg"));
        Assert.Contains("Source: external-trace (board); idle baseline 2.70 W subtracted for net energy.", texts);
        Assert.Contains(texts, t => t.StartsWith("1 of 15 cases have no attributable energy", StringComparison.Ordinal));
        Assert.Contains("N = 4 (folded)", texts);
        Assert.Contains(texts, t => t.StartsWith("Net energy per token (", StringComparison.Ordinal));
        Assert.Contains("Average power (W)", texts);
        // The interrupted arm64 run says so on its sweep charts.
        Assert.Contains(texts, t => t.StartsWith("Incomplete run", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("memory-encoder.png")]
    [InlineData("energy-encoder.png")]
    [InlineData("throughput-projections.png")]
    [InlineData("kernels-throughput.png")]
    [InlineData("roofline.png")]
    public void Png_IsNotBlankAndHasItsTitleDrawn(string name)
    {
        using var bmp = SKBitmap.Decode(runs.Plot(runs.X64Dir, name));
        Assert.NotNull(bmp);
        Assert.True(bmp.Width >= 900 && bmp.Height >= 500, $"{name} is {bmp.Width}×{bmp.Height}");
        Assert.True(ChartFiles.LuminanceVariance(bmp) > 100, $"{name} looks blank");
        // The title is drawn in the top 40 rows: with no usable font that band would be empty white.
        Assert.True(ChartFiles.DarkPixels(bmp, 0, 40) > 500, $"{name} has no visible title text");
    }
}
