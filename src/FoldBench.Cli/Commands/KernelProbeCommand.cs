using System.Globalization;
using FoldBench.Kernels;
using FoldBench.Regression.Instructions;

namespace FoldBench.Cli.Commands;

/// <summary>
/// `foldbench kernel-probe` (internal): the workload `run --instructions` runs under callgrind. Packs
/// each case's weights, checks the kernel against a double-precision reference, then calls
/// Linear.Project in the phases of the probe protocol with a marker call between phases.
/// </summary>
public sealed class KernelProbeCommand : ICommand
{
    public string Name => "kernel-probe";
    public string Summary => "(internal) kernel workload for instruction counting; see run --instructions";

    public string Usage => """
        usage: foldbench kernel-probe [options]
          Runs kernel cases in marked phases for `foldbench run --instructions` (which runs it under
          valgrind's callgrind). On its own it only checks each case and prints one line per case.
          --cases LIST          path:MxKxN,… e.g. avx2:16x512x512,scalar:1x512x512
          --paths LIST          or: kernel paths (default: best) …
          --m LIST              … rows M (default: 1,16) …
          --kn LIST             … K = N (default: 512), or --k LIST and --n LIST
          --reps R1,R2          operations per phase (default: 1,3)

        """;

    private static readonly string[] Valued = ["--cases", "--paths", "--m", "--k", "--n", "--kn", "--reps"];

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CliArgs.Parse(args, [], Valued);
        a.ExpectPositionals(0, 0, "");
        IReadOnlyList<KernelCaseSpec> cases;
        if (a.Has("--cases"))
        {
            if (new[] { "--paths", "--m", "--k", "--n", "--kn" }.Any(a.Has))
                throw new UsageException("give either --cases or --paths/--m/--kn, not both");
            cases = ParseCaseList(a.Get("--cases")!);
        }
        else cases = InstructionMode.ParseCases(a);
        var (r1, r2) = InstructionMode.ParseReps(a);

        var operations = new List<Action>(cases.Count);
        foreach (var c in cases)
        {
            var workload = new KernelWorkload(c);
            var report = workload.Check();
            stdout.WriteLine(report.ToLine());
            operations.Add(workload.Run);
        }
        stdout.Flush();
        ProbeDriver.Run(operations, new ProbeSchedule(cases.Count, r1, r2));
        return Cli.ExitOk;
    }

    /// <summary>Parses "path:MxKxN,…".</summary>
    public static IReadOnlyList<KernelCaseSpec> ParseCaseList(string text)
    {
        var list = new List<KernelCaseSpec>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split(':');
            var dims = parts.Length == 2 ? parts[1].Split('x') : [];
            if (dims.Length != 3 || !dims.All(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
                throw new UsageException($"option --cases: '{item}' is not path:MxKxN (e.g. avx2:16x512x512)");
            var path = KernelPaths.Parse(parts[0]);
            KernelPaths.EnsureSupported(path);
            list.Add(new KernelCaseSpec(path.Name(), int.Parse(dims[0], CultureInfo.InvariantCulture),
                int.Parse(dims[1], CultureInfo.InvariantCulture), int.Parse(dims[2], CultureInfo.InvariantCulture)));
        }
        if (list.Count == 0) throw new UsageException("option --cases is empty");
        return list;
    }
}

/// <summary>One kernel case with its buffers: deterministic inputs, packed weights, and a checked output.</summary>
internal sealed class KernelWorkload
{
    private readonly KernelCaseSpec _spec;
    private readonly float[] _x, _w, _bias, _y;
    private readonly PackedWeights _packed;

    public KernelWorkload(KernelCaseSpec spec)
    {
        _spec = spec;
        // Fixed seed: every run sees the same values (instruction counts of these kernels do not depend
        // on the values, but a reproducible correctness check does).
        var rng = new Random(20240307 ^ spec.M ^ (spec.K << 8) ^ (spec.N << 16));
        _x = Fill(rng, spec.M * spec.K);
        _w = Fill(rng, spec.N * spec.K);
        _bias = Fill(rng, spec.N);
        _y = new float[spec.M * spec.N];
        _packed = PackedWeights.Pack(_w, spec.N, spec.K, _bias, KernelPaths.Parse(spec.Path));
    }

    /// <summary>One operation: the measured call.</summary>
    public void Run() => Linear.Project(_x, _spec.M, _packed, _y);

    /// <summary>Runs once and compares against a double-precision reference, with an fp32 summation error bound.</summary>
    public ProbeReport Check()
    {
        Run();
        int m = _spec.M, k = _spec.K, n = _spec.N;
        bool ok = true;
        double maxErr = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = _bias[j], magnitude = Math.Abs(_bias[j]);
                for (int p = 0; p < k; p++)
                {
                    double t = (double)_x[i * k + p] * _w[j * k + p];
                    sum += t;
                    magnitude += Math.Abs(t);
                }
                double err = Math.Abs(_y[i * n + j] - sum);
                maxErr = Math.Max(maxErr, err);
                // Any order of fp32 additions stays within about (k + 1)·ε·Σ|terms|.
                if (!(err <= (k + 2) * 1.2e-7 * magnitude)) ok = false;
            }
        return new ProbeReport(_spec.Path, m, k, n, ok, maxErr);
    }

    private static float[] Fill(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
