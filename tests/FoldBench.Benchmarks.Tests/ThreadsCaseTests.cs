using BenchmarkDotNet.Configs;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Tests;

/// <summary>`--threads` in the sweep's cases: a parameter only when the thread count varies, innermost, described per case.</summary>
public class ThreadsCaseTests
{
    private static readonly SweepSettings Settings = new() { Presets = ["ondevice-144"], StepChunkTokens = [2], ChunkTokens = [2], Folds = [1, 2] };

    [Theory]
    [InlineData(SuiteNames.Projections)]
    [InlineData(SuiteNames.Attention)]
    [InlineData(SuiteNames.Encoder)]
    [InlineData(SuiteNames.Rnnt)]
    public void Each_model_suite_case_runs_once_per_thread_count_one_after_another(string suite)
    {
        var single = SuiteCases.For(suite, Settings, DefaultConfig.Instance);
        Assert.All(single, c => Assert.DoesNotContain(c.Parameters.Items, p => p.Name == "Threads"));
        Assert.All(single, c => Assert.Equal(1, CaseDescriber.ThreadsOf(c)));
        var both = SuiteCases.For(suite, Settings with { Threads = [1, 2] }, DefaultConfig.Instance);
        Assert.Equal(2 * single.Count, both.Count);
        if (suite == SuiteNames.Rnnt) return; // the rnnt suite's four parts of one case run together, threads outside them
        Assert.Equal(Enumerable.Range(0, single.Count).SelectMany(_ => new[] { 1, 2 }), both.Select(CaseDescriber.ThreadsOf));
        Assert.EndsWith(" threads=2", CaseDescriber.ShortName(suite, both[1]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_on_several_threads_has_no_one_core_roofline()
    {
        var cal = new Calibration { FmaPeakGflops = 100, BandwidthGBs = 10, CacheBandwidthGBs = 50 };
        var one = new CaseResult { Suite = SuiteNames.Attention, Gflops = 40, GbPerS = 5, Threads = 1, Path = "avx2" };
        var two = new CaseResult { Suite = SuiteNames.Attention, Gflops = 140, GbPerS = 5, Threads = 2, Path = "avx2" };
        CaseDescriber.Rerate(one, cal);
        CaseDescriber.Rerate(two, cal);
        Assert.Equal(40, one.PctFmaPeak);
        Assert.Null(two.PctFmaPeak);
        Assert.Null(two.PctRoofline);
        Assert.Null(two.PctBandwidth);
    }
}
