using System.Globalization;
using FoldBench.Benchmarks.Diagnostics;
using FoldBench.Kernels;
using FoldBench.Regression.Instructions;
using FoldBench.Regression.Statistics;
using FoldBench.Regression.Timing;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

/// <summary>
/// `foldbench kernel-probe` (internal): the workload `run --instructions` runs under callgrind. Packs
/// each case's weights, checks the kernel against a double-precision reference, then calls
/// Linear.Project in the phases of the probe protocol with a marker call between phases. With
/// --timed it is instead the CI gate's timed run: thread CPU time against an interleaved reference.
/// </summary>
public sealed class KernelProbeCommand : ICommand
{
    public string Name => "kernel-probe";
    public string Summary => "(internal) kernel workload of run --instructions and of the CI gate's timed run";

    public string Usage => """
        usage: foldbench kernel-probe [options]
          Runs kernel cases in marked phases for `foldbench run --instructions` (which runs it under
          valgrind's callgrind). On its own it only checks each case and prints one line per case.
          --cases LIST          path:MxKxN,… e.g. avx2:16x512x512,scalar:1x512x512
          --paths LIST          or: kernel paths (default: best) …
          --m LIST              … rows M (default: 1,16) …
          --kn LIST             … K = N (default: 512), or --k LIST and --n LIST
          --reps R1,R2          operations per phase (default: 1,3)
          --timed               instead: time the cases by thread CPU time, alternating with a fixed
                                reference workload, and write a results folder (the CI gate's timed run;
                                set DOTNET_TieredCompilation=0 so no tier-0 code is timed)
          --out DIR             results folder for --timed (required with it)
          --iterations N        measured iterations per case for --timed (default: 15)
          --iteration-ms T      length of one iteration for --timed (default: 20)
          --rounds R            --timed measures every case R times, round-robin, and keeps each case's
                                least disturbed round (lowest median; default: 3)
          --merge-runs LIST     instead of measuring: merge the --timed results folders in LIST (comma-
                                separated; processes of one side, possibly from another build) into
                                --out DIR, each case keeping its lowest-median measurement

        """;

    private static readonly string[] Valued = ["--cases", "--paths", "--m", "--k", "--n", "--kn", "--reps", "--out", "--iterations", "--iteration-ms", "--rounds", "--merge-runs"];

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CliArgs.Parse(args, ["--timed"], Valued);
        a.ExpectPositionals(0, 0, "");
        if (a.Has("--merge-runs")) return MergeRuns(a, stdout);
        IReadOnlyList<KernelCaseSpec> cases;
        if (a.Has("--cases"))
        {
            if (new[] { "--paths", "--m", "--k", "--n", "--kn" }.Any(a.Has))
                throw new UsageException("give either --cases or --paths/--m/--kn, not both");
            cases = ParseCaseList(a.Get("--cases")!);
        }
        else cases = InstructionMode.ParseCases(a);
        if (a.Has("--timed")) return RunTimed(a, cases, stdout);
        foreach (var o in new[] { "--out", "--iterations", "--iteration-ms", "--rounds" })
            if (a.Has(o)) throw new UsageException($"option {o} needs --timed");
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

    private static int RunTimed(CliArgs a, IReadOnlyList<KernelCaseSpec> cases, TextWriter stdout)
    {
        string outDir = a.Get("--out") ?? throw new UsageException("--timed needs --out DIR");
        if (a.Has("--reps")) throw new UsageException("option --reps is for instruction counting, not --timed");
        var options = new TimedProbeOptions
        {
            Iterations = a.GetInt("--iterations", 15, 3, 10_000),
            IterationTime = TimeSpan.FromMilliseconds(a.GetInt("--iteration-ms", 20, 1, 60_000)),
        };
        bool tiered = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0";
        var summary = new RunSummary
        {
            Tool = $"foldbench {Cli.Version}",
            StartedUtc = DateTimeOffset.UtcNow,
            Job = "timed-probe",
            CommandLine = "foldbench kernel-probe --timed --cases " + string.Join(',', cases.Select(c => $"{c.Path}:{c.M}x{c.K}x{c.N}")) + $" --out {outDir}",
            Machine = MachineProbe.Describe(),
        };
        summary.Caveats.Add($"times are {ThreadCpuClock.Description} per operation ({options.Iterations} iterations of about {options.IterationTime.TotalMilliseconds:0} ms), each iteration preceded by the reference workload; " +
                            "thread CPU time ignores time slices taken by other processes but not cache or memory contention");
        if (tiered) summary.Caveats.Add("tiered compilation was on (DOTNET_TieredCompilation is not 0): early iterations may have timed tier-0 code");

        int rounds = a.GetInt("--rounds", 3, 1, 100);
        summary.Caveats.Add($"best of {rounds} round-robin rounds per case (the round with the lowest median): interference only ever slows a round down");
        var workloads = cases.Select(c => new KernelWorkload(c)).ToList();
        var checks = workloads.Select(w => w.Check()).ToList();
        var best = new TimedSamples?[cases.Count];
        // Round-robin, so that each case's rounds are spread over the whole run rather than bunched
        // inside one disturbed stretch.
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < cases.Count; i++)
            {
                var t = TimedProbe.Measure(workloads[i].Run, options);
                if (best[i] is null || SampleStats.Median(t.CaseNs) < SampleStats.Median(best[i]!.CaseNs)) best[i] = t;
            }

