namespace FoldBench.Model.Tests;

public class StreamingEncoderTests
{
    public static TheoryData<int, HeadPolicy, WeightSharing, FoldedProjections, bool> Variants() => new()
    {
        { 1, HeadPolicy.KeepHeads, WeightSharing.Shared, FoldedProjections.Qkvo, false },
        { 2, HeadPolicy.KeepHeads, WeightSharing.Shared, FoldedProjections.Qkvo, false },
        { 2, HeadPolicy.ReduceHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkv, true },
        { 4, HeadPolicy.KeepHeads, WeightSharing.Shared, FoldedProjections.Qkvo, true },
        { 4, HeadPolicy.ReduceHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkvo, false },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Chunk_by_chunk_with_caches_equals_the_whole_utterance_under_the_block_mask(
        int fold, HeadPolicy heads, WeightSharing sharing, FoldedProjections projections, bool foldFfn)
    {
        var c = TestModels.Tiny(layers: 2);
        var o = new FoldingOptions(fold, heads, sharing, projections, foldFfn);
        var weights = EncoderWeights.Random(c, o, seed: 17);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, weights);
        const int segments = 5;
        var frames = TestModels.Frames(TestModels.FramesFor(c, segments), c.Width, seed: 23);

        var whole = NaiveEmformer.Encoder(NaiveEmformer.FromFrames(frames, c, segments), c, o, weights);

        var output = new float[encoder.OutputLength];
        for (int i = 0; i < segments; i++)
        {
            encoder.Step(TestModels.ChunkInput(frames, c, i), output);
            var expected = Enumerable.Range(i * c.ChunkTokens, c.ChunkTokens).SelectMany(t => whole.Rows[t]).ToArray();
            TestModels.AssertClose(output, expected, 5e-5, $"{o.Describe()}, segment {i}");
        }
    }

