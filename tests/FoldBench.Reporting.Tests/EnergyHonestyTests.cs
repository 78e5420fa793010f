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
}