        var reference = new List<double>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var t = best[i]!;
            reference.AddRange(t.ReferenceNs);
            double median = SampleStats.Median(t.CaseNs);
            summary.Cases.Add(new CaseResult
            {
                Suite = "kernels",
                Name = c.ShortName,
                FullName = c.FullName,
                Path = c.Path,
                M = c.M,
                K = c.K,
                N = c.N,
                Regime = "cache",
                MedianNs = median,
                MeanNs = SampleStats.Mean(t.CaseNs),
                StdDevNs = SampleStats.StandardDeviation(t.CaseNs),
                CoefficientOfVariation = SampleStats.StandardDeviation(t.CaseNs) / SampleStats.Mean(t.CaseNs),
                SamplesNs = [.. t.CaseNs],
                Gflops = 2 * c.Macs / median,
                WeightBytes = (long)c.K * c.N * sizeof(float),
                CorrectnessOk = checks[i].Correct,
            });
            stdout.WriteLine($"{c.ShortName,-28} {median / 1000,10:0.00} µs  {2 * c.Macs / median,7:0.0} GFLOP/s  {(checks[i].Correct ? "ok" : "WRONG")}");
        }
        summary.Cases.Add(new CaseResult
        {
            Suite = "reference",
            Name = TimedProbe.ReferenceName,
            FullName = TimedProbe.ReferenceFullName,
            Path = "scalar",
            MedianNs = SampleStats.Median(reference),
            SamplesNs = reference,
        });
        summary.Complete = true;
        summary.FinishedUtc = DateTimeOffset.UtcNow;
        SummaryStore.Write(System.IO.Path.Combine(outDir, SummaryStore.FileName), summary);
        stdout.WriteLine($"{TimedProbe.ReferenceName,-28} {SampleStats.Median(reference) / 1000,10:0.00} µs");
        return summary.Cases.Any(c => c.CorrectnessOk == false) ? Cli.ExitFailure : Cli.ExitOk;
    }

    /// <summary>--merge-runs: several timed processes of one side become one results folder.</summary>
    private static int MergeRuns(CliArgs a, TextWriter stdout)
    {
        string outDir = a.Get("--out") ?? throw new UsageException("--merge-runs needs --out DIR");
        foreach (var o in new[] { "--timed", "--cases", "--paths", "--m", "--k", "--n", "--kn", "--reps", "--iterations", "--iteration-ms", "--rounds" })
            if (a.Has(o)) throw new UsageException($"option {o} does not go with --merge-runs (it measures nothing)");
        var runs = a.Get("--merge-runs")!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (runs.Length == 0) throw new UsageException("option --merge-runs is empty");
        var merged = SummaryStore.Read(runs[0]);
        foreach (var run in runs.Skip(1))
        {
            try { merged = TimedRunMerge.KeepBest(merged, SummaryStore.Read(run)); }
            catch (ArgumentException e) { throw new UsageException($"option --merge-runs: {e.Message} ('{run}')"); }
        }
        SummaryStore.Write(System.IO.Path.Combine(outDir, SummaryStore.FileName), merged);
        stdout.WriteLine($"merged {runs.Length} timed run{(runs.Length == 1 ? "" : "s")} into {outDir}");
        return merged.Cases.Any(c => c.CorrectnessOk == false) ? Cli.ExitFailure : Cli.ExitOk;
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

/// <summary>
/// One kernel case with its buffers: deterministic inputs, packed weights, a checked output, and
/// the regression gate's deliberate extra work when <see cref="SlowdownSwitch"/> asks for it.
/// </summary>
internal sealed class KernelWorkload
{
    private readonly KernelCaseSpec _spec;
    private readonly float[] _x, _w, _bias, _y;
    private readonly PackedWeights _packed;
    private readonly SlowdownWork? _slowdown;

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

    private static float[] Fill(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
