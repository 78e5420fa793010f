using FoldBench.Benchmarks.Diagnostics;
using FoldBench.Kernels;
using FoldBench.Regression.Instructions;

namespace FoldBench.Benchmarks.Probes;

/// <summary>
/// One kernel case with its buffers: deterministic inputs, packed weights, a checked output, and
/// the regression gate's deliberate extra work when <see cref="SlowdownSwitch"/> asks for it.
/// </summary>
public sealed class KernelWorkload
{
    private readonly KernelCaseSpec _spec;
    private readonly float[] _x, _w, _bias, _y;
    private readonly PackedWeights _packed;
    private readonly SlowdownWork? _slowdown;

    public KernelWorkload(KernelCaseSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        // Fixed seed: every run sees the same values (instruction counts of these kernels do not depend
        // on the values, but a reproducible correctness check does).
        var rng = new Random(20240307 ^ spec.M ^ (spec.K << 8) ^ (spec.N << 16));
        _x = Fill(rng, spec.M * spec.K);
        _w = Fill(rng, spec.N * spec.K);
        _bias = Fill(rng, spec.N);
        _y = new float[spec.M * spec.N];
        var path = KernelPaths.Parse(spec.Path);
        _packed = PackedWeights.Pack(_w, spec.N, spec.K, _bias, path);
        _slowdown = SlowdownSwitch.For(_x, spec.M, _w, spec.N, spec.K, path);
    }

    /// <summary>One operation: the measured call (plus the test-only extra work, if any).</summary>
    public void Run()
    {
        Linear.Project(_x, _spec.M, _packed, _y);
        _slowdown?.Run();
    }

    /// <summary>Runs once and compares against the double-precision reference, within its fp32 error bound.</summary>
    public ProbeReport Check()
    {
        Run();
        var check = Reference.Check(_x, _spec.M, _w, _spec.N, _spec.K, _bias, _y);
        return new ProbeReport(_spec.Path, _spec.M, _spec.K, _spec.N, check.Correct, check.MaxError);
    }

    /// <summary>
    /// The probe under callgrind: checks every case (one <see cref="ProbeReport"/> line each on
    /// <paramref name="output"/>), then runs the cases in the marked phases of the schedule.
    /// </summary>
    public static void RunMarkedPhases(IReadOnlyList<KernelCaseSpec> cases, int r1, int r2, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(output);
        var schedule = new ProbeSchedule(cases.Count, r1, r2);
        schedule.Validate();
        var operations = new List<Action>(cases.Count);
        foreach (var c in cases)
        {
            var workload = new KernelWorkload(c);
            output.WriteLine(workload.Check().ToLine());
            operations.Add(workload.Run);
        }
        output.Flush();
        ProbeDriver.Run(operations, schedule);
    }

    private static float[] Fill(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
