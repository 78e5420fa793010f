namespace FoldBench.Kernels;

/// <summary>
/// The one correctness reference for <see cref="Linear"/>: <c>Y = X·Wᵀ + b (+ Y₀)</c> from the
/// PyTorch-layout weights, summed in double, and the error bound any fp32 kernel must stay within.
/// Used by the tests' oracle and the probe's check; independent of every kernel path (the scalar
/// path is one of the paths it checks).
/// </summary>
public static class Reference
{
    /// <summary>
    /// Relative bound per term and summation step: 2·u with u = 2⁻²⁴ the fp32 unit roundoff,
    /// rounded up (2·u = 1.19209e-7).
    /// </summary>
    public const double ErrorPerStep = 1.2e-7;

    /// <summary>
    /// Reference outputs, and per output the sum of the magnitudes of every term that went into it
    /// (Σ|x·w| + |b| + |y₀|), which scales <see cref="Tolerance"/>. Row i of X starts at
    /// <c>i·ldx</c>, row i of Y (<paramref name="y0"/>, <paramref name="expected"/>,
    /// <paramref name="magnitude"/>) at <c>i·ldy</c>; <paramref name="w"/> is [N×K] row-major,
    /// <paramref name="bias"/> N values or empty. Entries of the outputs outside the M×N rows are
    /// left as they are.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, int ldx, ReadOnlySpan<float> w, int n, int k,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> y0, int ldy, bool accumulate, Span<double> expected, Span<double> magnitude)
    {
        Linear.Validate(x.Length, expected.Length, m, k, n, ldx, ldy);
        if (w.Length != (long)n * k) throw new ArgumentException($"W has {w.Length} elements but N×K = {n}×{k} = {(long)n * k}", nameof(w));
        if (!bias.IsEmpty && bias.Length != n) throw new ArgumentException($"bias has {bias.Length} elements but N = {n}", nameof(bias));
        if (magnitude.Length < expected.Length) throw new ArgumentException("magnitude is shorter than expected", nameof(magnitude));
        if (accumulate && y0.Length < expected.Length) throw new ArgumentException("y0 is shorter than expected", nameof(y0));
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
                if (!bias.IsEmpty) { sum += bias[j]; mag += Math.Abs(bias[j]); }
                if (accumulate) { sum += y0[i * ldy + j]; mag += Math.Abs(y0[i * ldy + j]); }
                expected[i * ldy + j] = sum;
                magnitude[i * ldy + j] = mag;
            }
        }
    }

    /// <summary>
    /// Allowed |y − reference| for one output of K products plus bias and old Y:
    /// <c>(K + 2)·1.2e-7·Σ|terms|</c>. Whatever order an fp32 kernel sums in (blocked, several
    /// accumulators, FMA or multiply-then-add), a sum of n rounded terms is within
    /// γₙ·Σ|terms|, γₙ = n·u / (1 − n·u) (Higham, "Accuracy and Stability of Numerical
    /// Algorithms", §3.1), with n = K + 2 roundings on any path through the sum; this allows 2·γ,
    /// which leaves room for the final rounding to fp32 (the double reference's own error is ~2⁻²⁹
    /// times smaller). The bound is deterministic, so a check cannot fail by chance, yet a lost,
    /// doubled or misplaced term of typical size (|x·w| ≈ 0.25 for values in [−1, 1]) is far above
    /// it even at K = 1000.
    /// </summary>
    public static double Tolerance(int k, double magnitude) => (k + 2) * ErrorPerStep * magnitude;

    /// <summary>
    /// Checks <paramref name="actual"/> (the kernel's Y, same layout as in <see cref="Project"/>)
    /// against the reference; returns whether every output is within <see cref="Tolerance"/>, the
    /// largest error, and the first output outside the bound.
    /// </summary>
    public static ReferenceCheck Check(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, ReadOnlySpan<double> magnitude,
        int m, int n, int ldy, int k)
    {
        double maxError = 0;
        (int Row, int Column)? first = null;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int at = i * ldy + j;
                double error = Math.Abs(actual[at] - expected[at]);
                if (!(error <= Tolerance(k, magnitude[at])))
                {
                    first ??= (i, j);
                    if (double.IsNaN(error)) error = double.PositiveInfinity;
                }
                maxError = Math.Max(maxError, error);
            }
        return new ReferenceCheck(first is null, maxError, first);
    }

    /// <summary>
    /// <see cref="Project"/> and <see cref="Check"/> in one, for a contiguous projection
    /// (X M×K, Y M×N, no accumulation).
    /// </summary>
    public static ReferenceCheck Check(ReadOnlySpan<float> x, int m, ReadOnlySpan<float> w, int n, int k, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> actual)
    {
        var expected = new double[(long)m * n];
        var magnitude = new double[(long)m * n];
        Project(x, m, k, w, n, k, bias, default, n, false, expected, magnitude);
        return Check(actual, expected, magnitude, m, n, n, k);
    }
}

/// <summary>The outcome of <see cref="Reference.Check(ReadOnlySpan{float}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, int, int, int)"/>.</summary>
/// <param name="Correct">Every output is within the fp32 error bound.</param>
/// <param name="MaxError">The largest |y − reference| (infinity for a NaN output).</param>
/// <param name="FirstWrong">Row and column of the first output outside the bound, or null.</param>
public readonly record struct ReferenceCheck(bool Correct, double MaxError, (int Row, int Column)? FirstWrong);
