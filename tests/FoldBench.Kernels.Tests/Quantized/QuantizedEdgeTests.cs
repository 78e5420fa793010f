using FoldBench.Kernels.Quantized;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>The quantization rule by hand, the extreme values and the overflow bound, and the API's promises.</summary>
[Trait("Kind", "Int8")]
public class QuantizedEdgeTests
{
    public static TheoryData<QuantizedPath> PathData => QuantizedPathData.Paths;

    [Fact]
    public void QuantizationRuleWorkedByHand()
    {
        // amax = 1: scale 1/127; 0.5·127 = 63.5 → 64 (ties to even), −0.25·127 = −31.75 → −32, −1 → −127 (never −128).
        var q = new sbyte[5];
        float scale = RowQuantizer.Quantize([1f, 0.5f, -0.25f, 0f, -1f], q);
        Assert.Equal(1f / 127f, scale);
        Assert.Equal([127, 64, -32, 0, -127], q.Select(v => (int)v));
        // 1.5/3·127 = 63.5 again, but from amax = 3: scale 3/127.
        Assert.Equal(3f / 127f, RowQuantizer.Quantize([3f, 1.5f], q.AsSpan(0, 2)));
        Assert.Equal([127, 64], q.Take(2).Select(v => (int)v));
        // An all-zero vector: scale 0, all q 0.
        Assert.Equal(0f, RowQuantizer.Quantize([0f, -0f, 0f], q.AsSpan(0, 3)));
        Assert.All(q.Take(3), v => Assert.Equal(0, v));
        // The reference's own copy of the rule agrees.
        var qi = new int[5];
        Assert.Equal(1f / 127f, QuantizedReference.Quantize([1f, 0.5f, -0.25f, 0f, -1f], qi));
        Assert.Equal([127, 64, -32, 0, -127], qi);
        // A destination shorter than the values is an error (the quantizer writes through a pointer).
        var e = Assert.Throws<ArgumentException>(() => RowQuantizer.Quantize([1f, 2f, 3f], new sbyte[2]));
        Assert.Contains("the destination holds 2 values but 3 are to be quantized", e.Message);
    }

    [Fact]
    public void TheBoundIsTheLargestKWhoseDotProductFitsInt32()
    {
        Assert.True((long)RowQuantizer.MaxInputCount * 127 * 127 <= int.MaxValue);
        Assert.True((long)(RowQuantizer.MaxInputCount + 1) * 127 * 127 > int.MaxValue);
        var e = Assert.Throws<ArgumentException>(() => QuantizedWeights.Pack(new float[RowQuantizer.MaxInputCount + 1], 1, RowQuantizer.MaxInputCount + 1, QuantizedPath.Scalar));
        Assert.Contains($"K = {RowQuantizer.MaxInputCount + 1} exceeds {RowQuantizer.MaxInputCount}", e.Message);
    }

