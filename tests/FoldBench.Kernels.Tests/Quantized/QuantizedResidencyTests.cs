using FoldBench.Kernels.Quantized;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>
/// <see cref="WeightResidency.Memory"/> on int8 weights only adds prefetches (every row block of a multi-block call then
/// prefetches the next panel): on every int8 path, for single- and multi-block M and every K and N tail, Y must be bit for
/// bit the cache-resident Y, and the full int8 check (exact accumulators, quantization bound, the scalar path's bits) must
/// hold, for the four-panel one-row tile of cached weights too.
/// </summary>
[Trait("Kind", "Int8")]
public class QuantizedResidencyTests
{
    /// <summary>Single-block heights on every path, and splits into 2–7 blocks.</summary>
    public static readonly int[] Rows = [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 16, 24, 37];

    /// <summary>
    /// K with and without a partial group; N with one partial panel, exactly one panel, several panels, and 4, 6 and 10 full
    /// panels (an unhinted one-row call on avxvnni runs four of them at once, the four-panel row tile, and the rest one
    /// by one; the hinted call runs every panel one by one, so the comparison covers both tiles).
    /// </summary>
    public static readonly (int K, int N)[] Shapes = [(1, 1), (37, 45), (64, 16), (131, 33), (512, 100), (40, 64), (13, 160)];

    public static TheoryData<QuantizedPath, int> Data => QuantizedPathData.Cross(Enumerable.Range(0, Shapes.Length));

    [Theory]
    [MemberData(nameof(Data))]
    public void MemoryResidencyGivesTheSameBits(QuantizedPath path, int shape)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        var (k, n) = Shapes[shape];
        var c = new QuantizedCase(path, k, n);
        var rng = TestData.Rng(k, n, 11);
        foreach (int m in Rows)
        {
            float[] x = QuantizedCase.Rows(rng, m, k, k, strided: false), start = TestData.Uniform(rng, m * n);
            var scratch = new QuantizedScratch(m, k);
            foreach (bool accumulate in new[] { false, true })
            {
                float[] cached = (float[])start.Clone(), streamed = (float[])start.Clone();
                c.Weights.Residency = WeightResidency.Cache;
                QuantizedLinear.Project(x, m, c.Weights, cached, scratch, accumulate);
                c.Weights.Residency = WeightResidency.Memory;
                QuantizedLinear.Project(x, m, c.Weights, streamed, scratch, accumulate);
                Assert.Equal(cached, streamed);
            }
            c.Weights.Residency = WeightResidency.Memory;
            c.Check(m);
            c.Check(m, accumulate: true, strided: true);
        }
    }

    [Fact]
    public void CacheIsTheDefault()
    {
        var w = QuantizedWeights.Pack(new float[16 * 16], 16, 16, QuantizedPath.Scalar);
        Assert.Equal(WeightResidency.Cache, w.Residency);
    }
}
