using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

/// <summary>
/// A model whose projections are split across a <see cref="ProjectionPool"/> computes bit for bit what the
/// single-threaded model computes, step after step (caches included), in every folding variant.
/// </summary>
public class ThreadedProjectionTests
{
    /// <summary>Wide enough that every projection has several panels to split (D = 64: four; FFN 128: eight).</summary>
    private static ModelConfig Config(int layers = 1) => TestModels.Tiny(layers) with { Width = 64, FfnWidth = 128 };

    public static TheoryData<int> Variants => [.. Enumerable.Range(0, TestModels.AttentionVariants.Length)];

    [Theory]
    [MemberData(nameof(Variants))]
    public void An_attention_block_on_two_threads_equals_one_thread(int variant)
    {
        var o = TestModels.AttentionVariants[variant];
        var c = Config();
        using var pool = new ProjectionPool(2);
        var one = new AttentionBlock(c, o, TestModels.Path, seed: 5);
        var two = new AttentionBlock(c, o, TestModels.Path, seed: 5, pool);
        var frames = TestModels.Frames(TestModels.FramesFor(c, 4), c.Width, seed: 6);
        float[] a = new float[one.OutputLength], b = new float[two.OutputLength];
        for (int s = 0; s < 4; s++)
        {
            var input = TestModels.ChunkInput(frames, c, s);
            one.Step(input, a);
            two.Step(input, b);
            AssertBits(a, b, $"{o.Describe()}, step {s}");
        }
    }

    [Fact]
    public void An_encoder_and_an_rnnt_step_on_three_threads_equal_one_thread()
    {
        var c = Config(layers: 2);
        var o = new FoldingOptions(2, HeadPolicy.KeepHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkvo, FoldFfn: true);
        using var pool = new ProjectionPool(3);
        var one = new StreamingEncoder(c, o, TestModels.Path, seed: 7);
        var three = new StreamingEncoder(c, o, TestModels.Path, seed: 7, pool);
        var frames = TestModels.Frames(TestModels.FramesFor(c, 3), c.Width, seed: 8);
        float[] a = new float[one.OutputLength], b = new float[three.OutputLength];
        for (int s = 0; s < 3; s++)
        {
            var input = TestModels.ChunkInput(frames, c, s);
            one.Step(input, a);
            three.Step(input, b);
            AssertBits(a, b, $"encoder step {s}");
        }

        var r = c with
        {
            Rnnt = new RnntConfig
            {
                InputFeatures = 12, TimeReductionInputWidth = 16, TimeReductionStride = 4, EncoderOutputWidth = 48,
                PredictorWidth = 32, PredictorLstmLayers = 1, Vocabulary = 40,
            },
        };
        var step1 = new RnntStep(r, o, TestModels.Path, seed: 3, symbolStepsPerFrame: 2);
        var step3 = new RnntStep(r, o, TestModels.Path, seed: 3, symbolStepsPerFrame: 2, pool);
        var features = TestModels.Frames(1, step1.InputLength, seed: 4)[0];
        for (int s = 0; s < 3; s++)
        {
            step1.Step(features);
            step3.Step(features);
            AssertBits(step1.Logits.ToArray(), step3.Logits.ToArray(), $"rnnt logits, step {s}");
            Assert.Equal(step1.Symbols.ToArray(), step3.Symbols.ToArray());
        }
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} on threads, {expected[i]:R} on one");
    }
}
