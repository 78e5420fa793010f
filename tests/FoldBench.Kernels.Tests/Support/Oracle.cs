namespace FoldBench.Kernels.Tests.Support;

/// <summary>
/// The test's own reference for <c>Y = X·Wᵀ + b (+ Y)</c>: plain loops summing in double, written
/// here independently of the library (the scalar kernel is one of the paths under test).
/// </summary>
internal static class Oracle
{
    /// <summary>fp32 unit roundoff u = 2⁻²⁴.</summary>
    private const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>
    /// Reference outputs and, per output, the sum of the magnitudes of every term that went into it
    /// (Σ|x·w| + |b| + |y₀|), which scales the tolerance.
    /// </summary>
    public static (double[] Expected, double[] Magnitude) Project(
        float[] x, int m, int ldx, float[] w, int n, int k, float[]? bias, float[] y0, int ldy, bool accumulate)
    {
        var expected = new double[y0.Length];
        var magnitude = new double[y0.Length];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = (double)x[i * ldx + p] * w[j * k + p];
                    sum += term;
                    mag += Math.Abs(term);
                }
                if (bias is not null) { sum += bias[j]; mag += Math.Abs(bias[j]); }
                if (accumulate) { sum += y0[i * ldy + j]; mag += Math.Abs(y0[i * ldy + j]); }
                expected[i * ldy + j] = sum;
                magnitude[i * ldy + j] = mag;
            }
        }
        return (expected, magnitude);
    }

    /// <summary>
    /// Allowed |y − reference| for one output of K products plus bias and old Y. Whatever order an
    /// fp32 kernel sums in (blocked, several accumulators, FMA or multiply-then-add), the classic
    /// bound for a sum of n rounded terms holds: |error| ≤ γₙ·Σ|terms|, γₙ = n·u / (1 − n·u)
    /// (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1), with n = K + 2 roundings
    /// on any path through the sum. The double oracle's own error is ~2⁻²⁹ times smaller. We allow
    /// 2·γ to leave room for the final rounding to fp32. The bound is deterministic, so the test
    /// cannot fail by chance, yet a lost, doubled or misplaced term of typical size (|x·w| ≈ 0.25
    /// for values in [−1, 1]) is far above it even at K = 1000 (tolerance ≈ 0.03 there): the
    /// exact-arithmetic tests below catch the rest bit for bit.
    /// </summary>
    public static double Tolerance(int k, double magnitude)
    {
        double n = k + 2;
        double gamma = n * UnitRoundoff / (1 - n * UnitRoundoff);
        return 2 * gamma * magnitude;
    }

    /// <summary>Fails with the first output outside the tolerance, naming where it is.</summary>
    public static void AssertClose(float[] actual, double[] expected, double[] magnitude, int m, int n, int ldy, int k, string context)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int at = i * ldy + j;
                double tol = Tolerance(k, magnitude[at]);
                if (!(Math.Abs(actual[at] - expected[at]) <= tol))
                    Assert.Fail($"{context}: Y[{i},{j}] = {actual[at]:R}, expected {expected[at]:R} (tolerance {tol:E2})");
            }
        }
    }

    /// <summary>Exact comparison, for data whose every partial sum is representable in fp32.</summary>
    public static void AssertExact(float[] actual, double[] expected, int m, int n, int ldy, string context)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int at = i * ldy + j;
                if (actual[at] != expected[at])
                    Assert.Fail($"{context}: Y[{i},{j}] = {actual[at]:R}, expected exactly {expected[at]:R}");
            }
    }
}
