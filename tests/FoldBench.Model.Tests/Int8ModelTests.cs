using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
using FoldBench.Model.Compute;

namespace FoldBench.Model.Tests;

/// <summary>
/// The model's linear layers at int8: <see cref="FoldedLinear"/> bit for bit what the quantization rule gives
/// (<see cref="QuantizedReference"/>'s exact integer dot products, then the kernels' fp32 epilogue), the blocks, encoder
/// and RNN-T within <see cref="Int8Tolerance"/> of fp32, wrong int8 models outside it, and torchaudio's fixtures at int8.
/// </summary>
public class Int8ModelTests
{
    /// <summary>Every fp32 path this CPU runs that has an int8 counterpart (all but portable), as its name.</summary>
    public static TheoryData<string> Int8Paths()
    {
        var data = new TheoryData<string>();
        foreach (var p in Int8PathNames) data.Add(p);
        return data;
    }

    private static IEnumerable<string> Int8PathNames =>
        KernelPaths.Supported.Where(p => Precisions.Int8Counterpart(p) is not null).Select(p => p.Name());

    public static TheoryData<string, int, int, int, int, bool, bool> LinearShapes()
    {
        var data = new TheoryData<string, int, int, int, int, bool, bool>();
        // (path, fold, blocks, inputs per block, outputs per block, query scale, accumulate)
        foreach (var p in Int8PathNames)
        {
            data.Add(p, 1, 1, 37, 37, false, false);   // unfolded square, K not a multiple of 4
            data.Add(p, 1, 1, 20, 45, false, true);    // unfolded rectangular (the transcriber's input linear), accumulating
            data.Add(p, 2, 1, 16, 16, true, false);    // folded shared square: the query with its 1/√d folded in
            data.Add(p, 4, 1, 12, 24, false, false);   // folded shared rectangular: the fused key/value projection
            data.Add(p, 4, 4, 8, 8, false, true);      // block-diagonal square, accumulating (the output projection)
            data.Add(p, 2, 2, 18, 36, false, false);   // block-diagonal rectangular: a folded FFN expand
            data.Add(p, 2, 2, 36, 18, true, true);     // block-diagonal contract, scaled and accumulating
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LinearShapes))]
    public void Int8_folded_linear_is_the_quantization_rule_bit_for_bit(string pathName, int fold, int blocks, int inputs, int outputs, bool scaled, bool accumulate)
    {
        var path = KernelPaths.Parse(pathName);
        var rng = new Random(fold * 100 + blocks * 10 + inputs);
        var weights = new ProjectionWeights([.. Enumerable.Range(0, blocks).Select(_ =>
            new LinearWeights(outputs, inputs, Uniform(rng, outputs * inputs, 0.3f), Uniform(rng, outputs, 0.5f)))]);
        float scale = scaled ? 1f / MathF.Sqrt(inputs / 2f) : 1f;
        var linear = new FoldedLinear(weights, fold, path, scale, precision: Precision.Int8);
        const int tokens = 5;
        var x = Uniform(rng, tokens * fold * inputs, 2f);
        x[3] = 0;                                    // a zero and a row's extreme on a tie-prone value
        var y0 = Uniform(rng, tokens * fold * outputs, 1f);
        var y = y0.ToArray();
        linear.Apply(x, tokens, y, accumulate);

        // Expected: sub-token j of token t (columns [j·in, (j+1)·in)) through block j, or the one shared block; its own
        // row scale (the quantization follows the fold), the block's channel scales of the scaled weights; then the
        // kernels' epilogue in fp32: acc·(sx·sw), + bias, + old Y.
        int inWidth = fold * inputs, outWidth = fold * outputs;
        var acc = new long[outputs];
        var sx = new float[1];
        var sw = new float[outputs];
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < fold; j++)
            {
                var b = weights.Blocks[blocks == 1 ? 0 : j];
                float[] w = b.Weight.ToArray(), bias = b.Bias.ToArray();
                for (int i = 0; i < w.Length; i++) w[i] *= scale;
                for (int i = 0; i < bias.Length; i++) bias[i] *= scale;
                QuantizedReference.Accumulators(x.AsSpan(t * inWidth + j * inputs, inputs), 1, inputs, w, outputs, inputs, acc, sx, sw);
                for (int n = 0; n < outputs; n++)
                {
                    int at = t * outWidth + j * outputs + n;
                    float v = (float)acc[n] * (sx[0] * sw[n]);
                    v += bias[n];
                    float expected = accumulate ? y0[at] + v : v;
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[at]),
                        $"{pathName}: token {t}, sub-position {j}, output {n}: {y[at]:R} but the quantization rule gives {expected:R}");
                }
            }
    }

    [Fact]
    public void Int8_scratch_grows_once_and_then_serves_every_call_without_allocating()
    {
        var weights = new ProjectionWeights(new LinearWeights(16, 16, Uniform(new Random(1), 256, 1f), new float[16]));
        var scratch = new Int8Scratch();
        var linear = new FoldedLinear(weights, 2, KernelPaths.Best, precision: Precision.Int8, scratch: scratch);
        linear.Reserve(3);
        Assert.Equal(Int8Scratch.RowBytes(6, 16), scratch.Bytes);   // 3 tokens folded by 2: 6 rows of 16 bytes and 6 scales
        var x = new float[8 * 32];
        var y = new float[8 * 32];
        linear.Apply(x, 8, y, accumulate: false);                    // more rows than reserved: grows to 16
        Assert.Equal(Int8Scratch.RowBytes(16, 16), scratch.Bytes);
        linear.Apply(x, 3, y, accumulate: false);
        Assert.Equal(0, Int8AccountingTests.FewestBytesAllocated(() => linear.Apply(x, 8, y, accumulate: true)));
        Assert.Equal(Int8Scratch.RowBytes(16, 16), scratch.Bytes);
    }

    [Fact]
    public void A_path_without_an_int8_kernel_is_a_clear_error()
    {
        var c = TestModels.Tiny();
        var e = Assert.Throws<ArgumentException>(() => new AttentionBlock(c, FoldingOptions.Unfolded, KernelPath.Portable, seed: 1, precision: Precision.Int8));
        Assert.Contains("kernel path 'portable' has no int8 counterpart", e.Message);
    }

    /// <summary>
    /// int8 projections split across a pool: an encoder (block-diagonal folded attention and FFN, several panels per
    /// projection) and an RNN-T step on two threads give the bits of the same model on one, step after step.
    /// </summary>
    [Theory]
    [MemberData(nameof(Int8Paths))]
    public void An_int8_encoder_and_rnnt_step_on_two_threads_equal_one_thread(string pathName)
    {
        using var pool = new ProjectionPool(2);
        TestModels.AssertPoolGivesOneThreadsBits(KernelPaths.Parse(pathName), Precision.Int8, pool, lstmLayerNorm: true, $"{pathName} int8");
    }

    private static ModelConfig TinyRnnt(int layers) => TestModels.Tiny(layers) with
    {
        Rnnt = new RnntConfig
        {
            InputFeatures = 12, TimeReductionInputWidth = 8, TimeReductionStride = 4, EncoderOutputWidth = 24,
            PredictorWidth = 16, PredictorLstmLayers = 2, LstmLayerNorm = true, Vocabulary = 11,
        },
    };

    public static TheoryData<string, int, WeightSharing, bool> PathsAndFolds()
    {
        var data = new TheoryData<string, int, WeightSharing, bool>();
        foreach (var p in Int8PathNames)
        {
            data.Add(p, 1, WeightSharing.Shared, false);
            data.Add(p, 2, WeightSharing.Shared, false);
            data.Add(p, 4, WeightSharing.BlockDiagonal, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndFolds))]
    public void Int8_blocks_encoder_and_rnnt_stay_within_the_bound_of_fp32(string pathName, int fold, WeightSharing sharing, bool foldFfn)
    {
        var path = KernelPaths.Parse(pathName);
        var c = TinyRnnt(layers: 2);
        var o = new FoldingOptions(fold, Sharing: sharing, FoldFfn: foldFfn);
        var attention = Compare(c, o, path, wrong: null);
        Assert.True(attention.Block.Within(Int8Tolerance.AttentionBlockDepth), $"attention block: {attention.Block}");
        Assert.True(attention.Encoder.Within(Int8Tolerance.EncoderDepth(c.Layers)), $"encoder: {attention.Encoder}");
        // The int8 path really ran: an fp32 model would agree to ~1e-6.
        Assert.True(attention.Encoder.Relative > 1e-4, $"encoder at int8 agrees with fp32 to {attention.Encoder}: was it int8 at all?");

        var fp32 = new RnntStep(c, o, path, seed: 5, symbolStepsPerFrame: 1);
        var int8 = new RnntStep(c, o, path, seed: 5, symbolStepsPerFrame: 1, precision: Precision.Int8);
        Assert.Equal(Precision.Int8, int8.Precision);
        var frames = TestModels.Frames(6, fp32.InputLength, seed: 6);
        var transcriber = default(Int8Error);
        foreach (var f in frames)
        {
            fp32.Encode(f);
            int8.Encode(f);
            transcriber = transcriber.Worst(Int8Tolerance.Measure(int8.Encoded, fp32.Encoded));
        }
        Assert.True(transcriber.Within(Int8Tolerance.TranscriberDepth(c.Layers)), $"transcriber: {transcriber}");
        // Predictor and joiner fed the same symbols (a near tie could send greedy picks apart while both are right).
        var r = c.Rnnt!;
        float[] pa = new float[r.EncoderOutputWidth], pb = new float[r.EncoderOutputWidth], la = new float[r.Vocabulary], lb = new float[r.Vocabulary];
        var frame = fp32.Encoded[..r.EncoderOutputWidth].ToArray();
        Int8Error predictor = default, joiner = default;
        foreach (int symbol in new[] { r.Vocabulary - 1, 0, 5, 0, 7 })
        {
            fp32.Predictor.Step(symbol, pa);
            int8.Predictor.Step(symbol, pb);
            predictor = predictor.Worst(Int8Tolerance.Measure(pb, pa));
            fp32.Joiner.Join(frame, pa, la);
            int8.Joiner.Join(frame, pb, lb);
            joiner = joiner.Worst(Int8Tolerance.Measure(lb, la));
        }
        Assert.True(predictor.Within(Int8Tolerance.PredictorDepth(r.PredictorLstmLayers)), $"predictor: {predictor}");
        Assert.True(joiner.Within(Int8Tolerance.JoinerDepth(r.PredictorLstmLayers)), $"joiner: {joiner}");
    }

    /// <summary>How an int8 model can be wrong while still running: its defect put into the weights it is built from.</summary>
    public enum Defect
    {
        /// <summary>The weights' per-channel scales never applied: the layer multiplies by the int8 values themselves.</summary>
        ChannelScalesDropped,
        /// <summary>The query's 1/√headWidth not folded into its weights (scores √d too large).</summary>
        QueryScaleNotFolded,
    }

    [Theory]
    [InlineData(Defect.ChannelScalesDropped)]
    [InlineData(Defect.QueryScaleNotFolded)]
    public void A_wrong_int8_model_misses_the_bound(Defect defect)
    {
        var c = TinyRnnt(layers: 2);
        var o = new FoldingOptions(2);
        var result = Compare(c, o, KernelPaths.Best, defect);
        Assert.False(result.Block.Within(Int8Tolerance.AttentionBlockDepth), $"attention block with {defect}: {result.Block}");
        Assert.False(result.Encoder.Within(Int8Tolerance.EncoderDepth(c.Layers)), $"encoder with {defect}: {result.Encoder}");
    }

    /// <summary>
    /// The attention block and the encoder at int8 against fp32 with the same weights, over steps until the left context
    /// is full; with a <paramref name="wrong"/> defect the int8 side is built from defective weights.
    /// </summary>
    private static (Int8Error Block, Int8Error Encoder) Compare(ModelConfig c, FoldingOptions o, KernelPath path, Defect? wrong)
    {
        var g = new FoldGeometry(c, o);
        var weights = EncoderWeights.Random(c, o, seed: 9);
        var int8Weights = wrong is { } d ? new EncoderWeights([.. weights.Layers.Select(l => Break(l, g, d))]) : weights;
        var block32 = new AttentionBlock(c, o, path, weights.Layers[0].Attention);
        var block8 = new AttentionBlock(c, o, path, int8Weights.Layers[0].Attention, precision: Precision.Int8);
        var encoder32 = new StreamingEncoder(c, o, path, weights);
        var encoder8 = new StreamingEncoder(c, o, path, int8Weights, precision: Precision.Int8);
        Assert.Equal(Precision.Int8, encoder8.Precision);
        Int8Error block = default, encoder = default;
        var a = new float[block32.OutputLength];
        var b = new float[block32.OutputLength];
        var ea = new float[encoder32.OutputLength];
        var eb = new float[encoder32.OutputLength];
        int segments = (c.LeftContextTokens + c.ChunkTokens - 1) / c.ChunkTokens + 2;
        var frames = TestModels.Frames(TestModels.FramesFor(c, segments), c.Width, seed: 10);
        for (int i = 0; i < segments; i++)
        {
            var input = TestModels.ChunkInput(frames, c, i);
            block32.Step(input, a);
            block8.Step(input, b);
            block = block.Worst(Int8Tolerance.Measure(b, a));
            encoder32.Step(input, ea);
            encoder8.Step(input, eb);
            encoder = encoder.Worst(Int8Tolerance.Measure(eb, ea));
        }
        return (block, encoder);
    }

    private static LayerWeights Break(LayerWeights l, FoldGeometry g, Defect defect)
    {
        var a = l.Attention;
        if (defect == Defect.QueryScaleNotFolded)
        {
            // The block multiplies the query by 1/√d before quantizing; weights √d larger cancel it.
            float undo = MathF.Sqrt(g.HeadWidth);
            return Rebuild(l, a with { Query = Map(a.Query, b => Scaled(b, undo)) }, l.FeedForward);
        }
        return Rebuild(l, a with { Query = Map(a.Query, Unscaled), KeyValue = Map(a.KeyValue, Unscaled), Output = Map(a.Output, Unscaled) },
            l.FeedForward with { Expand = Map(l.FeedForward.Expand, Unscaled), Contract = Map(l.FeedForward.Contract, Unscaled) });
    }

    private static LayerWeights Rebuild(LayerWeights l, AttentionWeights attention, FeedForwardWeights ffn) => l with { Attention = attention, FeedForward = ffn };

    private static ProjectionWeights Map(ProjectionWeights p, Func<LinearWeights, LinearWeights> f) => new([.. p.Blocks.Select(f)]);

    private static LinearWeights Scaled(LinearWeights b, float s) =>
        new(b.Outputs, b.Inputs, [.. b.Weight.ToArray().Select(v => v * s)], [.. b.Bias.ToArray().Select(v => v * s)]);

    /// <summary>The int8 values themselves as weights: what a layer computes when it forgets the channel scales.</summary>
    private static LinearWeights Unscaled(LinearWeights b)
    {
        var q = QuantizedWeights.Pack(b.Weight, b.Outputs, b.Inputs, b.Bias, QuantizedPath.Scalar).Quantized;
        var w = new float[q.Length];
        for (int i = 0; i < q.Length; i++) w[i] = q[i];
        return new LinearWeights(b.Outputs, b.Inputs, w, b.Bias.ToArray());
    }

    private static float[] Uniform(Random rng, int count, float amplitude) =>
        [.. Enumerable.Range(0, count).Select(_ => amplitude * (2 * rng.NextSingle() - 1))];
}
