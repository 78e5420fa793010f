namespace FoldBench.Benchmarks.Suites;

/// <summary>Seeded inputs in [-1, 1]: what the suites run on and the correctness checks compare.</summary>
public static class Inputs
{
    public static float[] Uniform(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
