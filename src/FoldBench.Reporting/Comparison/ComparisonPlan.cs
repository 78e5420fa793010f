using FoldBench.Reporting.Charts;
using FoldBench.Reporting.Data;
using FoldBench.Results;

namespace FoldBench.Reporting.Comparison;

/// <summary>One line of a device comparison: a device's sweep group (and its path, when a device ran several).</summary>
internal sealed record DeviceSweep(DeviceRun Device, SweepGroup Group, string Label);

/// <summary>The same sweep (suite and preset) across devices.</summary>
internal sealed record ComparedSweep(string Suite, string? Preset, string FileSuffix, IReadOnlyList<DeviceSweep> Lines)
{
    public string Label => $"{Suites.Title(Suite)}{(Preset is null ? "" : $" (preset {Preset})")}";
    public IReadOnlyList<int> Folds => Lines.SelectMany(l => l.Group.Folds).Distinct().Order().ToList();
    public IReadOnlyList<int> Chunks => Lines.SelectMany(l => l.Group.Chunks).Distinct().Order().ToList();
}

/// <summary>The devices-side-by-side charts: the single-run charts with one series per device.</summary>
internal static class ComparisonPlan
{
    public static IReadOnlyList<ComparedSweep> Sweeps(IReadOnlyList<DeviceRun> runs)
    {
        var perDevice = runs.Select(r => (Run: r, Groups: RunSelection.FoldSweeps(r.Summary))).ToList();
        var result = new List<ComparedSweep>();
        foreach (var suite in Suites.FoldSweeps)
        {
            var presets = perDevice.SelectMany(d => d.Groups.Where(g => g.Suite == suite).Select(g => g.Preset)).Distinct()
                .OrderBy(p => p ?? "", StringComparer.Ordinal).ToList();
            foreach (var preset in presets)
            {
                var lines = new List<DeviceSweep>();
                foreach (var (run, groups) in perDevice)
                {
                    var mine = groups.Where(g => g.Suite == suite && g.Preset == preset).ToList();
                    foreach (var g in mine)
                        lines.Add(new DeviceSweep(run, g, mine.Count > 1
                            ? string.Join(", ", new[] { run.Label, g.Path, g.Variant.IsNone ? "" : g.Variant.Text }.Where(x => x.Length > 0))
                            : run.Label));
                }
                string suffix = presets.Count > 1 ? $"{suite}-{RunSelection.FileSafe(preset ?? "default")}" : suite;
                result.Add(new ComparedSweep(suite, preset, suffix, lines));
            }
        }
        return result;
    }

    public static IReadOnlyList<IChart> For(IReadOnlyList<DeviceRun> runs)
    {
        var charts = new List<IChart>();
        foreach (var sweep in Sweeps(runs))
        {
            charts.Add(DeviceSweepChart.Throughput(sweep, runs));
            charts.Add(DeviceSweepChart.Memory(sweep, runs));
            charts.Add(DeviceSweepChart.Energy(sweep, runs));
        }
        if (runs.Any(r => RunSelection.Kernels(r.Summary).Count > 0))
            charts.Add(new DeviceRooflineChart(runs));
        return charts;
    }
}
