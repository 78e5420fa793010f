using FoldBench.Kernels.Quantized;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>
/// Every int8 path over shapes that reach every tail (each check exact on the int32 accumulators, within the
/// quantization bound in fp32, bit-equal to the scalar path; see <see cref="QuantizedCase"/>): M over every row-block
/// split of tiles of 1–6 (avxvnni, neondot), 1–4 (avx2) and 1–3 rows (neon); K over every remainder of the 4-byte groups
/// and several groups; N over every remainder of the 16-wide panels, one to three panels.
/// </summary>
[Trait("Kind", "Int8")]
public class QuantizedSweepTests
{
    /// <summary>Tile heights 1–6, then splits into several blocks (7 = 4 + 3 on avxvnni, 4 + 3 on avx2, 3 + 2 + 2 on neon …).</summary>
    public static readonly int[] WidthSweepRows = [1, 2, 3, 4, 5, 6, 7, 8, 13];

    public static TheoryData<QuantizedPath, int> WidthSweepData => QuantizedPathData.Cross(WidthSweepRows);

    /// <summary>(K, N) for the full M sweep: K ≡ 1, 0, 3 (mod 4), N ≡ 13, 0, 1 (mod 16).</summary>
    public static readonly (int K, int N)[] MSweepShapes = [(37, 45), (64, 16), (131, 33)];

    public static TheoryData<QuantizedPath, int> MSweepData => QuantizedPathData.Cross(Enumerable.Range(0, MSweepShapes.Length));

    /// <summary>K 1..20, 21..28, 31..33 and 40 (every remainder mod 4; 1–10 groups, every leftover mod 6) against N 1..17 and 31..33; large K and N.</summary>
    internal static IEnumerable<(int K, int N)> WidthShapes()
    {
        // 21..28 and 40: 6, 7 and 10 groups, so the K phases of 1–3-row tiles (6, 3, 2 phases) see every leftover
        // count after at least one full round.
        int[] smallK = [.. Enumerable.Range(1, 20), 21, 24, 25, 28, 31, 32, 33, 40];
        int[] smallN = [.. Enumerable.Range(1, 17), 31, 32, 33];
        foreach (int k in smallK)
            foreach (int n in smallN) yield return (k, n);
        foreach (int k in new[] { 127, 512, 1001 })
            foreach (int n in new[] { 1, 16, 17 }) yield return (k, n);
        foreach (int n in new[] { 100, 255 })
            foreach (int k in new[] { 3, 13 }) yield return (k, n);
    }

    [Theory]
    [MemberData(nameof(WidthSweepData))]
    public void EveryWidth(QuantizedPath path, int m)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        foreach (var (k, n) in WidthShapes()) new QuantizedCase(path, k, n, bias: (k + n) % 3 != 0).Check(m, accumulate: (k + n) % 2 == 1);
    }

    [Theory]
    [MemberData(nameof(MSweepData))]
    public void EveryRowCount(QuantizedPath path, int shape)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        var (k, n) = MSweepShapes[shape];
        var c = new QuantizedCase(path, k, n);
        foreach (int m in (int[])[.. Enumerable.Range(0, 37), 64, 97]) c.Check(m);
    }

    [Fact]
    public void SweepsReachEveryTail()
    {
        // Guards the sweep itself: every K remainder mod 4 with 1–5 groups, every N remainder mod 16 with 1–3 panels.
        var shapes = WidthShapes().ToList();
        for (int k = 1; k <= 20; k++) Assert.Contains(shapes, s => s.K == k);
        // Every leftover of K groups after whole rounds of 6 phases (Rows1 tiles), with at least one full round.
        for (int r = 0; r < 6; r++)
            Assert.True(shapes.Any(s => (s.K + 3) / 4 >= 6 && (s.K + 3) / 4 % 6 == r), $"groups ≡ {r} (mod 6)");
        for (int n = 1; n <= 33; n++) Assert.True(n is > 17 and < 31 || shapes.Any(s => s.N == n), $"N = {n}");
        Assert.Contains(shapes, s => s.N > 32);
    }
}
