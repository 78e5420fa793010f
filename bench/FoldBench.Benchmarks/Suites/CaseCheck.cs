namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// The outcome of the correctness check a suite's setup makes against the scalar reference. The
/// suites run in-process, one case at a time, so the runner reads it right after each case.
/// </summary>
public static class CaseCheck
{
    public static bool? Last { get; private set; }

    public static void Reset() => Last = null;

    public static void Record(bool ok) => Last = ok;

    /// <summary>
    /// fp32 sums of K products of values in [-1, 1]: reordering the sum moves the result by at most
    /// about K·eps·max|partial sum|; 1e-5·(K+1) leaves room for FMA vs separate rounding.
    /// </summary>
    public static bool Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int k)
    {
        if (expected.Length != actual.Length) return false;
        double tol = 1e-5 * (k + 1);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1.0, Math.Abs(expected[i])))) return false;
        return true;
    }

    internal static float[] RandomData(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
