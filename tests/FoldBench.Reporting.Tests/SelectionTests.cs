using System.Text.Json;
using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

/// <summary>How a run's cases become chart files and report sections when a run holds several presets or repeats.</summary>
public class SelectionTests
{
    private static CaseResult Clone(CaseResult c) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(c, SummaryJsonContext.Default.CaseResult), SummaryJsonContext.Default.CaseResult)!;

    [Fact]
    public void TwoPresets_GetTheirOwnChartsAndSections()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        foreach (var c in s.Cases.Where(c => c.Suite == "encoder").ToList())
        {
            var small = Clone(c);
            small.Preset = "small-256";
            small.Name = c.Name.Replace("emformer-base", "small-256", StringComparison.Ordinal);
            s.Cases.Add(small);
        }
        var names = ReportGenerator.ChartNames(s);
        Assert.Contains("memory-encoder-emformer-base", names);
        Assert.Contains("memory-encoder-small-256", names);
        Assert.Contains("energy-encoder-small-256", names);
        // Projections still have one preset, so their names stay short.
        Assert.Contains("memory-projections", names);
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("## Encoder step (preset small-256, avx2)", md);
        Assert.Contains("(plots/throughput-encoder-small-256.png)", md);
    }

    [Fact]
    public void RepeatedCase_IsShownOnceAndReportedAsACaveat()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        var first = s.Cases.First(c => c.Suite == "encoder" && c.ChunkTokens == 4 && c.Fold == 2);
        var again = Clone(first);
        again.MedianNs *= 3;
        s.Cases.Add(again);
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("Encoder step (preset emformer-base, avx2): 1 case(s) repeat a chunk size and fold already shown", md);
        Assert.Single(md.Split('\n'), l => l.StartsWith("| 4 | 2 | ", StringComparison.Ordinal) && l.Contains("0.065", StringComparison.Ordinal));
    }
}