    /// <summary>
    /// All activations and weights at ±127 (inputs ±1, ±0.5): every product is ±16129 and every adjacent pair 32258,
    /// the most <c>vpmaddubsw</c> ever sees with the sign trick (u8 activations 255 × 127 would pair to 64770 and
    /// saturate at 32767). Same-sign and opposite-sign rows, both signs of weights; exact against 64-bit sums.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathData))]
    public void ExtremeValuesAreExact(QuantizedPath path)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        const int k = 67, n = 19;
        var w = new float[n * k];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) w[j * k + p] = j % 3 == 0 ? 1f : j % 3 == 1 ? -0.5f : (p % 2 == 0 ? 2f : -2f);
        float[][] rows =
        [
            Enumerable.Repeat(1f, k).ToArray(),
            Enumerable.Repeat(-3f, k).ToArray(),
            Enumerable.Range(0, k).Select(p => p % 2 == 0 ? 1f : -1f).ToArray(),
            Enumerable.Range(0, k).Select(p => p % 4 < 2 ? -1f : 1f).ToArray(),
        ];
        float[] x = rows.SelectMany(r => r).ToArray();
        var weights = QuantizedWeights.Pack(w, n, k, path);
        var acc = new int[rows.Length * n];
        QuantizedLinear.Accumulators(x, rows.Length, k, weights, acc, QuantizedScratch.For(weights, rows.Length));
        var expected = new long[acc.Length];
        QuantizedReference.Accumulators(x, rows.Length, k, w, n, k, expected, new float[rows.Length], new float[n]);
        Assert.Equal(expected, acc.Select(a => (long)a));
        // Row 0 against channel 0 (all +127 × +127): K·16129.
        Assert.Equal(k * 16129, acc[0]);
        new QuantizedCase(path, k, n, weights: w).Check(rows.Length, rows: x);
    }

    /// <summary>
    /// K at the overflow bound: the accumulators reach ±K·127² = ±2,147,479,576, within 4,071 of int32's limit, and must
    /// be exact on every path (the avxvnni path's biased partial sums wrap around on the way there).
    /// </summary>
    [Theory]
    [MemberData(nameof(PathData))]
    public void AccumulatorsAreExactAtTheOverflowBound(QuantizedPath path)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        const int k = RowQuantizer.MaxInputCount, n = 17, m = 3;
        var w = new float[n * k];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) w[j * k + p] = j % 2 == 0 ? 1f : -1f;
        var x = new float[m * k];
        for (int p = 0; p < k; p++) { x[p] = 1f; x[k + p] = -1f; x[2 * k + p] = p % 2 == 0 ? 1f : -1f; }
        var weights = QuantizedWeights.Pack(w, n, k, path);
        var acc = new int[m * n];
        QuantizedLinear.Accumulators(x, m, k, weights, acc, QuantizedScratch.For(weights, m));
        long top = (long)k * 127 * 127;
        Assert.Equal(2_147_479_576L, top);
        for (int j = 0; j < n; j++)
        {
            long sign = j % 2 == 0 ? 1 : -1;
            Assert.Equal(sign * top, acc[j]);
            Assert.Equal(-sign * top, acc[n + j]);
            Assert.Equal(0, acc[2 * n + j]); // K is even: the alternating row cancels
        }
    }

    [Theory]
    [MemberData(nameof(PathData))]
    public void ProjectingAllocatesNothing(QuantizedPath path)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        var rng = TestData.Rng(8, 1);
        const int m = 7, k = 45, n = 37;
        var weights = QuantizedWeights.Pack(TestData.Uniform(rng, n * k), n, k, TestData.Uniform(rng, n), path);
        var scratch = QuantizedScratch.For(weights, m);
        float[] x = TestData.Uniform(rng, m * k), y = new float[m * n];
        QuantizedLinear.Project(x, m, weights, y, scratch); // JIT and tiering out of the way
        QuantizedLinear.Project(x, m, weights, y, scratch, accumulate: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) QuantizedLinear.Project(x, m, weights, y, scratch, accumulate: i % 2 == 0);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    [Fact]
    public void UnsupportedPathIsAnErrorNotAFallback()
    {
        var missing = QuantizedPaths.All.Where(p => !QuantizedPaths.IsSupported(p)).ToList();
        Assert.SkipWhen(missing.Count == 0, "this CPU supports every int8 path");
        foreach (var p in missing)
        {
            var e = Assert.Throws<PlatformNotSupportedException>(() => QuantizedWeights.Pack(new float[4], 2, 2, p));
            Assert.Contains($"int8 kernel path '{p.Name()}' is not supported", e.Message);
        }
    }

    [Fact]
    public void NamesRoundTripAndStayApartFromTheFp32Names()
    {
        Assert.Equal(["int8-scalar", "int8-avx2", "int8-avxvnni", "int8-neon", "int8-neondot"], QuantizedPaths.All.Select(p => p.Name()));
        foreach (var p in QuantizedPaths.All) Assert.Equal(p, QuantizedPaths.Parse(p.Name().ToUpperInvariant()));
        Assert.Equal(QuantizedPaths.Best, QuantizedPaths.Parse("int8-best"));
        Assert.Contains(QuantizedPaths.Best, QuantizedPaths.Supported);
        Assert.Empty(QuantizedPaths.All.Select(p => p.Name()).Intersect(KernelPaths.All.Select(p => p.Name())));
        var e = Assert.Throws<ArgumentException>(() => QuantizedPaths.Parse("avx2"));
        Assert.Contains("unknown int8 kernel path 'avx2'", e.Message);
    }

    [Fact]
    public void ScratchAndShapesAreChecked()
    {
        var w = QuantizedWeights.Pack(new float[5 * 3], 5, 3, QuantizedPath.Scalar); // N = 5, K = 3
        var e = Assert.Throws<ArgumentException>(() => QuantizedLinear.Project(new float[6], 2, w, new float[10], new QuantizedScratch(2, 4)));
        Assert.Contains("the scratch was made for K = 4 but the weights have K = 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedLinear.Project(new float[9], 3, w, new float[15], new QuantizedScratch(2, 3)));
        Assert.Contains("M = 3 rows exceed the scratch's capacity of 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedLinear.Project(new float[7], 2, w, new float[10], new QuantizedScratch(2, 3)));
        Assert.Contains("X has 7 elements but M×K = 2×3 = 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedLinear.Project(new float[6], 2, 2, w, new float[10], 5, new QuantizedScratch(2, 3)));
        Assert.Contains("X row stride 2 is smaller than K = 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedWeights.Pack([1f, float.NaN], 1, 2, QuantizedPath.Scalar));
        Assert.Contains("weights must be finite", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedWeights.Pack(new float[15], 5, 3, new float[4], QuantizedPath.Scalar));
        Assert.Contains("bias length 4 does not match N = 5", e.Message);
        var folded = QuantizedWeights.Pack(new float[9 * 9], 9, 9, QuantizedPath.Scalar);
        e = Assert.Throws<ArgumentException>(() => QuantizedFoldedProjection.Project(new float[48], 1, 48, 5, folded, new float[48], new QuantizedScratch(5, 9)));
        Assert.Contains("fold factor N = 5 does not divide width D = 48", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedFoldedProjection.Project(new float[48], 1, 48, 4, folded, new float[48], new QuantizedScratch(4, 9)));
        Assert.Contains("(D/N)×(D/N) = 12×12", e.Message);
    }

    [Fact]
    public void ByteCountsAreTruthful()
    {
        // N = 17, K = 5: 85 one-byte weights, 17 fp32 scales and 17 fp32 biases are the parameters on every path.
        foreach (var p in QuantizedPaths.Supported)
        {
            var packed = QuantizedWeights.Pack(new float[85], 17, 5, new float[17], p);
            Assert.Equal(85 + 17 * 4 + 17 * 4, packed.ParameterBytes);
            Assert.Equal(17, packed.Bias.Length);
            Assert.Equal(17, packed.Scales.Length);
            // scalar: 85 bytes, 17 scales, 17 biases; vector paths: two panels × 16 × 8 (K padded to 8) bytes,
            // 32 scales and 32 biases, and on avxvnni 32 accumulator start values.
            long expected = p == QuantizedPath.Scalar ? 85 + 17 * 4 * 2 : 2 * 16 * 8 + 32 * 4 * (p == QuantizedPath.AvxVnni ? 3 : 2);
            Assert.Equal(expected, packed.PackedBytes);
        }
    }

    [Fact]
    public void PerChannelScalesAreTheChannelsLargestMagnitudeOver127()
    {
        float[] w = [0.5f, -2f, 1f, 0.25f, 0f, 0f];
        var packed = QuantizedWeights.Pack(w, 3, 2, QuantizedPath.Scalar);
        Assert.Equal([2f / 127f, 1f / 127f, 0f], packed.Scales.ToArray());
        Assert.Equal([32, -127, 127, 32, 0, 0], packed.Quantized.ToArray().Select(v => (int)v)); // 0.25·127 = 31.75 → 32
    }
}
