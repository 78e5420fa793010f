namespace FoldBench.Kernels.Tests.Support;

/// <summary>
/// The tests' reference for <c>Y = X·Wᵀ + b (+ Y)</c>: the library's <see cref="Reference"/> (plain
/// loops summing in double, independent of every kernel path; <see cref="ReferenceTests"/> checks
/// it by hand), with assertions that name the first wrong output.
/// </summary>
internal static class Oracle
{
    /// <summary>
    /// Reference outputs and, per output, the sum of the magnitudes of every term that went into it
    /// (Σ|x·w| + |b| + |y₀|), which scales the tolerance.
    /// </summary>
    public static (double[] Expected, double[] Magnitude) Project(
        float[] x, int m, int ldx, float[] w, int n, int k, float[]? bias, float[] y0, int ldy, bool accumulate)
    {
        var expected = new double[y0.Length];
        var magnitude = new double[y0.Length];
        Reference.Project(x, m, ldx, w, n, k, bias, y0, ldy, accumulate, expected, magnitude);
        return (expected, magnitude);
    }

    /// <summary>The fp32 error bound, <see cref="Reference.Tolerance"/> (the derivation is there).</summary>
    public static double Tolerance(int k, double magnitude) => Reference.Tolerance(k, magnitude);

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
