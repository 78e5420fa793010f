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
            TestModels.AssertSameBits(a, b, $"{o.Describe()}, step {s}");
        }
    }

    [Fact]
    public void An_encoder_and_an_rnnt_step_on_three_threads_equal_one_thread()
    {
        using var pool = new ProjectionPool(3);
        TestModels.AssertPoolGivesOneThreadsBits(TestModels.Path, Precision.Fp32, pool, lstmLayerNorm: false, "fp32");
    }
}