    [Theory]
    [InlineData(3, 0, 2)]   // no look-ahead; the cache is shorter than a chunk
    [InlineData(2, 2, 0)]   // no left context at all
    public void Streaming_equals_the_block_mask_for_other_context_sizes(int chunk, int right, int left)
    {
        var c = TestModels.Tiny(layers: 2) with { ChunkTokens = chunk, RightContextTokens = right, LeftContextTokens = left };
        var o = new FoldingOptions(2, HeadPolicy.ReduceHeads);
        var weights = EncoderWeights.Random(c, o, seed: 5);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, weights);
        const int segments = 4;
        var frames = TestModels.Frames(TestModels.FramesFor(c, segments), c.Width, seed: 7);
        var whole = NaiveEmformer.Encoder(NaiveEmformer.FromFrames(frames, c, segments), c, o, weights);
        var output = new float[encoder.OutputLength];
        for (int i = 0; i < segments; i++)
        {
            encoder.Step(TestModels.ChunkInput(frames, c, i), output);
            var expected = Enumerable.Range(i * chunk, chunk).SelectMany(t => whole.Rows[t]).ToArray();
            TestModels.AssertClose(output, expected, 5e-5, $"T={chunk}, R={right}, left={left}, segment {i}");
        }
    }

    [Theory]
    [InlineData(Activation.Relu, 1)]
    [InlineData(Activation.Silu, 1)]
    [InlineData(Activation.Relu, 2)]
    [InlineData(Activation.Silu, 4)]
    public void The_configured_ffn_activation_is_the_one_applied(Activation activation, int fold)
    {
        var c = TestModels.Tiny(layers: 2) with { Activation = activation };
        var o = new FoldingOptions(fold, FoldFfn: fold == 2);
        var weights = EncoderWeights.Random(c, o, seed: 31);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, weights);
        var gelu = new StreamingEncoder(c with { Activation = Activation.Gelu }, o, TestModels.Path, weights);
        const int segments = 3;
        var frames = TestModels.Frames(TestModels.FramesFor(c, segments), c.Width, seed: 37);
        var whole = NaiveEmformer.Encoder(NaiveEmformer.FromFrames(frames, c, segments), c, o, weights);
        var output = new float[encoder.OutputLength];
        var geluOutput = new float[encoder.OutputLength];
        for (int i = 0; i < segments; i++)
        {
            encoder.Step(TestModels.ChunkInput(frames, c, i), output);
            gelu.Step(TestModels.ChunkInput(frames, c, i), geluOutput);
            var expected = Enumerable.Range(i * c.ChunkTokens, c.ChunkTokens).SelectMany(t => whole.Rows[t]).ToArray();
            TestModels.AssertClose(output, expected, 5e-5, $"{activation}, {o.Describe()}, segment {i}");
            // The activation matters: the same weights under GELU give other outputs.
            Assert.True(output.Zip(geluOutput, (a, b) => Math.Abs(a - b)).Max() > 1e-3, $"{activation} output equals GELU's");
        }
    }

    [Fact]
    public void Encoder_is_its_layers_applied_in_turn_and_returns_the_chunk_rows()
    {
        var c = TestModels.Tiny(layers: 3);
        var o = new FoldingOptions(2, FoldFfn: true);
        var weights = EncoderWeights.Random(c, o, seed: 4);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, weights);
        var layers = weights.Layers.Select(w => new EncoderLayer(c, o, TestModels.Path, w)).ToArray();
        var frames = TestModels.Frames(TestModels.FramesFor(c, 2), c.Width, seed: 6);
        var output = new float[encoder.OutputLength];
        for (int i = 0; i < 2; i++)
        {
            var rows = TestModels.ChunkInput(frames, c, i);
            encoder.Step(rows, output);
            foreach (var layer in layers) layer.Step(rows, rows);
            Assert.Equal(rows.Take(c.ChunkTokens * c.Width), output);
        }
        Assert.Equal(c.QueryTokens * c.Width, encoder.InputLength);
        Assert.Equal(c.ChunkTokens * c.Width, encoder.OutputLength);
    }

    [Fact]
    public void A_seed_gives_the_same_encoder_as_the_random_weights_of_that_seed()
    {
        var c = TestModels.Tiny(layers: 3);
        var o = new FoldingOptions(2, Sharing: WeightSharing.BlockDiagonal);
        var seeded = new StreamingEncoder(c, o, TestModels.Path, seed: 9);
        var given = new StreamingEncoder(c, o, TestModels.Path, EncoderWeights.Random(c, o, seed: 9));
        var other = new StreamingEncoder(c, o, TestModels.Path, seed: 10);
        var input = TestModels.Frames(c.QueryTokens, c.Width, seed: 1).SelectMany(r => r).ToArray();
        float[] Step(StreamingEncoder e) { var y = new float[e.OutputLength]; e.Step(input, y); return y; }
        Assert.Equal(Step(given), Step(seeded));
        Assert.NotEqual(Step(given), Step(other));
    }

    [Fact]
    public void Layer_count_of_given_weights_must_match_the_configuration()
    {
        var c = TestModels.Tiny(layers: 2);
        var weights = EncoderWeights.Random(TestModels.Tiny(layers: 1), FoldingOptions.Unfolded, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new StreamingEncoder(c, FoldingOptions.Unfolded, TestModels.Path, weights));
        Assert.Contains("layers", e.Message);
    }

    [Fact]
    public void Weights_of_other_folding_options_are_rejected_naming_the_tensor()
    {
        var c = TestModels.Tiny();
        var shared = LayerWeights.Random(c, new FoldingOptions(2), seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new EncoderLayer(c, new FoldingOptions(4), TestModels.Path, shared));
        Assert.Contains("attention.emb_to_query.weight", e.Message);
        Assert.Contains("[16, 16]", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() =>
            new EncoderLayer(c, new FoldingOptions(2, Sharing: WeightSharing.BlockDiagonal), TestModels.Path, shared));
        Assert.Contains("attention.emb_to_query.0.weight", e2.Message);
    }
}
