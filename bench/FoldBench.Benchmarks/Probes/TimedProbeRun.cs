using FoldBench.Kernels;
using FoldBench.Platform;
using FoldBench.Regression.Statistics;
using FoldBench.Regression.Timing;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Probes;

/// <summary>What the CI gate's timed run measures and where it writes.</summary>
public sealed record TimedProbeRunOptions
{
    public required string OutDir { get; init; }
    /// <summary>"foldbench 1.2.3": the tool named in the summary.</summary>
    public required string Tool { get; init; }
    public TimedProbeOptions Probe { get; init; } = new();
    /// <summary>Each case is measured this many times, round-robin; the round with the lowest median is kept.</summary>
    public int Rounds { get; init; } = 3;
}

/// <summary>
/// The CI gate's timed run (`foldbench kernel-probe --timed`): kernel cases timed by thread CPU time,
/// each iteration preceded by a fixed reference workload, written as a results folder; and the merge
/// of several such runs of one side (`--merge-runs`).
/// </summary>
public static class TimedProbeRun
{
    public static RunSummary Run(IReadOnlyList<KernelCaseSpec> cases, TimedProbeRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(options);
        var probe = options.Probe;
        bool tiered = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0";
        var summary = new RunSummary
        {
            Tool = options.Tool,
            StartedUtc = DateTimeOffset.UtcNow,
            Job = "timed-probe",
            CommandLine = "foldbench kernel-probe --timed --cases " + string.Join(',', cases.Select(c => c.Token)) + $" --out {options.OutDir}",
            Machine = MachineInfo.Describe(),
        };
        summary.Caveats.Add($"times are {ThreadCpuClock.Description} per operation ({probe.Iterations} iterations of about {probe.IterationTime.TotalMilliseconds:0} ms), each iteration preceded by the reference workload; " +
                            "thread CPU time ignores time slices taken by other processes but not cache or memory contention");
        if (tiered) summary.Caveats.Add("tiered compilation was on (DOTNET_TieredCompilation is not 0): early iterations may have timed tier-0 code");

        int rounds = options.Rounds;
        summary.Caveats.Add($"best of {rounds} round-robin rounds per case (the round with the lowest median): interference only ever slows a round down");
        var workloads = cases.Select(c => new KernelWorkload(c)).ToList();
        var checks = workloads.Select(w => w.Check()).ToList();
        var best = new TimedSamples?[cases.Count];
        // Round-robin, so that each case's rounds are spread over the whole run rather than bunched
        // inside one disturbed stretch.
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < cases.Count; i++)
            {
                var t = TimedProbe.Measure(workloads[i].Run, probe);
                if (best[i] is null || SampleStats.Median(t.CaseNs) < SampleStats.Median(best[i]!.CaseNs)) best[i] = t;
            }

        var reference = new List<double>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var t = best[i]!;
            reference.AddRange(t.ReferenceNs);
            double median = SampleStats.Median(t.CaseNs);
            var result = c.NewResult();
            result.Regime = RegimeNames.Cache;
            result.MedianNs = median;
            result.MeanNs = SampleStats.Mean(t.CaseNs);
            result.StdDevNs = SampleStats.StandardDeviation(t.CaseNs);
            result.CoefficientOfVariation = SampleStats.StandardDeviation(t.CaseNs) / SampleStats.Mean(t.CaseNs);
            result.SamplesNs = [.. t.CaseNs];
            result.Gflops = 2 * c.Macs / median;
            result.CorrectnessOk = checks[i].Correct;
            summary.Cases.Add(result);
        }
        summary.Cases.Add(new CaseResult
        {
            Suite = SuiteNames.Reference,
            Name = TimedProbe.ReferenceName,
            FullName = TimedProbe.ReferenceFullName,
            Path = KernelPath.Scalar.Name(),
            MedianNs = SampleStats.Median(reference),
            SamplesNs = reference,
        });
        summary.Complete = true;
        summary.FinishedUtc = DateTimeOffset.UtcNow;
        SummaryStore.Write(Path.Combine(options.OutDir, SummaryStore.FileName), summary);
        return summary;
    }

    /// <summary>
    /// Several timed processes of one side (possibly from another build) become one results folder in
    /// <paramref name="outDir"/>, each case keeping its lowest-median measurement. A run of other cases
    /// or another machine is an ArgumentException naming that run.
    /// </summary>
    public static RunSummary Merge(IReadOnlyList<string> runs, string outDir)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("no timed runs to merge");
        var merged = SummaryStore.Read(runs[0]);
        foreach (var run in runs.Skip(1))
        {
            try { merged = TimedRunMerge.KeepBest(merged, SummaryStore.Read(run)); }
            catch (ArgumentException e) { throw new ArgumentException($"{e.Message} ('{run}')", e); }
        }
        SummaryStore.Write(Path.Combine(outDir, SummaryStore.FileName), merged);
        return merged;
    }
}
