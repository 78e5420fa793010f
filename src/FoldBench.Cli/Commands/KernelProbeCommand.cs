using FoldBench.Benchmarks.Probes;
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
        KernelWorkload.RunMarkedPhases(cases, r1, r2, stdout);
        return Cli.ExitOk;
    }

    private static int RunTimed(CliArgs a, IReadOnlyList<KernelCaseSpec> cases, TextWriter stdout)
    {
        string outDir = a.Get("--out") ?? throw new UsageException("--timed needs --out DIR");
        if (a.Has("--reps")) throw new UsageException("option --reps is for instruction counting, not --timed");
        var summary = TimedProbeRun.Run(cases, new TimedProbeRunOptions
        {
            OutDir = outDir,
            Tool = $"foldbench {Cli.Version}",
            Probe = new TimedProbeOptions
            {
                Iterations = a.GetInt("--iterations", 15, 3, 10_000),
                IterationTime = TimeSpan.FromMilliseconds(a.GetInt("--iteration-ms", 20, 1, 60_000)),
            },
            Rounds = a.GetInt("--rounds", 3, 1, 100),
        });
        foreach (var c in summary.Cases)
            stdout.WriteLine(c.Suite == "reference"
                ? $"{c.Name,-28} {c.MedianNs / 1000,10:0.00} µs"
                : $"{c.Name,-28} {c.MedianNs / 1000,10:0.00} µs  {c.Gflops,7:0.0} GFLOP/s  {(c.CorrectnessOk == true ? "ok" : "WRONG")}");
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
        RunSummary merged;
        try { merged = TimedProbeRun.Merge(runs, outDir); }
        catch (ArgumentException e) { throw new UsageException($"option --merge-runs: {e.Message}"); }
        stdout.WriteLine($"merged {runs.Length} timed run{(runs.Length == 1 ? "" : "s")} into {outDir}");
        return merged.Cases.Any(c => c.CorrectnessOk == false) ? Cli.ExitFailure : Cli.ExitOk;
    }

    /// <summary>Parses "path:MxKxN,…".</summary>
    public static IReadOnlyList<KernelCaseSpec> ParseCaseList(string text)
    {
        try { return KernelCases.ParseList(text); }
        catch (ArgumentException e) { throw new UsageException($"option --cases: {Cli.OneLine(e)}"); }
    }
}
