using FoldBench.Results;

namespace FoldBench.Reporting.Comparison;

/// <summary>One results folder in a device comparison, with the label its series carry.</summary>
internal sealed record DeviceRun(string Dir, RunSummary Summary, string Label, int Index)
{
    /// <summary>Reads every folder (the first bad one is a <see cref="ResultsFormatException"/>) and gives each a unique label.</summary>
    public static IReadOnlyList<DeviceRun> ReadAll(IReadOnlyList<string> dirs)
    {
        var summaries = dirs.Select(d => (Dir: d, Summary: SummaryStore.Read(d))).ToList();
        var labels = summaries.Select(x => BaseLabel(x.Dir, x.Summary)).ToList();
        // Two runs from one machine: tell them apart by start time, then by position.
        for (int i = 0; i < labels.Count; i++)
            if (labels.Count(l => l == labels[i]) > 1)
                labels[i] += $" {summaries[i].Summary.StartedUtc.UtcDateTime:yyyy-MM-dd HH:mm}";
        for (int i = 0; i < labels.Count; i++)
            if (labels.Count(l => l == labels[i]) > 1)
                labels[i] += $" #{i + 1}";
        return summaries.Select((x, i) => new DeviceRun(x.Dir, x.Summary, labels[i], i)).ToList();
    }

    private static string BaseLabel(string dir, RunSummary s)
    {
        string name = s.Machine.Name.Length > 0 ? s.Machine.Name : Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar));
        return s.Machine.Architecture.Length > 0 ? $"{name} ({s.Machine.Architecture})" : name;
    }
}
