using FoldBench.Reporting.Charts;
using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

/// <summary>Per-width and per-level roofs in the report: every roof drawn and named, an unstable calibration stated first.</summary>
public class CalibrationReportTests
{
    private static Calibration Roofs(bool? stable, string? reason = null) => new()
    {
        FmaPeakGflops = 200,
        BandwidthGBs = 28,
        CacheBandwidthGBs = 131,
        FmaPeakGflopsByWidth = new() { ["scalar"] = 12.5, ["128"] = 50, ["256"] = 106, ["512"] = 200 },
        BandwidthGBsByLevel = new() { ["L1"] = 405, ["L2"] = 206, ["L3"] = 69, ["memory"] = 28 },
        Stable = stable,
        UnstableReason = reason,
    };

    [Fact]
    public void UnstableCalibration_IsTheFirstCaveat()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        s.Calibration = Roofs(false, "start and end calibrations disagree by more than the run's noise (2.0%): read memory 30.0 → 20.0 GB/s (33.3%)");
        string md = ReportGenerator.RenderReportMarkdown(s);
        string caveats = md[(md.IndexOf("## Caveats", StringComparison.Ordinal) + "## Caveats".Length)..].TrimStart();
        Assert.StartsWith("- **Calibration unstable**: start and end calibrations disagree", caveats);
        Assert.Contains("FMA peak scalar 12.5, 128 50.0, 256 106.0, 512 200.0 GFLOP/s; read bandwidth L1 405.0, L2 206.0, L3 69.0, memory 28.0 GB/s; **unstable**", md);
    }

    [Fact]
    public void ACaseAboveItsRoof_IsNeverPrintedWithoutTheFlag()
    {
        // Results judged before the flag existed: a case above 100% still puts the calibration first.
        var s = FixtureCopy.Read(FixtureCopy.X64);
        s.Calibration = Roofs(null);
        s.Cases[0].PctRoofline = 130;
        var caveats = Markdown.Caveats.All(s);
        Assert.StartsWith("**Calibration suspect**: 1 case(s) exceed 100% of a measured roof", caveats[0]);
    }

    [Fact]
    public void SlowMemoryBesideStreamedCases_IsACaveatAndTheKernelTableRatesThemBoth()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        s.Calibration = Roofs(true);
        var kernels = s.Cases.Where(c => c.Suite == SuiteNames.Kernels).ToList();
        Assert.DoesNotContain("Memory beside", Markdown.ReportMarkdown.KernelTable(kernels)); // results without the probe
        Assert.DoesNotContain(Markdown.Caveats.All(s), c => c.StartsWith("Memory was slower", StringComparison.Ordinal));
        var streamed = kernels.First(c => c.Regime == RegimeNames.Streamed);
        streamed.MemoryBesideGBs = 21.5;
        streamed.PctRooflineBeside = 88.4;
        string table = Markdown.ReportMarkdown.KernelTable(kernels);
        Assert.Contains("| Memory beside, GB/s | % roofline, memory beside |", table);
        Assert.Contains("| 21.5 | 88.4% |", table);
        // 21.5 GB/s is 23% below the 28 GB/s memory roof.
        var caveat = Assert.Single(Markdown.Caveats.All(s), c => c.StartsWith("Memory was slower", StringComparison.Ordinal));
        Assert.Contains($"the slowest read 21.5 GB/s beside \"{streamed.Name}\", against a memory roof of 28.0 GB/s", caveat);
    }

    [Fact]
    public void StableCalibration_NoCalibrationCaveat()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        s.Calibration = Roofs(true);
        foreach (var c in s.Cases) c.PctFmaPeak = Math.Min(c.PctFmaPeak ?? 0, 99);
        Assert.Null(Markdown.Caveats.Calibration(s));
    }

    [Fact]
    public void RooflineChart_DrawsAFlatLinePerWidthAndASlopePerLevel()
    {
        var roofs = Charts.Roofs.From(Roofs(true));
        var lines = roofs.Lines(0.1, 100).ToList();
        Assert.Equal(8, lines.Count);
        foreach (var label in new[] { "FMA scalar peak 12.5 GFLOP/s", "FMA 128-bit peak 50.0 GFLOP/s", "FMA 256-bit peak 106.0 GFLOP/s",
                     "FMA 512-bit peak 200.0 GFLOP/s", "L1 bandwidth roof 405.0 GB/s", "L2 bandwidth roof 206.0 GB/s",
                     "L3 bandwidth roof 69.0 GB/s", "memory bandwidth roof 28.0 GB/s" })
            Assert.Contains(lines, l => l.Label == label);
        var flat = lines.Single(l => l.Label.StartsWith("FMA 256", StringComparison.Ordinal));
        Assert.All(flat.Ys, y => Assert.Equal(106, y));
        // Each slope rises with the intensity until it meets the machine's (widest) peak.
        var memory = lines.Single(l => l.Label.StartsWith("memory", StringComparison.Ordinal));
        Assert.Equal(0.1 * 28, memory.Ys[0], 9);
        Assert.Equal(200, memory.Ys[^1]);
    }

    [Fact]
    public void RooflineSvg_NamesEveryRoof()
    {
        using var runs = new FixtureCopy();
        string dir = runs.Copy(FixtureCopy.X64);
        var s = SummaryStore.Read(dir);
        s.Calibration = Roofs(true);
        SummaryStore.Write(Path.Combine(dir, SummaryStore.FileName), s);
        ReportGenerator.Generate(dir);
        var texts = ChartFiles.SvgTexts(Path.Combine(dir, "plots", "roofline.svg"));
        foreach (var t in new[] { "FMA scalar peak 12.5 GFLOP/s", "FMA 512-bit peak 200.0 GFLOP/s", "L2 bandwidth roof 206.0 GB/s", "memory bandwidth roof 28.0 GB/s" })
            Assert.Contains(t, texts);
    }
}
