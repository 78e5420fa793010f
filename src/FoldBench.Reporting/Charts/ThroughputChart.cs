using FoldBench.Reporting.Data;
using FoldBench.Results;

namespace FoldBench.Reporting.Charts;

/// <summary>Throughput vs chunk size per fold factor: tokens/s, and the real-time factor where the suite has one.</summary>
internal sealed class ThroughputChart(SweepGroup group, bool complete) : IChart
{
    public string FileStem => $"throughput-{group.FileSuffix}";
    public string Title => $"Throughput vs chunk size — {group.Label}";
    public string Section => group.FileSuffix;

    public Figure Draw()
    {
        bool hasRtf = group.Cases.Any(c => c.RealTimeFactor is not null);
        var panels = new List<ScottPlot.Plot>
        {
            LinePanel.Create("Tokens per second (higher is better)", "Chunk size (tokens)", group.Chunks, "Tokens/s", null,
                Series(c => c.TokensPerS), "tokens/s not recorded in this run"),
        };
        if (hasRtf)
            panels.Add(LinePanel.Create("Real-time factor (lower is better)", "Chunk size (tokens)", group.Chunks, "Processing time / audio time", null,
                Series(c => c.RealTimeFactor), "real-time factor not recorded", [new ReferenceLine(1, "real time (RTF = 1)")]));
        else
            panels.Add(LinePanel.Create("Time per step (lower is better)", "Chunk size (tokens)", group.Chunks, "Median time per step",
                Results.Formatting.Units.TimeScale, Series(c => c.MedianNs > 0 ? c.MedianNs : null), "time not recorded"));
        return new Figure
        {
            Title = Title, Notices = SweepNotices.For(group, complete), Legend = LinePanel.Legend(Series(_ => null)),
            Columns = 2, PanelWidth = 640, Panels = panels,
        };
    }

    private List<LineSeries> Series(Func<CaseResult, double?> value) => group.Folds.Select(fold => new LineSeries(
        FoldLegend.Label(fold), FoldLegend.Color(group.Folds, fold), FoldLegend.Marker(group.Folds, fold),
        group.Series(fold, value).Where(x => x.Value is double v && v > 0).Select(x => new LinePoint(x.Chunk, x.Value!.Value)).ToList()))
        .ToList();
}
