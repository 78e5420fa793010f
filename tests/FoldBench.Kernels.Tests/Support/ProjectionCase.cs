namespace FoldBench.Kernels.Tests.Support;

/// <summary>One weight matrix packed for one path, checked against the oracle for any number of X shapes.</summary>
internal sealed class ProjectionCase
{
    private readonly float[] _w;
    private readonly float[]? _bias;
    private readonly bool _exact;

    public ProjectionCase(KernelPath path, int k, int n, bool bias = true, bool exact = false)
    {
        Path = path;
        K = k;
        N = n;
        _exact = exact;
        var rng = TestData.Rng(k, n, bias ? 1 : 0, exact ? 1 : 0);
        _w = exact ? TestData.Exact(rng, n * k) : TestData.Uniform(rng, n * k);
        _bias = bias ? (exact ? TestData.Exact(rng, n) : TestData.Uniform(rng, n)) : null;
        Weights = PackedWeights.Pack(_w, n, k, _bias ?? [], path);
    }

    public KernelPath Path { get; }
    public int K { get; }
    public int N { get; }
    public PackedWeights Weights { get; }

    /// <summary>
    /// Projects M rows and compares with the oracle. Strided cases put X and Y rows inside wider
    /// NaN-filled rows: a kernel that reads past K gets NaN sums, one that writes past N leaves a
    /// non-NaN in the padding; both fail.
    /// </summary>
    public void Check(int m, bool accumulate = false, bool strided = false)
    {
        int ldx = strided ? K + 3 : K, ldy = strided ? N + 5 : N;
        var rng = TestData.Rng(m, K, N, accumulate ? 1 : 0, strided ? 1 : 0);
        int xLength = m == 0 ? 0 : (m - 1) * ldx + K, yLength = m == 0 ? 0 : (m - 1) * ldy + N;
        float[] x = strided ? TestData.NaNs(xLength) : new float[xLength];
        float[] y = strided ? TestData.NaNs(yLength) : new float[yLength];
        for (int i = 0; i < m; i++)
        {
            float[] row = _exact ? TestData.Exact(rng, K) : TestData.Uniform(rng, K);
            row.CopyTo(x, i * ldx);
            float[] old = _exact ? TestData.Exact(rng, N) : TestData.Uniform(rng, N);
            old.CopyTo(y, i * ldy);
        }
        float[] y0 = (float[])y.Clone();

        if (strided) Linear.Project(x, m, ldx, Weights, y, ldy, accumulate);
        else Linear.Project(x, m, Weights, y, accumulate);

        string context = $"{Path.Name()} M={m} K={K} N={N} bias={_bias is not null} accumulate={accumulate} strided={strided}";
        var (expected, magnitude) = Oracle.Project(x, m, ldx, _w, N, K, _bias, y0, ldy, accumulate);
        if (_exact) Oracle.AssertExact(y, expected, m, N, ldy, context);
        else Oracle.AssertClose(y, expected, magnitude, m, N, ldy, K, context);
        if (strided) AssertPaddingUntouched(y, m, ldy, context);
    }

    private void AssertPaddingUntouched(float[] y, int m, int ldy, string context)
    {
        for (int i = 0; i < m - 1; i++)
            for (int j = N; j < ldy; j++)
                if (!float.IsNaN(y[i * ldy + j])) Assert.Fail($"{context}: wrote Y padding at row {i}, column {j}");
    }
}
