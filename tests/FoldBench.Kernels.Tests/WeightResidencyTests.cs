using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>
/// <see cref="WeightResidency.Memory"/> only adds prefetches (and on AVX-512 runs 8–32 rows as blocks of up to 16 over packed X): on every path, every single-block tile height and every
/// K and N tail, its Y must be bit for bit the cache-resident one, strided and accumulating included, and still
/// agree with the oracle. Prefetches that run past the end of the packed weights (the last panel's look-ahead) must
/// never fault.
/// </summary>
[Trait("Category", "Kernel")]
public class WeightResidencyTests
{
    /// <summary>
    /// Every single-block height (1–12 on AVX-512, 1–6 on AVX2), the two-block M = 13, the 8–32 rows (but 13) that AVX-512
    /// runs as blocks of up to 16 over packed X with the hint (one block, two of 8–9 and two of 16), and past them.
    /// </summary>
    public static readonly int[] Rows = [.. Enumerable.Range(1, 17), 20, 24, 32, 33];

    /// <summary>K past and short of the 2 KiB / 4 KiB look-ahead, N with an odd panel count and a partial panel.</summary>
    public static readonly (int K, int N)[] Shapes = [(1, 1), (37, 45), (128, 100), (513, 48), (1000, 33), (2048, 16)];

    public static TheoryData<KernelPath, int> Data => Paths.Cross(Enumerable.Range(0, Shapes.Length));

    [Theory]
    [MemberData(nameof(Data))]
    public void MemoryResidencyGivesTheSameBits(KernelPath path, int shape)
    {
        Paths.SkipUnlessSupported(path);
        var (k, n) = Shapes[shape];
        var c = new ProjectionCase(path, k, n);
        var rng = TestData.Rng(k, n, 7);
        foreach (int m in Rows)
        {
            float[] x = TestData.Uniform(rng, m * k), start = TestData.Uniform(rng, m * n);
            foreach (bool accumulate in new[] { false, true })
            {
                float[] cached = (float[])start.Clone(), streamed = (float[])start.Clone();
                c.Weights.Residency = WeightResidency.Cache;
                Linear.Project(x, m, c.Weights, cached, accumulate);
                c.Weights.Residency = WeightResidency.Memory;
                Linear.Project(x, m, c.Weights, streamed, accumulate);
                Assert.Equal(cached, streamed);
            }
            c.Check(m);
            c.Check(m, accumulate: true, strided: true);
        }
    }

    [Fact]
    public void CacheIsTheDefault()
    {
        var w = PackedWeights.Pack(new float[16 * 16], 16, 16, KernelPath.Scalar);
        Assert.Equal(WeightResidency.Cache, w.Residency);
    }
}
