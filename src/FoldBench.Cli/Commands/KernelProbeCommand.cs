using System.CommandLine;
using FoldBench.Benchmarks.Probes;
using FoldBench.Regression.Timing;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Cli.Commands;

/// <summary>
/// `foldbench kernel-probe` (internal, hidden from --help): the workload `run --instructions` runs under
/// callgrind (<see cref="KernelWorkload.RunMarkedPhases"/>); with --timed the CI gate's timed run
/// (<see cref="TimedProbeRun"/>); with --merge-runs the merge of such runs. Parsing only; the work is in
/// bench/FoldBench.Benchmarks/Probes.
/// </summary>
public static class KernelProbeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var shape = new KernelCaseOptions("or: kernel paths (default: best)");
        var cases = CliOptions.Parsed("--cases", "LIST", "path:MxKxN,… e.g. avx2:16x512x512,scalar:1x512x512",
            text => Wrap("--cases", () => KernelCases.ParseList(text)));
        var timed = CliOptions.Flag("--timed", "instead: time the cases by thread CPU time, alternating with a fixed reference " +
            "workload, and write a results folder (the CI gate's timed run; set DOTNET_TieredCompilation=0 so no tier-0 code is timed)");
        var outDir = CliOptions.Text("--out", "DIR", "results folder for --timed and --merge-runs (required with them)");
        var iterations = CliOptions.Int("--iterations", "N", "measured iterations per case for --timed (default: 15)", 3, 10_000);
        var iterationMs = CliOptions.Int("--iteration-ms", "T", "length of one iteration for --timed (default: 20)", 1, 60_000);
        var rounds = CliOptions.Int("--rounds", "R", "--timed measures every case R times, round-robin, and keeps each case's " +
            "least disturbed round (lowest median; default: 3)", 1, 100);
        var mergeRuns = CliOptions.Parsed("--merge-runs", "LIST", "instead of measuring: merge the --timed results folders in LIST " +
            "(comma-separated; processes of one side, possibly from another build) into --out DIR, each case keeping its lowest-median measurement",
            text => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } runs
                ? runs : throw new FormatException("option --merge-runs is empty"));

        var command = new Command("kernel-probe", "(internal) kernel workload of run --instructions and of the CI gate's timed run: " +
            "runs kernel cases in marked phases (under valgrind's callgrind); on its own it checks each case and prints one line per case")
        {
            Hidden = true,
        };
        foreach (var o in shape.All) command.Options.Add(o);
        foreach (var o in new Option[] { cases, timed, outDir, iterations, iterationMs, rounds, mergeRuns }) command.Options.Add(o);

        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            if (p.Given(mergeRuns))
            {
                foreach (var o in shape.All.Concat([timed, cases, iterations, iterationMs, rounds]))
                    if (p.Given(o)) throw new UsageException($"option {o.Name} does not go with --merge-runs (it measures nothing)");
                string dir = p.GetValue(outDir) ?? throw new UsageException("--merge-runs needs --out DIR");
                var runs = p.GetValue(mergeRuns)!;
                RunSummary merged;
                try { merged = TimedProbeRun.Merge(runs, dir); }
                catch (ArgumentException e) { throw new UsageException($"option --merge-runs: {Cli.OneLine(e)}"); }
                stdout.WriteLine($"merged {runs.Length} timed run{(runs.Length == 1 ? "" : "s")} into {dir}");
                return merged.Cases.Any(c => c.CorrectnessOk == false) ? Cli.ExitFailure : Cli.ExitOk;
            }
            IReadOnlyList<KernelCaseSpec> list;
            if (p.Given(cases))
            {
                if (shape.Shape.Any(p.Given)) throw new UsageException("give either --cases or --paths/--m/--kn, not both");
                list = p.GetValue(cases)!;
            }
            else list = shape.Cases(p);

            if (p.Given(timed))
            {
                string dir = p.GetValue(outDir) ?? throw new UsageException("--timed needs --out DIR");
                if (p.Given(shape.Reps)) throw new UsageException("option --reps is for instruction counting, not --timed");
                var summary = TimedProbeRun.Run(list, new TimedProbeRunOptions
                {
                    OutDir = dir,
                    Tool = $"foldbench {Cli.Version}",
                    Probe = new TimedProbeOptions
                    {
                        Iterations = p.Given(iterations) ? p.GetValue(iterations) : 15,
                        IterationTime = TimeSpan.FromMilliseconds(p.Given(iterationMs) ? p.GetValue(iterationMs) : 20),
                    },
                    Rounds = p.Given(rounds) ? p.GetValue(rounds) : 3,
                });
                foreach (var c in summary.Cases)
                    stdout.WriteLine(c.Suite == SuiteNames.Reference
                        ? $"{c.Name,-28} {Units.Time(c.MedianNs),10}"
                        : $"{c.Name,-28} {Units.Time(c.MedianNs),10}  {Units.Number(c.Gflops),7} GFLOP/s  {(c.CorrectnessOk == true ? "ok" : "WRONG")}");
                return summary.Cases.Any(c => c.CorrectnessOk == false) ? Cli.ExitFailure : Cli.ExitOk;
            }
            foreach (var o in new Option[] { outDir, iterations, iterationMs, rounds })
                if (p.Given(o)) throw new UsageException($"option {o.Name} needs --timed");
            var (r1, r2) = shape.RepsOf(p);
            KernelWorkload.RunMarkedPhases(list, r1, r2, stdout);
            return Cli.ExitOk;
        }));
        return command;
    }

    private static T Wrap<T>(string option, Func<T> parse)
    {
        try { return parse(); }
        catch (Exception e) when (e is ArgumentException or PlatformNotSupportedException)
        {
            throw new FormatException($"option {option}: {Cli.OneLine(e)}", e);
        }
    }
}
