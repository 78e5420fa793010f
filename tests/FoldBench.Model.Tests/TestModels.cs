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
}
