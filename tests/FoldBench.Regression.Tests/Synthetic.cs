using FoldBench.Regression.Loading;

namespace FoldBench.Regression.Tests;

/// <summary>Seeded synthetic measurement sets: the same numbers on every run, so verdict tests are deterministic.</summary>
internal static class Synthetic
{
    /// <summary>n samples around <paramref name="center"/> with relative Gaussian noise (0.05 = 5% standard deviation).</summary>
    public static double[] Normal(int seed, int n, double center, double relativeNoise)
    {
        var rng = new Random(seed);
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = center * (1 + relativeNoise * Gaussian(rng));
        return a;
    }

    /// <summary>Two clusters: a share <paramref name="slowShare"/> of the samples sits at center·(1 + gap).</summary>
    public static double[] Bimodal(int seed, int n, double center, double gap, double slowShare, double relativeNoise)
    {
        var rng = new Random(seed);
        var a = new double[n];
        for (int i = 0; i < n; i++)
        {
            double c = i < n * slowShare ? center * (1 + gap) : center;
            a[i] = c * (1 + relativeNoise * Gaussian(rng));
        }
        rng.Shuffle(a);
        return a;
    }

    /// <summary>
    /// Timing-like noise as seen on a shared 2-core VM: log-normal jitter, a few large outliers
    /// (preemption), and a per-run speed factor that moves every case of the run together.
    /// </summary>
    public static double[] SharedMachine(Random rng, int n, double center, double runFactor)
    {
        var a = new double[n];
        for (int i = 0; i < n; i++)
        {
            double v = center * runFactor * Math.Exp(0.02 * Gaussian(rng));
            if (rng.NextDouble() < 0.05) v *= 1.3 + rng.NextDouble(); // a preempted iteration
            a[i] = v;
        }
        return a;
    }

    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static BenchmarkCase Case(string name, IReadOnlyList<double> samples, double? instructions = null, bool? correct = null) => new()
    {
        FullName = "Synthetic.Bench." + name,
        DisplayName = name,
        SamplesNs = samples,
        Instructions = instructions,
        CorrectnessOk = correct,
    };

    /// <summary>A case measured in several processes (BenchmarkDotNet's LaunchCount), one series per launch.</summary>
    public static BenchmarkCase Launched(string name, params double[][] launches) => new()
    {
        FullName = "Synthetic.Bench." + name,
        DisplayName = name,
        SamplesNs = launches.SelectMany(l => l).ToList(),
        Launches = launches,
    };

    /// <summary>Launches of n iterations each, launch i centred on center·factors[i] with relative Gaussian noise.</summary>
    public static double[][] Processes(int seed, int n, double center, double noise, params double[] factors) =>
        factors.Select((f, i) => Normal(seed * 31 + i, n, center * f, noise)).ToArray();

    public static ResultSet Set(string source, params BenchmarkCase[] cases) => new(source, "foldbench", cases);
}
