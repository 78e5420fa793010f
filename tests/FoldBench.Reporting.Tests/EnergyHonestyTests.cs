using FoldBench.Reporting.Charts;

namespace FoldBench.Reporting.Tests;

/// <summary>Energy is drawn exactly as measured: nothing invented, nothing below zero silently dropped.</summary>
public class EnergyHonestyTests
{
    private static IReadOnlyList<ScottPlot.Plottables.Scatter> NetEnergyLines(FoldBench.Results.RunSummary s)
    {
        FontCheck.EnsureSansFont();
        var figure = ChartPlan.For(s).Single(c => c.FileStem == "energy-projections").Draw();
        return figure.Panels[1].GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
    }

    [Fact]
    public void EveryAttributableCase_IsOnePoint_AndTheOthersAreLeftOut()
    {
        var s = FixtureCopy.Read(FixtureCopy.Arm64);
        int attributable = s.Cases.Count(c => c.Suite == "projections" && c.Energy is { Attributable: true });
        Assert.Equal(14, attributable);
        Assert.Equal(attributable, NetEnergyLines(s).Sum(l => l.Data.GetScatterPoints().Count));
    }

    [Fact]
    public void NegativeNetEnergy_IsDrawnOnALinearAxis()
    {
        var s = FixtureCopy.Read(FixtureCopy.Arm64);
        var c = s.Cases.First(x => x.Suite == "projections" && x.Fold == 1 && x.ChunkTokens == 16);
        c.Energy!.NetJoulesPerToken = -0.00001; // below the idle baseline, within noise
        var lines = NetEnergyLines(s);
        Assert.Contains(lines.SelectMany(l => l.Data.GetScatterPoints()), p => p.Y < 0);
    }

    [Fact]
    public void NoEnergy_NoLinesAtAll()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        Assert.Empty(NetEnergyLines(s));
    }

    [Fact]
    public void ALongRunWideReasonIsPointedToInTheChart_AndStatedOnceInTheReport()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        string longReason = "no usable energy source: " + string.Join("; ", Enumerable.Range(1, 8).Select(i => $"source-{i} absent (a long explanation of why source {i} is missing)"));
        s.Energy!.UnavailableReason = longReason;

        var notice = Assert.Single(EnergyNotices.Warnings(s.Cases, s.Energy));
        Assert.StartsWith("No usable energy source on this machine (why: report.md Caveats", notice);
        Assert.DoesNotContain("source-1", notice);

        string md = ReportGenerator.RenderReportMarkdown(s);
        // Once, in the Caveats.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(md, "source-8 absent"));
        Assert.Contains("- No energy figures: no usable energy source: source-1 absent", md);
    }
}
