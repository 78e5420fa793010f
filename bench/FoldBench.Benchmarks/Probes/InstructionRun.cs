using System.Globalization;
using FoldBench.Benchmarks.Diagnostics;
using FoldBench.Kernels;
using FoldBench.Platform;
using FoldBench.Regression.Instructions;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Probes;

/// <summary>What `foldbench run --instructions` counts, and how the probe process is started.</summary>
public sealed record InstructionRunRequest
{
    public required IReadOnlyList<KernelCaseSpec> Cases { get; init; }
    public int R1 { get; init; } = InstructionRun.DefaultR1;
    public int R2 { get; init; } = InstructionRun.DefaultR2;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(600);
    /// <summary>Results folder; null: results/&lt;machine&gt;/&lt;UTC timestamp&gt;-instructions.</summary>
    public string? OutDir { get; init; }
    public string? MachineName { get; init; }
    /// <summary>"foldbench 1.2.3": the tool named in the summary.</summary>
    public required string Tool { get; init; }
    /// <summary>The program that runs the probe (the dotnet host), and its arguments before the probe's own (the tool's dll).</summary>
    public required string Host { get; init; }
    public IReadOnlyList<string> HostArguments { get; init; } = [];
    /// <summary>Variables for the probe process on top of the inherited ones (null removes one).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
}

/// <summary>One instruction-counting run as written to its results folder.</summary>
public sealed record InstructionRunResult(
    RunSummary Summary, string OutDir, IReadOnlyList<KernelCaseSpec> Cases, IReadOnlyList<CaseInstructions> Counts,
    IReadOnlyList<ProbeReport> Checks, TimeSpan Elapsed, IReadOnlyList<string> Warnings)
{
    public bool AllCorrect => Checks.All(c => c.Correct);
}

/// <summary>
/// The deterministic mode: counts the instructions each kernel case executes, under valgrind's
/// callgrind, by running the kernel-probe verb (<see cref="KernelWorkload.RunMarkedPhases"/>) in a child
/// process, and writes summary.json plus the raw phases (instructions.json). Deterministic, so a CI gate
/// can use a 1% threshold on a noisy shared machine. See src/FoldBench.Regression/README.md.
/// </summary>
public static class InstructionRun
{
    public const int DefaultR1 = 1, DefaultR2 = 3;

    /// <summary>results/&lt;machine&gt;/&lt;UTC timestamp&gt;-instructions.</summary>
    public static string DefaultOutDir(string machineName, DateTimeOffset started) =>
        Path.Combine("results", machineName, started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-instructions");

    public static InstructionRunResult Run(InstructionRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cases = request.Cases;
        int r1 = request.R1, r2 = request.R2;
        var schedule = new ProbeSchedule(cases.Count, r1, r2);
        schedule.Validate();
        var machine = MachineInfo.Describe(request.MachineName);
        var started = DateTimeOffset.UtcNow;
        string outDir = request.OutDir ?? DefaultOutDir(machine.Name, started);
        var probeArguments = KernelCases.ProbeArguments(cases, r1, r2);

        var outcome = Callgrind.Run(new CallgrindRequest
        {
            FileName = request.Host,
            Arguments = [.. request.HostArguments, "kernel-probe", .. probeArguments],
            Environment = request.Environment,
            Timeout = request.Timeout,
        });
        var counts = schedule.Evaluate(outcome.Intervals);
        var checks = ProbeReport.ParseAll(outcome.Stdout, cases);

        var summary = new RunSummary
        {
            Tool = request.Tool,
            StartedUtc = started,
            FinishedUtc = DateTimeOffset.UtcNow,
            Complete = true,
            Job = "instructions",
            CommandLine = "foldbench run --instructions " + string.Join(' ', probeArguments) + $" --out {outDir}",
            Machine = machine,
        };
        var warnings = new List<string>();
        summary.Caveats.Add($"instruction counts from {outcome.ValgrindVersion} callgrind with tiered compilation off: deterministic, but blind to cache misses, memory bandwidth, branch mispredictions and clock speed (see src/FoldBench.Regression/README.md)");
        summary.Caveats.Add("medianNs is 0 in this run: nothing was timed");
        if (typeof(Linear).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
                .OfType<System.Diagnostics.DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled))
        {
            const string debug = "FoldBench.Kernels is a Debug build (JIT optimization off): these counts do not describe Release code; build with -c Release";
            summary.Caveats.Add(debug);
            warnings.Add(debug);
        }
        summary.Caveats.Add("valgrind emulates a CPU without AVX-512: Vector512 code paths are not what runs natively on AVX-512 machines");
        string variable = SlowdownSwitch.Variable;
        string? slowdown = request.Environment.TryGetValue(variable, out var overridden) ? overridden : System.Environment.GetEnvironmentVariable(variable);
        if (slowdown is { Length: > 0 } && slowdown.Trim() != "0")
            summary.Caveats.Add($"{variable}={slowdown}: each kernel operation did that much extra work on purpose");

        var raw = new List<InstructionsCase>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var n = counts[i];
            var check = checks[i];
            if (!n.Repeatable) summary.Caveats.Add($"{c.ShortName}: the repeated phase counted {n.PhaseR1} then {n.PhaseR1Again} instructions (not reproducible)");
            var result = c.NewResult();
            result.MedianNs = 0;
            result.Instructions = Math.Round(n.PerOp, 1);
            result.CorrectnessOk = check.Correct;
            summary.Cases.Add(result);
            raw.Add(new InstructionsCase
            {
                FullName = c.FullName,
                InstructionsPerOp = n.PerOp,
                InstructionsPerMac = n.PerOp / c.Macs,
                PhaseR1 = n.PhaseR1,
                PhaseR2 = n.PhaseR2,
                PhaseR1Again = n.PhaseR1Again,
                Repeatable = n.Repeatable,
                Correct = check.Correct,
                MaxAbsError = check.MaxAbsError,
            });
        }

        Directory.CreateDirectory(outDir);
        SummaryStore.Write(Path.Combine(outDir, SummaryStore.FileName), summary);
        var provenance = new InstructionsDocument
        {
            Tool = outcome.ValgrindVersion,
            CommandLine = outcome.CommandLine,
            Environment = outcome.Environment,
            Marker = InstructionMarker.FunctionName,
            Reps = [r1, r2],
            ElapsedSeconds = Math.Round(outcome.Elapsed.TotalSeconds, 1),
            PhaseInstructions = outcome.Intervals,
            Cases = raw,
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, InstructionsDocument.FileName), provenance.ToJson());
        return new InstructionRunResult(summary, outDir, cases, counts, checks, outcome.Elapsed, warnings);
    }
}
