using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

public class ThreadsReportTests
{
    private static CaseResult Case(int fold, int threads, double ns, double? netJoulesPerToken = null) => new()
    {
        Suite = SuiteNames.Attention, Name = $"attention emformer-base T=4 fold={fold} threads={threads}", Path = "avx2", Preset = "emformer-base",
        ChunkTokens = 4, Fold = fold, Threads = threads, MedianNs = ns, TokensPerS = 4 / (ns * 1e-9), WeightBytes = 1000,
        Energy = netJoulesPerToken is double j ? new EnergyResult { Attributable = true, NetJoulesPerToken = j } : null,
    };

    private static List<string[]> Rows(string md, string heading) =>
        [.. md[md.IndexOf(heading, StringComparison.Ordinal)..].Split('\n')
            .SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())];

    [Fact]
    public void A_run_with_two_thread_counts_gets_a_scaling_table_and_fold_tables_of_the_fewest()
    {
        var s = new RunSummary
        {
            Placement = new PlacementInfo { Cpu = 1, CoreType = "uniform", Reason = "the last CPU, 1 (the default)", WorkerCpus = new() { ["2"] = [0] } },
            Cases = [Case(1, 1, 10e6, 2e-3), Case(1, 2, 6e6, 2.4e-3), Case(2, 1, 8e6), Case(2, 2, 5e6)],
        };
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("## Threads: scaling", md);
        Assert.Contains("Workers ran on 2 threads: CPU 0, next to the benchmark thread on CPU 1.", md);
        var rows = Rows(md, "## Threads: scaling");
        // fold 1: 10 ms → 6 ms is 1.67× on twice the threads, 83.3% efficient; energy 2.4 mJ against 2.0 mJ per token: 1.20×.
        Assert.Equal(["attention emformer-base T=4 fold=1", "1", "10.0 ms", "1.00×", "100.0%", "2.00 mJ", "1.00×"], rows[0]);
        Assert.Equal(["attention emformer-base T=4 fold=1", "2", "6.00 ms", "1.67×", "83.3%", "2.40 mJ", "1.20×"], rows[1]);
        Assert.Equal(["attention emformer-base T=4 fold=2", "2", "5.00 ms", "1.60×", "80.0%", "—", "—"], rows[3]);
        // The fold table compares the single-threaded cases only: 10 ms against 8 ms, a 20% saving.
        var fold = Rows(md, "Savings are relative");
        Assert.Equal(2, fold.Count);
        Assert.Contains("20.0%", string.Join(' ', fold[1]));
        Assert.Contains("| Benchmark thread | CPU 1 (uniform): the last CPU, 1 (the default) |", md);
    }

    [Fact]
    public void A_run_on_one_thread_count_has_no_scaling_table()
    {
        var s = new RunSummary { Cases = [Case(1, 2, 6e6), Case(2, 2, 5e6)] };
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.DoesNotContain("Threads: scaling", md);
        Assert.Equal(2, Rows(md, "Savings are relative").Count); // the fold table shows the two-thread cases: the run's fewest
    }
}
