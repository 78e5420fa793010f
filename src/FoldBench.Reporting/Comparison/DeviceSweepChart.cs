using FoldBench.Reporting.Charts;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Comparison;

/// <summary>What one row of a comparison figure draws from each case.</summary>
internal sealed record DeviceMetric(
    string Title, string Quantity, Func<double, Units.Scale>? ScaleFor, Func<CaseResult, double?> Value,
    Func<CaseResult, double?>? Error = null, IReadOnlyList<ReferenceLine>? References = null, string? FixedUnit = null);

/// <summary>
/// A sweep compared across devices: one column per fold factor, one row per metric, one line per device,
/// so each panel reads "the same model and fold on every device".
/// </summary>
internal sealed class DeviceSweepChart(string stem, string title, ComparedSweep sweep, IReadOnlyList<DeviceMetric> metrics,
    IReadOnlyList<string> notices, string emptyReason) : IChart
{
    public string FileStem => stem;
    public string Title => title;
    public string Section => sweep.FileSuffix;

    public static DeviceSweepChart Throughput(ComparedSweep s, IReadOnlyList<DeviceRun> runs)
    {
        var metrics = new List<DeviceMetric> { new("Tokens/s", "Tokens/s", null, c => c.TokensPerS) };
        if (s.Lines.Any(l => l.Group.Cases.Any(c => c.RealTimeFactor is not null)))
            metrics.Add(new("Real-time factor", "Processing time / audio time", null, c => c.RealTimeFactor,
                References: [new ReferenceLine(1, "real time (RTF = 1)")]));
        return new($"compare-throughput-{s.FileSuffix}", $"Throughput vs chunk size by device — {s.Label}", s, metrics,
            Missing(s, runs, "no cases of this suite"), "not recorded");
    }

    public static DeviceSweepChart Memory(ComparedSweep s, IReadOnlyList<DeviceRun> runs) =>
        new($"compare-memory-{s.FileSuffix}", $"Peak memory vs chunk size by device — {s.Label}", s,
            [new("Peak working set", "Peak working set", Units.ByteScale, c => c.PeakWorkingSetBytes)],
            Missing(s, runs, "no cases of this suite"), "not recorded");

    public static DeviceSweepChart Energy(ComparedSweep s, IReadOnlyList<DeviceRun> runs)
    {
        var notices = Missing(s, runs, "no cases of this suite").ToList();
        foreach (var line in s.Lines.Where(l => !l.Group.Cases.Any(EnergyNotices.HasEnergy)))
            notices.Add($"No energy on {line.Label}: {EnergyNotices.UnavailableReason(line.Group.Cases, line.Device.Summary.Energy).TrimEnd('.')} — not plotted.");
        foreach (var line in s.Lines)
        {
            if (EnergyNotices.NotMeasured(line.Group.Cases, line.Device.Summary.Energy) is { } provenance)
                notices.Add($"{line.Label}: {provenance}");
            else if (line.Group.Cases.Any(c => c.Energy is { Attributable: true, Estimated: true }))
                notices.Add($"Energy on {line.Label} is estimated by a power model, not metered.");
        }
        static double? Net(CaseResult c) => c.Energy is { Attributable: true } e ? e.NetJoulesPerToken : null;
        static double? Err(CaseResult c) => c.Energy is { Attributable: true } e ? e.UncertaintyJoulesPerToken : null;
        static double? Watts(CaseResult c) => c.Energy is { Attributable: true } e ? e.AverageWatts : null;
        return new($"compare-energy-{s.FileSuffix}", $"Power and energy vs chunk size by device — {s.Label}", s,
            [
                new("Average power", "Average power", null, Watts, FixedUnit: "W"),
                new("Net energy per token", "Net energy per token", Units.EnergyScale, Net, Err),
            ],
            notices, "no energy measured");
    }

    /// <summary>Devices without this sweep, and interrupted runs whose lines may stop early.</summary>
    private static IReadOnlyList<string> Missing(ComparedSweep s, IReadOnlyList<DeviceRun> runs, string what) =>
        runs.Where(r => s.Lines.All(l => l.Device != r)).Select(r => $"{r.Label}: {what}.")
            .Concat(runs.Where(r => !r.Summary.Complete && s.Lines.Any(l => l.Device == r))
                .Select(r => $"{r.Label}: incomplete run (interrupted), some points may be missing."))
            .ToList();

    public Figure Draw()
    {
        var folds = sweep.Folds;
        var panels = new List<ScottPlot.Plot>();
        foreach (var m in metrics)
        {
            var row = folds.Select(fold => sweep.Lines.Select(l => new LineSeries(
                l.Label, ChartStyle.ColorAt(l.Device.Index), ChartStyle.MarkerAt(l.Device.Index),
                l.Group.Chunks
                    .Select(ch => l.Group.At(ch, fold))
                    // Finite, not positive: a net energy can honestly be below zero within its bound.
                    .Where(c => c is not null && m.Value(c) is double v && double.IsFinite(v))
                    .Select(c => new LinePoint(c!.ChunkTokens!.Value, m.Value(c)!.Value, m.Error?.Invoke(c)))
                    .ToList())).ToList()).ToList();
            var rowPoints = row.SelectMany(s => s).SelectMany(s => s.Points).ToList();
            for (int i = 0; i < folds.Count; i++)
                panels.Add(LinePanel.Create($"{m.Title} — {FoldLegend.Label(folds[i])}", "Chunk size (tokens)", sweep.Chunks, m.Quantity,
                    m.ScaleFor, row[i], emptyReason, m.References, m.FixedUnit, scaleWith: rowPoints));
        }
        var legend = sweep.Lines.Select(l => new LegendEntry(l.Label, ChartStyle.ColorAt(l.Device.Index), LegendKind.LineAndMarker, ChartStyle.MarkerAt(l.Device.Index))).ToList();
        return new Figure
        {
            Title = title, Notices = notices, Legend = legend,
            Columns = Math.Max(1, folds.Count), PanelWidth = 520, PanelHeight = 440, Panels = panels,
        };
    }
}
