using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

public class FoldedAttentionTests
{
    public static TheoryData<int, HeadPolicy, WeightSharing, FoldedProjections> Variants()
    {
        var data = new TheoryData<int, HeadPolicy, WeightSharing, FoldedProjections>();
        foreach (var o in TestModels.AttentionVariants) data.Add(o.Fold, o.Heads, o.Sharing, o.Projections);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Attention_block_streamed_with_cache_matches_the_naive_definition(int fold, HeadPolicy heads, WeightSharing sharing, FoldedProjections projections)
    {
        var c = TestModels.Tiny();
        var o = new FoldingOptions(fold, heads, sharing, projections);
        var weights = AttentionWeights.Random(c, o, seed: 11);
        var block = new AttentionBlock(c, o, TestModels.Path, weights);
        const int segments = 4;
        var frames = TestModels.Frames(TestModels.FramesFor(c, segments), c.Width, seed: 5);

        var reference = NaiveEmformer.AttentionBlock(NaiveEmformer.FromFrames(frames, c, segments), c, o, weights);

        var output = new float[block.OutputLength];
        for (int i = 0; i < segments; i++)
        {
            block.Step(TestModels.ChunkInput(frames, c, i), output);
            var expected = new List<double>();
            for (int t = 0; t < c.ChunkTokens; t++) expected.AddRange(reference.Rows[i * c.ChunkTokens + t]);
            for (int r = 0; r < c.RightContextTokens; r++) expected.AddRange(reference.Rows[reference.UtteranceTokens + i * c.RightContextTokens + r]);
            TestModels.AssertClose(output, expected, 2e-5, $"{o.Describe()}, segment {i}");
        }
        Assert.Equal(c.LeftContextTokens, block.CachedTokens);
    }

    [Fact]
    public void Unfolded_block_is_ordinary_multi_head_attention()
    {
        // Textbook pre-norm MHA on the first chunk (empty cache: every row sees every row):
        // y = x + Wo·concat_h(softmax(Q_h K_hᵀ/√d_h) V_h) + bo, with Q, K, V from LayerNorm(x).
        var c = TestModels.Tiny();
        var weights = AttentionWeights.Random(c, FoldingOptions.Unfolded, seed: 3);
        var block = new AttentionBlock(c, FoldingOptions.Unfolded, TestModels.Path, weights);
        var x = TestModels.Frames(c.QueryTokens, c.Width, seed: 8);
        var output = new float[block.OutputLength];
        block.Step(x.SelectMany(r => r).ToArray(), output);

        int d = c.Width, h = c.Heads, dh = d / h, rows = x.Length;
        var wq = weights.Query.Blocks[0];
        var wkv = weights.KeyValue.Blocks[0];
        var wo = weights.Output.Blocks[0];
        double[] Row(LinearWeights w, double[] v, int firstOutput, int outputs) =>
            Enumerable.Range(firstOutput, outputs).Select(o => w.Bias[o] + Enumerable.Range(0, v.Length).Sum(i => (double)w.Weight[o * v.Length + i] * v[i])).ToArray();
        var normed = x.Select(r => NaiveEmformer.LayerNorm(r.Select(v => (double)v).ToArray(), weights.NormInput)).ToArray();
        var q = normed.Select(r => Row(wq, r, 0, d)).ToArray();
        var k = normed.Select(r => Row(wkv, r, 0, d)).ToArray();
        var v = normed.Select(r => Row(wkv, r, d, d)).ToArray();
        var expected = new List<double>();
        for (int i = 0; i < rows; i++)
        {
            var concat = new double[d];
            for (int head = 0; head < h; head++)
            {
                var logits = Enumerable.Range(0, rows)
                    .Select(j => Enumerable.Range(head * dh, dh).Sum(e => q[i][e] * k[j][e]) / Math.Sqrt(dh)).ToArray();
                var exp = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
                for (int j = 0; j < rows; j++)
                    for (int e = head * dh; e < (head + 1) * dh; e++) concat[e] += exp[j] / exp.Sum() * v[j][e];
            }
            var projected = Row(wo, concat, 0, d);
            expected.AddRange(projected.Select((p, e) => p + x[i][e]));
        }
        TestModels.AssertClose(output, expected, 2e-5, "unfolded attention block");
    }

    [Fact]
    public void At_fold_one_head_policy_and_sharing_change_nothing()
    {
        var c = TestModels.Tiny();
        var input = TestModels.Frames(c.QueryTokens, c.Width, seed: 2).SelectMany(r => r).ToArray();
        float[] Run(FoldingOptions o)
        {
            var block = new AttentionBlock(c, o, TestModels.Path, seed: 4);
            var y = new float[block.OutputLength];
            block.Step(input, y);
            return y;
        }
        var plain = Run(FoldingOptions.Unfolded);
        Assert.Equal(plain, Run(new FoldingOptions(1, HeadPolicy.ReduceHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkv)));
    }

    [Fact]
    public void Every_supported_kernel_path_gives_the_same_layer_output()
    {
        var c = TestModels.Tiny();
        var o = new FoldingOptions(2, HeadPolicy.KeepHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkvo, FoldFfn: true);
        var weights = LayerWeights.Random(c, o, seed: 21);
        var input = TestModels.Frames(c.QueryTokens, c.Width, seed: 22).SelectMany(r => r).ToArray();
        var reference = new float[input.Length];
        new EncoderLayer(c, o, KernelPath.Scalar, weights).Step(input, reference);
        foreach (var path in KernelPaths.Supported)
        {
            var y = new float[input.Length];
            new EncoderLayer(c, o, path, weights).Step(input, y);
            TestModels.AssertClose(y, reference.Select(v => (double)v).ToArray(), 1e-5, $"kernel path {path.Name()}");
        }
    }

    [Fact]
    public void Reset_cache_starts_a_new_utterance()
    {
        var c = TestModels.Tiny();
        var block = new AttentionBlock(c, new FoldingOptions(2), TestModels.Path, seed: 1);
        var frames = TestModels.Frames(TestModels.FramesFor(c, 3), c.Width, seed: 9);
        var first = new float[block.OutputLength];
        block.Step(TestModels.ChunkInput(frames, c, 0), first);
        var later = new float[block.OutputLength];
        block.Step(TestModels.ChunkInput(frames, c, 1), later);
        block.Step(TestModels.ChunkInput(frames, c, 0), later);
        Assert.NotEqual(first, later);                  // the cache changed the answer...
        block.ResetCache();
        Assert.Equal(0, block.CachedTokens);
        block.Step(TestModels.ChunkInput(frames, c, 0), later);
        Assert.Equal(first, later);                     // ...and a reset restores it exactly
    }

    [Fact]
    public void Wrong_buffer_lengths_are_rejected_with_the_sizes()
    {
        var c = TestModels.Tiny();
        var block = new AttentionBlock(c, FoldingOptions.Unfolded, TestModels.Path, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => block.Step(new float[5], new float[block.OutputLength]));
        Assert.Contains($"{block.InputLength}", e.Message);
    }
}
