using System.Diagnostics;
using System.Runtime.CompilerServices;
using FoldBench.Platform;

namespace FoldBench.Regression.Timing;

/// <summary>How a timed probe run is shaped.</summary>
public sealed record TimedProbeOptions
{
    /// <summary>Measured iterations per case (each one sample).</summary>
    public int Iterations { get; init; } = 15;
    /// <summary>Target length of one iteration; operations per iteration are chosen to fill it.</summary>
    public TimeSpan IterationTime { get; init; } = TimeSpan.FromMilliseconds(20);
    /// <summary>Unmeasured iterations before the measured ones.</summary>
    public int WarmupIterations { get; init; } = 3;
}

/// <summary>Per-operation samples of one case and of the reference measured alongside it.</summary>
public sealed record TimedSamples(double[] CaseNs, double[] ReferenceNs, long OperationsPerIteration);

/// <summary>
/// A small timing engine for the CI gate: thread CPU time per iteration, and a fixed reference
/// workload measured in alternation with every case's iterations, so that a reference sample and a
/// case sample always share the machine's state of that moment (clock speed, co-tenants) and
/// `compare --normalize-to` can divide it out.
/// </summary>
public static class TimedProbe
{
    /// <summary>Full name of the reference workload in results files.</summary>
    public const string ReferenceFullName = "FoldBench.Regression.Timing.TimedProbe.Reference(dot: 2x1MiB, repeats: 16)";
    public const string ReferenceName = "reference dot-1MiB";

    public static TimedSamples Measure(Action operation, TimedProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (options.Iterations < 1) throw new ArgumentException("a timed probe needs at least one iteration");
        long ops = OperationsPerIteration(operation, options.IterationTime);
        for (int i = 0; i < options.WarmupIterations; i++)
        {
            Reference();
            Repeat(operation, ops);
        }
        var caseNs = new double[options.Iterations];
        var refNs = new double[options.Iterations];
        for (int i = 0; i < options.Iterations; i++)
        {
            long r0 = ThreadCpuClock.NowNs();
            Reference();
            long r1 = ThreadCpuClock.NowNs();
            Repeat(operation, ops);
            long c1 = ThreadCpuClock.NowNs();
            refNs[i] = r1 - r0;
            caseNs[i] = (double)(c1 - r1) / ops;
        }
        return new TimedSamples(caseNs, refNs, ops);
    }

    private static long OperationsPerIteration(Action operation, TimeSpan target)
    {
        // Double the count until one batch takes a tenth of the target, then scale up.
        long ops = 1;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            Repeat(operation, ops);
            double s = sw.Elapsed.TotalSeconds;
            if (s >= target.TotalSeconds / 10 || ops >= 1L << 40)
                return Math.Max(1, (long)Math.Round(ops * target.TotalSeconds / Math.Max(s, 1e-9)));
            ops *= 2;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Repeat(Action op, long count)
    {
        for (long i = 0; i < count; i++) op();
    }

    private static float s_sink;
    private const int ReferenceFloats = 256 * 1024;
    private const int ReferenceCallsPerSample = 16;
    private static readonly float[] s_refA = Enumerable.Repeat(1.0001f, ReferenceFloats).ToArray();
    private static readonly float[] s_refB = Enumerable.Repeat(0.9999f, ReferenceFloats).ToArray();

    /// <summary>
    /// The reference: a vectorized dot product of two 1 MiB arrays (cache-resident, like the kernels'
    /// weights), repeated 16 times. Measured on the development VM, the kernels' speed drifts ±20%
    /// between runs with the memory system (shared caches, neighbours on the host); this reference
    /// drifts with them (kernel/reference ratio CV about 5%), where a register-only loop did not (11%).
    /// It shares no code with the kernels, so a change to them cannot move it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Reference()
    {
        for (int r = 0; r < ReferenceCallsPerSample; r++)
        {
            var a = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(s_refA);
            var b = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(s_refB);
            var acc = System.Numerics.Vector<float>.Zero;
            for (int i = 0; i < a.Length; i++) acc += a[i] * b[i];
            s_sink += System.Numerics.Vector.Sum(acc);
        }
    }
}
