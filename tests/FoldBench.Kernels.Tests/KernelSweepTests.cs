using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>
/// Every path against the double oracle over shapes that reach every tail: M sweeps every row-block
/// split (tiles of 1–6 rows on AVX2/NEON, 1–12 on AVX-512, each with its K phases), K covers every
/// remainder of the K loops (steps of 1–6 on AVX2, 1–12 on AVX-512, 4–24 on NEON), N every
/// remainder of the 16-wide panels and (AVX-512) of its 32-wide two-panel tiles.
/// </summary>
[Trait("Category", "Kernel")]
public class KernelSweepTests
{
    /// <summary>K and N values that hit every tail: 1..33 plus the sizes models use.</summary>
    public static readonly int[] Widths = [.. Enumerable.Range(1, 33), 64, 127, 128, 255, 512, 1000];

    /// <summary>Every M in 1..64 plus a few larger (block splits of 16, 22 and 34 row blocks).</summary>
    public static readonly int[] RowCounts = [.. Enumerable.Range(1, 64), 96, 127, 200];

    /// <summary>(K, N) pairs for the full M sweep: K ≡ 1, 5, 8, 3 (mod 12) and N ≡ 13, 0, 4, 1 (mod 16).</summary>
    public static readonly (int K, int N)[] MSweepShapes = [(37, 45), (17, 16), (128, 100), (255, 33)];

    /// <summary>
    /// Row counts for the K/N sweeps: every tile height up to 6 (and its phases), 7 (4+3; one
    /// AVX-512 tile), 12 (AVX-512's tallest tile) and 13 (5+4+4; AVX-512 7+6).
    /// </summary>
    public static readonly int[] WidthSweepRows = [1, 2, 3, 4, 5, 6, 7, 12, 13];

    public static TheoryData<KernelPath, int> MSweepData => Paths.Cross(Enumerable.Range(0, MSweepShapes.Length));
    public static TheoryData<KernelPath, int> WidthSweepData => Paths.Cross(WidthSweepRows);

    [Theory]
    [MemberData(nameof(MSweepData))]
    public void EveryRowCount(KernelPath path, int shape)
    {
        Paths.SkipUnlessSupported(path);
        var (k, n) = MSweepShapes[shape];
        var c = new ProjectionCase(path, k, n);
        foreach (int m in RowCounts) c.Check(m);
    }

    /// <summary>Every K and N tail for every tile height (see <see cref="WidthShapes"/>).</summary>
    [Theory]
    [MemberData(nameof(WidthSweepData))]
    public void EveryWidth(KernelPath path, int m)
    {
        Paths.SkipUnlessSupported(path);
        foreach (var (k, n) in WidthShapes()) new ProjectionCase(path, k, n).Check(m);
    }

    /// <summary>
    /// Data whose every partial sum is exact in fp32 (see <see cref="TestData.Exact"/>): any
    /// summation order gives the same bits, so each path must equal the oracle exactly. This
    /// catches a lost or doubled term however small the tolerance test would let it be.
    /// Accumulation alternates between shapes to keep the sweep short.
    /// </summary>
    [Theory]
    [MemberData(nameof(WidthSweepData))]
    public void ExactArithmetic(KernelPath path, int m)
    {
        Paths.SkipUnlessSupported(path);
        int[] ks = [.. Enumerable.Range(1, 25), 33, 127, 1000], ns = [.. Enumerable.Range(1, 17), 32, 33, 127];
        foreach (int k in ks)
            foreach (int n in ns)
                new ProjectionCase(path, k, n, exact: true).Check(m, accumulate: (k + n) % 2 == 1);
    }

    /// <summary>
    /// Every K in 1..33 (all remainders of the K loops, up to NEON's 24-step) against N in 1..17 and
    /// 31..33 (all remainders of a 16-wide panel, with one and two panels); N 18..30 against a few
    /// K; each large K against small N and each large N against small K; two large × large shapes.
    /// </summary>
    internal static IEnumerable<(int K, int N)> WidthShapes()
    {
        int[] smallK = [.. Enumerable.Range(1, 33)];
        int[] smallN = [.. Enumerable.Range(1, 17), 31, 32, 33];
        int[] large = [64, 127, 128, 255, 512, 1000];
        foreach (int k in smallK)
            foreach (int n in smallN) yield return (k, n);
        for (int n = 18; n <= 30; n++)
            foreach (int k in new[] { 1, 7, 24, 33 }) yield return (k, n);
        foreach (int k in large)
            foreach (int n in new[] { 1, 15, 16, 17, 33 }) yield return (k, n);
        foreach (int n in large)
            foreach (int k in new[] { 1, 5, 12, 13, 33 }) yield return (k, n);
        yield return (127, 1000);
        yield return (1000, 127);
    }

    [Fact]
    public void SweepsReachEveryWidth()
    {
        // Guards the sweep itself: every listed K and N value must occur in the width sweep.
        var shapes = WidthShapes().ToList();
        foreach (int v in Widths)
        {
            Assert.Contains(shapes, s => s.K == v);
            Assert.Contains(shapes, s => s.N == v);
        }
    }
}
