using FoldBench.Kernels.Quantized;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>
/// One fp32 weight matrix quantized and packed for one int8 path (and for the scalar path beside it), checked three
/// ways for any X shape: the int32 accumulators equal <see cref="QuantizedReference.Accumulators"/> exactly; the fp32
/// output lies within the quantization bound of the fp32 projection; and it equals the scalar path's output bit for bit.
/// </summary>
internal sealed class QuantizedCase
{
    private readonly float[] _w;
    private readonly float[]? _bias;
    private readonly QuantizedWeights _scalar;

    public QuantizedCase(QuantizedPath path, int k, int n, bool bias = true, float[]? weights = null)
    {
        Path = path;
        K = k;
        N = n;
        var rng = TestData.Rng(k, n, bias ? 1 : 0, 8);
        _w = weights ?? TestData.Uniform(rng, n * k);
        _bias = bias ? TestData.Uniform(rng, n) : null;
        Weights = QuantizedWeights.Pack(_w, n, k, _bias ?? [], path);
        _scalar = path == QuantizedPath.Scalar ? Weights : QuantizedWeights.Pack(_w, n, k, _bias ?? [], QuantizedPath.Scalar);
    }

    public QuantizedPath Path { get; }
    public int K { get; }
    public int N { get; }
    public QuantizedWeights Weights { get; }

    /// <summary>Uniform rows in [−1, 1), every third row scaled by 1000 and row 4 all zero (scales far apart, a zero scale).</summary>
    public static float[] Rows(Random rng, int m, int k, int ldx, bool strided)
    {
        int length = m == 0 ? 0 : (m - 1) * ldx + k;
        float[] x = strided ? TestData.NaNs(length) : new float[length];
        for (int i = 0; i < m; i++)
        {
            float[] row = TestData.Uniform(rng, k);
            if (i % 3 == 2) for (int j = 0; j < k; j++) row[j] *= 1000f;
            if (i == 4) Array.Clear(row);
            row.CopyTo(x, i * ldx);
        }
        return x;
    }

    /// <summary>
    /// Projects M rows and checks them. Strided cases put X and Y rows inside wider NaN-filled rows: a kernel that reads
    /// past K quantizes a NaN (a wrong scale and accumulators), one that writes past N leaves a non-NaN in the padding.
    /// </summary>
    public void Check(int m, bool accumulate = false, bool strided = false, float[]? rows = null)
    {
        int ldx = strided ? K + 3 : K, ldy = strided ? N + 5 : N;
        var rng = TestData.Rng(m, K, N, accumulate ? 1 : 0, strided ? 1 : 0, 8);
        float[] x = rows ?? Rows(rng, m, K, ldx, strided);
        int yLength = m == 0 ? 0 : (m - 1) * ldy + N;
        float[] y = strided ? TestData.NaNs(yLength) : new float[yLength];
        for (int i = 0; i < m; i++) TestData.Uniform(rng, N).CopyTo(y, i * ldy);
        float[] y0 = (float[])y.Clone(), yScalar = (float[])y.Clone();
        string context = $"{Path.Name()} M={m} K={K} N={N} bias={_bias is not null} accumulate={accumulate} strided={strided}";

        var scratch = new QuantizedScratch(Math.Max(m, 1), K);
        QuantizedLinear.Project(x, m, ldx, Weights, y, ldy, scratch, accumulate);

        // 1. The int32 accumulators, exactly.
        var acc = new int[m * N];
        QuantizedLinear.Accumulators(x, m, ldx, Weights, acc, scratch);
        var expectedAcc = new long[m * N];
        QuantizedReference.Accumulators(x, m, ldx, _w, N, K, expectedAcc, new float[m], new float[N]);
        for (int i = 0; i < acc.Length; i++)
            if (acc[i] != expectedAcc[i])
                Assert.Fail($"{context}: accumulator [{i / N},{i % N}] = {acc[i]}, expected exactly {expectedAcc[i]}");

        // 2. Within the quantization error bound of the fp32 projection.
        var expected = new double[y.Length];
        var bound = new double[y.Length];
        QuantizedReference.Project(x, m, ldx, _w, N, K, _bias, y0, ldy, accumulate, expected, bound);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < N; j++)
            {
                int at = i * ldy + j;
                if (!(Math.Abs(y[at] - expected[at]) <= bound[at]))
                    Assert.Fail($"{context}: Y[{i},{j}] = {y[at]:R}, fp32 reference {expected[at]:R}, outside the quantization bound {bound[at]:E3}");
            }

