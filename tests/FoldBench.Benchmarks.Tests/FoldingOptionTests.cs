using BenchmarkDotNet.Configs;
using FoldBench.Benchmarks.Correctness;
using FoldBench.Benchmarks.Suites;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Model;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Tests;

/// <summary>
/// The model suites run every folding option they have, once per combination, the unfolded model once; and every
/// variant's output agrees with the independent double-precision reference, which itself tells the options apart.
/// </summary>
public class FoldingOptionTests
{
    private static readonly SweepSettings Matrix = new()
    {
        Presets = ["ondevice-144"],
        ChunkTokens = [2],
        StepChunkTokens = [2],
        Folds = [1, 2],
        Heads = [HeadPolicy.KeepHeads, HeadPolicy.ReduceHeads],
        Sharing = [WeightSharing.Shared, WeightSharing.BlockDiagonal],
        Projections = [FoldedProjections.Qkvo, FoldedProjections.Qkv],
        FoldFfn = [false, true],
    };

    [Theory]
    // Fold 1 once, plus at fold 2 one case per combination of the options the suite has:
    // projections: sharing × projections = 2 × 2 → 1 + 4 = 5;
    // attention: heads × sharing × projections = 2 × 2 × 2 → 1 + 8 = 9;
    // encoder: heads × sharing × projections × FFN = 16 → 1 + 16 = 17.
    [InlineData(SuiteNames.Projections, 5)]
    [InlineData(SuiteNames.Attention, 9)]
    [InlineData(SuiteNames.Encoder, 17)]
    public void Each_suite_runs_each_combination_of_its_options_and_the_unfolded_model_once(string suite, int expected)
    {
        var cases = SuiteCases.For(suite, Matrix, DefaultConfig.Instance);
        Assert.Equal(expected, cases.Count);
        var options = cases.Select(CaseDescriber.OptionsOf).ToList();
        Assert.Equal(expected, options.Distinct().Count());
        Assert.Single(options, o => o.Fold == 1);
        Assert.Equal(FoldingOptions.Unfolded, options.Single(o => o.Fold == 1));
        // Options a suite does not have stay at the paper's choice.
        if (suite != SuiteNames.Encoder) Assert.All(options, o => Assert.False(o.FoldFfn));
        if (suite == SuiteNames.Projections) Assert.All(options, o => Assert.Equal(HeadPolicy.KeepHeads, o.Heads));
        Assert.Equal(suite != SuiteNames.Projections, options.Any(o => o.Heads == HeadPolicy.ReduceHeads));
    }

    [Fact]
    public void Cases_are_ordered_preset_chunk_fold_then_options_and_named_by_what_differs()
    {
        var cases = SuiteCases.For(SuiteNames.Attention, Matrix with { StepChunkTokens = [1, 2] }, DefaultConfig.Instance);
        var chunks = cases.Select(c => CaseDescriber.Param<int>(c, "ChunkTokens")).ToList();
        Assert.Equal([.. chunks.Order()], chunks);
        Assert.Equal("attention ondevice-144 T=1 fold=1", CaseDescriber.ShortName(SuiteNames.Attention, cases[0]));
        Assert.Equal("attention ondevice-144 T=1 fold=2", CaseDescriber.ShortName(SuiteNames.Attention, cases[1]));
        Assert.Contains(cases, c => CaseDescriber.ShortName(SuiteNames.Attention, c) == "attention ondevice-144 T=2 fold=2 reduce heads block-diagonal qkv");
    }

    public static TheoryData<int, HeadPolicy, WeightSharing, FoldedProjections, bool> Variants()
    {
        var data = new TheoryData<int, HeadPolicy, WeightSharing, FoldedProjections, bool>();
        data.Add(1, HeadPolicy.KeepHeads, WeightSharing.Shared, FoldedProjections.Qkvo, false);
        foreach (int n in new[] { 2, 4 })
            foreach (var h in new[] { HeadPolicy.KeepHeads, HeadPolicy.ReduceHeads })
                foreach (var s in new[] { WeightSharing.Shared, WeightSharing.BlockDiagonal })
                    foreach (var p in new[] { FoldedProjections.Qkvo, FoldedProjections.Qkv })
                        data.Add(n, h, s, p, n == 2 && h == HeadPolicy.ReduceHeads);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_variant_of_every_model_suite_matches_its_reference(int fold, HeadPolicy heads, WeightSharing sharing,
        FoldedProjections projections, bool foldFfn)
    {
        // ondevice-144 (D = 144, H = 4, F = 576) at chunk 1: every option is buildable at N = 2 and 4.
        var c = ModelPresets.Get("ondevice-144").WithChunk(1);
        var o = new FoldingOptions(fold, heads, sharing, projections, foldFfn);
        var path = KernelPaths.Best;
        Assert.True(CaseChecks.Projections(c, o, path), $"projections, {o.Describe()}");
        Assert.True(CaseChecks.AttentionBlock(c, o, path), $"attention block, {o.Describe()}");
        Assert.True(CaseChecks.EncoderStep(c, o, path), $"encoder step, {o.Describe()}");
    }

    [Fact]
    public void The_reference_tells_the_head_policies_apart()
    {
        // Keeping and reducing heads use weights of the same shapes: only the attention differs. A block run with
        // one policy must disagree with the reference told the other, or the check could not see a wrong policy.
        var c = ModelPresets.Get("ondevice-144").WithChunk(2);
        var keep = new FoldingOptions(2, HeadPolicy.KeepHeads);
        var reduce = new FoldingOptions(2, HeadPolicy.ReduceHeads);
        var weights = AttentionWeights.Random(c, keep, seed: 3);
        var block = new AttentionBlock(c, keep, KernelPath.Scalar, weights);
        bool Agrees(FoldingOptions told)
        {
            block.ResetCache();
            var reference = ModelReference.Attention(c, told, weights);
            return Agreement.Steps((i, y) => block.Step(i, y), (i, y) => reference.Step(i, y), block.InputLength, block.OutputLength, 4, c.Width);
        }
        Assert.True(Agrees(keep));
        Assert.False(Agrees(reduce));
    }

    [Theory]
    // erf from tables (Abramowitz & Stegun, table 7.1, and its standard extensions), 16 digits.
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(-1.5, -0.9661051464753108)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(4.5, 0.9999999998033839)]
    public void The_references_erf_matches_tabulated_values(double x, double erf)
    {
        Assert.Equal(erf, ModelReference.Erf(x), 1e-14);
    }

    [Fact]
    public void The_references_gelu_is_the_exact_form()
    {
        // GELU(1) = ½·1·(1 + erf(1/√2)) = ½·(1 + 0.6826894921370859) = 0.8413447460685429 (Φ(1), the normal CDF at 1).
        Assert.Equal(0.8413447460685429, ModelReference.Gelu(1.0), 1e-14);
        // GELU(−2) = −2·Φ(−2) = −2 · 0.0227501319481792 = −0.0455002638963584.
        Assert.Equal(-0.0455002638963584, ModelReference.Gelu(-2.0), 1e-14);
    }
}
