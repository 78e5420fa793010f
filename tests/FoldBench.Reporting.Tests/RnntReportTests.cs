using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

public class RnntReportTests
{
    private static CaseResult Part(string part, int fold, double ns, double? netJoulesPerToken = null) => new()
    {
        Suite = SuiteNames.Rnnt, Name = $"rnnt emformer-base T=4 fold={fold} {part}", Path = "avx2", Preset = "emformer-base",
        ChunkTokens = 4, Fold = fold, Part = part, SymbolStepsPerFrame = 1, MedianNs = ns, TokensPerS = 4 / (ns * 1e-9), WeightBytes = 1000,
        Energy = netJoulesPerToken is double j ? new EnergyResult { Attributable = true, NetJoulesPerToken = j } : null,
    };

    [Fact]
    public void The_report_says_where_the_step_time_goes_part_by_part()
    {
        var s = new RunSummary
        {
            Cases =
            [
                Part("step", 1, 10e6), Part("encoder", 1, 8e6, 2e-3), Part("predictor", 1, 1.5e6, 4e-4), Part("joiner", 1, 0.5e6, 1e-4),
                Part("step", 2, 8e6), Part("encoder", 2, 6e6), Part("predictor", 2, 1.5e6), Part("joiner", 2, 0.5e6),
            ],
        };
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("## Whole RNN-T step (preset emformer-base, avx2)", md);
        Assert.Contains("**1 symbol step per frame**", md);
        var rows = md[md.IndexOf("### Where the time and the energy go", StringComparison.Ordinal)..].Split('\n')
            .SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray()).ToList();
        // N = 1: parts 8 + 1.5 + 0.5 = 10 ms = the step; shares 80%, 15%, 5%.
        Assert.Equal(["4", "1", "10.0 ms", "8.00 ms (80.0%)", "1.50 ms (15.0%)", "500 µs (5.0%)", "1.00", "2.00 mJ", "400 µJ", "100 µJ"], rows[0]);
        // N = 2: the encoder shrinks to 6 ms; parts 8 ms against a step of 8 ms; shares 75%, 18.75%, 6.25%; no energy measured.
        Assert.Equal(["4", "2", "8.00 ms", "6.00 ms (75.0%)", "1.50 ms (18.8%)", "500 µs (6.3%)", "1.00", "—", "—", "—"], rows[1]);
        // The step rows also get the fold table of the other sweeps: time saving 20% at N = 2.
        Assert.Contains("20.0%", md);
    }
}