        // 3. The same bits as the scalar path (same accumulators, same epilogue operations in the same order).
        if (Path != QuantizedPath.Scalar)
        {
            QuantizedLinear.Project(x, m, ldx, _scalar, yScalar, ldy, new QuantizedScratch(Math.Max(m, 1), K), accumulate);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < N; j++)
                {
                    int at = i * ldy + j;
                    if (BitConverter.SingleToInt32Bits(y[at]) != BitConverter.SingleToInt32Bits(yScalar[at]))
                        Assert.Fail($"{context}: Y[{i},{j}] = {y[at]:R} but the scalar path gives {yScalar[at]:R}");
                }
        }

        if (strided)
            for (int i = 0; i < m - 1; i++)
                for (int j = N; j < ldy; j++)
                    if (!float.IsNaN(y[i * ldy + j])) Assert.Fail($"{context}: wrote Y padding at row {i}, column {j}");
    }

    /// <summary>
    /// Projects M rows with the output panels split across <paramref name="pool"/>'s threads and checks them against the
    /// one-thread call: Y bit for bit (the strided padding included, so a share that writes outside its columns shows),
    /// and the split call's int32 accumulators exactly equal to <see cref="QuantizedReference.Accumulators"/>.
    /// </summary>
    public void CheckThreads(int m, ProjectionPool pool, bool accumulate, bool strided)
    {
        int ldx = strided ? K + 3 : K, ldy = strided ? N + 5 : N;
        var rng = TestData.Rng(m, K, N, accumulate ? 1 : 0, strided ? 1 : 0, pool.Threads, 9);
        float[] x = Rows(rng, m, K, ldx, strided);
        int yLength = m == 0 ? 0 : (m - 1) * ldy + N;
        float[] y = strided ? TestData.NaNs(yLength) : new float[yLength];
        for (int i = 0; i < m; i++) TestData.Uniform(rng, N).CopyTo(y, i * ldy);
        float[] one = (float[])y.Clone(), split = (float[])y.Clone();
        string context = $"{Path.Name()} threads={pool.Threads} M={m} K={K} N={N} accumulate={accumulate} strided={strided} residency={Weights.Residency}";

        QuantizedLinear.Project(x, m, ldx, Weights, one, ldy, new QuantizedScratch(Math.Max(m, 1), K), accumulate);
        var scratch = new QuantizedScratch(Math.Max(m, 1), K);
        QuantizedLinear.Project(x, m, ldx, Weights, split, ldy, scratch, accumulate, pool);
        for (int i = 0; i < y.Length; i++)
            if (BitConverter.SingleToInt32Bits(one[i]) != BitConverter.SingleToInt32Bits(split[i]))
                Assert.Fail($"{context}: Y element {i} (row {i / ldy}, column {i % ldy}) = {split[i]:R} but one thread gives {one[i]:R}");

        var acc = new int[m * N];
        Array.Fill(acc, int.MinValue);
        QuantizedLinear.Accumulators(x, m, ldx, Weights, acc, scratch, pool);
        var expectedAcc = new long[m * N];
        QuantizedReference.Accumulators(x, m, ldx, _w, N, K, expectedAcc, new float[m], new float[N]);
        for (int i = 0; i < acc.Length; i++)
            if (acc[i] != expectedAcc[i])
                Assert.Fail($"{context}: split accumulator [{i / N},{i % N}] = {acc[i]}, expected exactly {expectedAcc[i]}");
    }
}

/// <summary>Theory data over int8 paths, and the skip for paths this CPU lacks.</summary>
internal static class QuantizedPathData
{
    public static void SkipUnlessSupported(QuantizedPath path)
        => Assert.SkipUnless(QuantizedPaths.IsSupported(path), $"the {path.Name()} path is not supported on this CPU/runtime");

    public static TheoryData<QuantizedPath, int> Cross(IEnumerable<int> values)
    {
        var data = new TheoryData<QuantizedPath, int>();
        foreach (var p in QuantizedPaths.All)
            foreach (int v in values) data.Add(p, v);
        return data;
    }

    public static TheoryData<QuantizedPath> Paths => new(QuantizedPaths.All);
}
