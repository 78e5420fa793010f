using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

/// <summary>Tiny configurations and helpers shared by the tests (sizes stay small: the suite also runs under qemu).</summary>
internal static class TestModels
{
    /// <summary>D = 32, H = 4, F = 64; T = 2 chunk tokens, R = 1 look-ahead, left context 3 (not a multiple of T, so the ring wraps unevenly).</summary>
    public static ModelConfig Tiny(int layers = 1) => new()
    {
        Name = "tiny",
        Width = 32, Heads = 4, FfnWidth = 64, Layers = layers,
        ChunkTokens = 2, RightContextTokens = 1, LeftContextTokens = 3,
    };

    public static float[][] Frames(int count, int width, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, width).Select(_ => 2f * random.NextSingle() - 1f).ToArray())
            .ToArray();
    }

    /// <summary>The step input for segment i: its T frames then the R frames after them.</summary>
    public static float[] ChunkInput(float[][] frames, ModelConfig c, int segment)
    {
        int first = segment * c.ChunkTokens;
        return frames.Skip(first).Take(c.QueryTokens).SelectMany(f => f).ToArray();
    }

    public static int FramesFor(ModelConfig c, int segments) => segments * c.ChunkTokens + c.RightContextTokens;

    public static void AssertClose(ReadOnlySpan<float> actual, IReadOnlyList<double> expected, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            if (!(diff <= tolerance * (1 + Math.Abs(expected[i]))))
                Assert.Fail($"{what}: element {i} is {actual[i]} but the reference gives {expected[i]} (difference {diff:E2})");
        }
    }

    public static readonly FoldingOptions[] AttentionVariants =
    [
        .. from n in new[] { 1, 2, 4 }
           from h in new[] { HeadPolicy.KeepHeads, HeadPolicy.ReduceHeads }
           from s in new[] { WeightSharing.Shared, WeightSharing.BlockDiagonal }
           select new FoldingOptions(n, h, s),
        new FoldingOptions(2, HeadPolicy.KeepHeads, WeightSharing.Shared, FoldedProjections.Qkv),
        new FoldingOptions(4, HeadPolicy.ReduceHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkv),
    ];

    public static KernelPath Path => KernelPaths.Best;

    /// <summary>
    /// A 2-layer encoder (D = 64, F = 128; fold 2, block-diagonal, Q K V O and the FFN folded) and an RNN-T step around it,
    /// each built twice from the same seeds — alone and on <paramref name="pool"/> — and stepped three times: the pooled ones
    /// must give the same bits (encoder output, logits) and symbols.
    /// </summary>
    public static void AssertPoolGivesOneThreadsBits(KernelPath path, Precision precision, ProjectionPool pool, bool lstmLayerNorm, string what)
    {
        var c = Tiny(layers: 2) with { Width = 64, FfnWidth = 128 };
        var o = new FoldingOptions(2, HeadPolicy.KeepHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkvo, FoldFfn: true);
        var one = new StreamingEncoder(c, o, path, seed: 7, precision: precision);
        var pooled = new StreamingEncoder(c, o, path, seed: 7, pool, precision);
        var frames = Frames(FramesFor(c, 3), c.Width, seed: 8);
        float[] a = new float[one.OutputLength], b = new float[pooled.OutputLength];
        for (int s = 0; s < 3; s++)
        {
            var input = ChunkInput(frames, c, s);
            one.Step(input, a);
            pooled.Step(input, b);
            AssertSameBits(a, b, $"{what} encoder step {s}");
        }

        var r = c with
        {
            Rnnt = new RnntConfig
            {
                InputFeatures = 12, TimeReductionInputWidth = 16, TimeReductionStride = 4, EncoderOutputWidth = 48,
                PredictorWidth = 32, PredictorLstmLayers = 1, LstmLayerNorm = lstmLayerNorm, Vocabulary = 40,
            },
        };
        var step1 = new RnntStep(r, o, path, seed: 3, symbolStepsPerFrame: 2, precision: precision);
        var stepPooled = new RnntStep(r, o, path, seed: 3, symbolStepsPerFrame: 2, pool, precision);
        var features = Frames(1, step1.InputLength, seed: 4)[0];
        for (int s = 0; s < 3; s++)
        {
            step1.Step(features);
            stepPooled.Step(features);
            AssertSameBits(step1.Logits.ToArray(), stepPooled.Logits.ToArray(), $"{what} rnnt logits, step {s}");
            Assert.Equal(step1.Symbols.ToArray(), stepPooled.Symbols.ToArray());
        }
    }

    /// <summary>Bit for bit: a pooled (threaded) result against one thread's.</summary>
    public static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} on threads, {expected[i]:R} on one");
    }
}
