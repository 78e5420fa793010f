using FoldBench.Results;

namespace FoldBench.Regression.Timing;

/// <summary>
/// Folds several timed-probe processes of one side into one result: each case keeps its least disturbed
/// measurement (lowest median) across processes. Why across processes: a short, cache-bound case moves
/// by up to 25% between processes on a shared VM (where its buffers land in memory, what the neighbours
/// do), more than between rounds inside one process, so one process per side cannot tell a 15% change
/// from luck; the best of three interleaved processes per side can.
/// </summary>
public static class TimedRunMerge
{
    /// <summary>
    /// Merges <paramref name="fresh"/> into <paramref name="earlier"/> (both from `kernel-probe --timed`
    /// with the same cases). Throws <see cref="ArgumentException"/> with a one-line reason when the two
    /// are not runs of the same cases on the same machine.
    /// </summary>
    public static RunSummary KeepBest(RunSummary earlier, RunSummary fresh)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(fresh);
        if (earlier.Job != fresh.Job)
            throw new ArgumentException($"cannot merge a '{fresh.Job}' run into a '{earlier.Job}' run");
        var names = earlier.Cases.Select(c => c.FullName).Order(StringComparer.Ordinal);
        if (!names.SequenceEqual(fresh.Cases.Select(c => c.FullName).Order(StringComparer.Ordinal), StringComparer.Ordinal))
            throw new ArgumentException("cannot merge timed runs of different cases: give both the same --paths/--m/--kn or --cases");
        if (earlier.Machine.CpuModel != fresh.Machine.CpuModel || earlier.Machine.CpuId != fresh.Machine.CpuId)
            throw new ArgumentException("cannot merge timed runs from different machines");

        int processes = Processes(earlier) + 1;
        var merged = new RunSummary
        {
            Tool = fresh.Tool,
            StartedUtc = earlier.StartedUtc,
            FinishedUtc = fresh.FinishedUtc,
            Complete = earlier.Complete && fresh.Complete,
            Job = fresh.Job,
            CommandLine = fresh.CommandLine,
            Machine = fresh.Machine,
            Calibration = fresh.Calibration,
            Energy = fresh.Energy,
            Caveats = fresh.Caveats.Where(c => !c.StartsWith(ProcessesCaveat, StringComparison.Ordinal)).ToList(),
        };
        merged.Caveats.Add($"{ProcessesCaveat}{processes} processes, each case keeping its lowest-median measurement");
        var byName = earlier.Cases.ToDictionary(c => c.FullName, StringComparer.Ordinal);
        foreach (var f in fresh.Cases)
        {
            var e = byName[f.FullName];
            // Any wrong result in any process stays visible.
            bool? correct = e.CorrectnessOk == false || f.CorrectnessOk == false ? false : f.CorrectnessOk ?? e.CorrectnessOk;
            var keep = f.MedianNs > 0 && (e.MedianNs <= 0 || f.MedianNs < e.MedianNs) ? f : e;
            keep.CorrectnessOk = correct;
            merged.Cases.Add(keep);
        }
        return merged;
    }

    private const string ProcessesCaveat = "merged over ";

    /// <summary>How many processes a run already merges (1 for a single run).</summary>
    public static int Processes(RunSummary run)
    {
        var caveat = run.Caveats.FirstOrDefault(c => c.StartsWith(ProcessesCaveat, StringComparison.Ordinal));
        if (caveat is null) return 1;
        var digits = new string(caveat[ProcessesCaveat.Length..].TakeWhile(char.IsDigit).ToArray());
        return int.TryParse(digits, out int n) && n > 0 ? n : 1;
    }
}
