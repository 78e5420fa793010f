using FoldBench.Kernels.Quantized;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>
/// An int8 projection whose output panels are split across a <see cref="ProjectionPool"/> equals the one-thread
/// projection bit for bit, and its int32 accumulators equal the exact ones: on every int8 path, 1–4 threads, M over
/// one to several row blocks of every path's tile height, N of 1, 2, 3, 7 and 33 panels (full and partial last ones;
/// more threads than panels leave shares empty), contiguous and strided, with and without accumulation, for cached
/// weights (a one-row call on avxvnni then runs the four-panel row tile over each share's full panels) and weights
/// hinted to stream (every tile one panel, prefetching within the share).
/// </summary>
[Trait("Kind", "Int8")]
public class QuantizedThreadsTests
{
    /// <summary>One row block on every path, and 2–5 blocks (avxvnni and neondot take 6 rows a block, avx2 4, neon 3).</summary>
    private static readonly int[] Rows = [1, 2, 5, 7, 8, 13, 16];

    /// <summary>
    /// N of 1 (partial), 2 (full), 3 (partial), 7 (full), 8 (the last partial: a share of 4 panels then holds only 3 full
    /// ones for the four-panel tile) and 33 (partial) panels; K with and without a partial group of 4.
    /// </summary>
    private static readonly (int K, int N)[] Shapes = [(37, 9), (37, 32), (21, 45), (64, 112), (29, 120), (13, 520)];

    public static TheoryData<QuantizedPath, int> Data => QuantizedPathData.Cross([1, 2, 3, 4]);

    [Theory]
    [MemberData(nameof(Data))]
    public void Split_int8_projections_equal_the_one_thread_bits_and_the_exact_sums(QuantizedPath path, int threads)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        using var pool = new ProjectionPool(threads);
        foreach (var (k, n) in Shapes)
        {
            var c = new QuantizedCase(path, k, n, bias: n % 2 == 0);
            foreach (var residency in new[] { WeightResidency.Cache, WeightResidency.Memory })
            {
                c.Weights.Residency = residency;
                foreach (int m in Rows)
                    foreach (bool accumulate in new[] { false, true })
                        foreach (bool strided in new[] { false, true })
                            c.CheckThreads(m, pool, accumulate, strided);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void Split_folded_int8_projections_equal_the_one_thread_bits(QuantizedPath path, int threads)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        using var pool = new ProjectionPool(threads);
        foreach (var (t, d, fold) in new[] { (1, 256, 2), (3, 144, 3), (4, 128, 4) })
        {
            var rng = TestData.Rng(t, d, fold, threads);
            int sub = d / fold;
            var weights = QuantizedWeights.Pack(TestData.Uniform(rng, sub * sub), sub, sub, TestData.Uniform(rng, sub), path);
            float[] chunk = TestData.Uniform(rng, t * d), start = TestData.Uniform(rng, t * d);
            float[] one = (float[])start.Clone(), split = (float[])start.Clone();
            QuantizedFoldedProjection.Project(chunk, t, d, fold, weights, one, new QuantizedScratch(t * fold, sub), accumulate: true);
            QuantizedFoldedProjection.Project(chunk, t, d, fold, weights, split, new QuantizedScratch(t * fold, sub), accumulate: true, pool);
            ProjectionPoolTests.AssertBits(one, split, $"folded {path.Name()} threads={threads} T={t} D={d} N={fold}");
        }
    }
}

[Collection(nameof(ProjectionAllocation))]
[Trait("Kind", "Int8")]
public class QuantizedThreadsAllocationTests
{
    [Fact]
    public void A_split_int8_projection_allocates_nothing_on_any_thread()
    {
        var path = QuantizedPaths.Best;
        using var pool = new ProjectionPool(2);
        var rng = TestData.Rng(64, 128, 8);
        var weights = QuantizedWeights.Pack(TestData.Uniform(rng, 128 * 64), 128, 64, TestData.Uniform(rng, 128), path);
        var scratch = new QuantizedScratch(4, 64);
        float[] x = TestData.Uniform(rng, 4 * 64), y = new float[4 * 128];
        // M = 1 (the four-panel row tile on avxvnni) and M = 4, both split.
        void Calls(int count)
        {
            for (int i = 0; i < count; i++)
            {
                QuantizedLinear.Project(x.AsSpan(0, 64), 1, weights, y.AsSpan(0, 128), scratch, false, pool);
                QuantizedLinear.Project(x, 4, weights, y, scratch, false, pool);
            }
        }
        Calls(100); // JIT and tiering first
        // As the fp32 test: the process-wide count also sees the test platform's own threads, which allocate now and then,
        // so the best of three rounds must stay under one byte per call (an object is at least 24 bytes), and the calling
        // thread must allocate nothing at all.
        long best = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true), mine = GC.GetAllocatedBytesForCurrentThread();
            Calls(1000);
            long after = GC.GetTotalAllocatedBytes(precise: true);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - mine);
            best = Math.Min(best, after - before);
        }
        Assert.True(best < 2000, $"2000 split int8 projections allocated {best} bytes across the process in the best of three rounds");
    }
}
