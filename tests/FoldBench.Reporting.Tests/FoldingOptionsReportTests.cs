using System.Text.Json;
using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

/// <summary>How the report groups fold sweeps by the folding options their cases recorded.</summary>
public class FoldingOptionsReportTests
{
    private static CaseResult Clone(CaseResult c) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(c, SummaryJsonContext.Default.CaseResult), SummaryJsonContext.Default.CaseResult)!;

    /// <summary>The x64 fixture with its folded encoder cases recorded as the paper's options (keep, shared, QKVO, FFN unfolded).</summary>
    private static RunSummary PaperOptions()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        foreach (var c in s.Cases.Where(c => c.Suite == "encoder" && c.Fold > 1))
        {
            c.Heads = "keep";
            c.Sharing = "shared";
            c.Projections = "qkvo";
            c.FoldFfn = false;
        }
        return s;
    }

    [Fact]
    public void OneSetOfOptions_KeepsTheShortNamesAndNamesTheOptions()
    {
        var s = PaperOptions();
        Assert.Contains("memory-encoder", ReportGenerator.ChartNames(s));
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("## Encoder step (preset emformer-base, avx2; keep heads, shared weights, QKVO folded, FFN unfolded)", md);
        Assert.DoesNotContain("folding options compared", md);
    }

    [Fact]
    public void TwoSetsOfOptions_GetTheirOwnSectionsAndChartsAndShareTheBaseline()
    {
        var s = PaperOptions();
        // The fixture's chunk-4 unfolded step took 14,006,238 ns; a "reduce heads" case at N = 4 taking half of that
        // saves 1 − 7,003,119 / 14,006,238 = 50.0% of the time.
        var reduce = Clone(s.Cases.Single(c => c.Suite == "encoder" && c.ChunkTokens == 4 && c.Fold == 4));
        reduce.Heads = "reduce";
        reduce.MedianNs = 7_003_119;
        reduce.Name += " reduce heads";
        s.Cases.Add(reduce);

        var names = ReportGenerator.ChartNames(s);
        Assert.Contains("memory-encoder-keep-shared-qkvo", names);
        Assert.Contains("throughput-encoder-reduce-shared-qkvo", names);
        Assert.DoesNotContain("memory-encoder", names);
        Assert.Contains("memory-projections", names);          // the projections recorded no options: unchanged

        string md = ReportGenerator.RenderReportMarkdown(s);
        var lines = md.Split('\n');
        int compared = Array.IndexOf(lines, "## Encoder step: folding options compared (preset emformer-base, avx2)");
        int keep = Array.IndexOf(lines, "## Encoder step (preset emformer-base, avx2; keep heads, shared weights, QKVO folded, FFN unfolded)");
        int reduceSection = Array.IndexOf(lines, "## Encoder step (preset emformer-base, avx2; reduce heads, shared weights, QKVO folded, FFN unfolded)");
        Assert.True(compared >= 0 && compared < keep && keep < reduceSection, $"{compared} {keep} {reduceSection}");
        int next = Array.FindIndex(lines, reduceSection + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        var reduceLines = lines[reduceSection..next];

        // The comparison table: the reduce case with its saving against the shared baseline.
        Assert.Contains(lines[compared..keep], l => l.StartsWith("| 4 | 4 | reduce heads, shared weights, QKVO folded, FFN unfolded | ", StringComparison.Ordinal)
                                                     && l.Contains("| 50.0% |", StringComparison.Ordinal));
        Assert.Single(lines[compared..keep], l => l.StartsWith("| 4 | 1 | unfolded | ", StringComparison.Ordinal));
        // The unfolded chunk-4 case is the baseline of both sections.
        Assert.Single(lines[keep..reduceSection], l => l.StartsWith("| 4 | 1 | ", StringComparison.Ordinal));
        Assert.Single(reduceLines, l => l.StartsWith("| 4 | 1 | ", StringComparison.Ordinal));
        // The reduce section has N = 4 only at chunk 4, where it was measured.
        Assert.Single(reduceLines, l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains(" | 4 | ", StringComparison.Ordinal)
                                                    && l.Contains("| 50.0% |", StringComparison.Ordinal));
        Assert.DoesNotContain("repeat a chunk size and fold", md);
    }

    [Fact]
    public void OptionsAreWrittenToTheSummaryAndReadBack()
    {
        var s = PaperOptions();
        using var copy = new FixtureCopy();
        string file = Path.Combine(copy.Root, SummaryStore.FileName);
        SummaryStore.Write(file, s);
        var back = SummaryStore.Read(copy.Root);
        var folded = back.Cases.First(c => c.Suite == "encoder" && c.Fold == 2);
        Assert.Equal(("keep", "shared", "qkvo", (bool?)false), (folded.Heads, folded.Sharing, folded.Projections, folded.FoldFfn));
        var unfolded = back.Cases.First(c => c.Suite == "encoder" && c.Fold == 1);
        Assert.Null(unfolded.Heads);
        Assert.Null(unfolded.FoldFfn);
        string csv = SummaryCsv.Render(back);
        Assert.StartsWith("suite,name,fullName,path,preset,fold,heads,sharing,projections,foldFfn,chunkTokens,", csv);
    }
}
