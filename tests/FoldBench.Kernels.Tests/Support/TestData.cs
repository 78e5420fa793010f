namespace FoldBench.Kernels.Tests.Support;

/// <summary>Deterministic test inputs.</summary>
internal static class TestData
{
    public static Random Rng(params int[] shape)
    {
        int seed = 17;
        foreach (int s in shape) seed = unchecked(seed * 31 + s);
        return new Random(seed);
    }

    /// <summary>Uniform values in [−1, 1).</summary>
    public static float[] Uniform(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    /// <summary>
    /// Values from {±1/4, ±1/2, ±3/4, ±1}: every product is a multiple of 1/16 of magnitude ≤ 1, so
    /// any sum of up to 2²⁰ of them (plus such biases) is exact in fp32 in any order. Zero is left
    /// out on purpose: a lost term always changes the result.
    /// </summary>
    public static float[] Exact(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++)
        {
            int v = rng.Next(1, 5);
            a[i] = (rng.Next(2) == 0 ? -v : v) / 4f;
        }
        return a;
    }

    /// <summary>Filled with NaN: padding that a kernel must neither read (it would poison sums) nor write.</summary>
    public static float[] NaNs(int count)
    {
        var a = new float[count];
        Array.Fill(a, float.NaN);
        return a;
    }
}
