namespace FoldBench.Benchmarks.Correctness;

/// <summary>When a fast path's output counts as equal to a reference's.</summary>
public static class Agreement
{
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

    /// <summary>Two step functions fed the same seeded chunks must agree at every step.</summary>
    public static bool Steps(Action<float[], float[]> fast, Action<float[], float[]> reference, int inputLength, int outputLength, int steps, int k)
    {
        var rng = new Random(7);
        var a = new float[outputLength];
        var b = new float[outputLength];
        bool ok = true;
        for (int s = 0; s < steps; s++)
        {
            var input = Suites.Inputs.Uniform(rng, inputLength);
            fast(input, a);
            reference(input, b);
            ok &= Close(b, a, k);
        }
        return ok;
    }
}
