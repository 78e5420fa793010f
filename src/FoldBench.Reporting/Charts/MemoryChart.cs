using FoldBench.Reporting.Data;
using FoldBench.Results;
using FoldBench.Results.Formatting;
using ScottPlot;

namespace FoldBench.Reporting.Charts;

/// <summary>Memory vs chunk size, fold factors side by side: weight bytes, bytes moved per token, peak working set.</summary>
internal sealed class MemoryChart(SweepGroup group, bool complete) : IChart
{
    public string FileStem => $"memory-{group.FileSuffix}";
    public string Title => $"Memory vs chunk size — {group.Label}";
    public string Section => group.FileSuffix;

    public Figure Draw() => new()
    {
        Title = Title,
        Notices = SweepNotices.For(group, complete),
        Legend = group.Folds.Select(f => new LegendEntry(FoldLegend.Label(f), FoldLegend.Color(group.Folds, f), LegendKind.Box)).ToList(),
        Columns = 3,
        PanelWidth = 540,
        PanelHeight = 460,
        Panels =
        [
            Panel("Weights", "Weight bytes", c => c.WeightBytes),
            Panel("Bytes moved per token", "Bytes per token", c => c.BytesPerToken),
            Panel("Peak working set (process)", "Peak working set", c => c.PeakWorkingSetBytes),
        ],
    };

    private Plot Panel(string title, string quantity, Func<CaseResult, double?> value)
    {
        var cells = group.Folds
            .SelectMany((fold, fi) => group.Chunks.Select((chunk, ci) => (fi, ci, fold, v: group.At(chunk, fold) is { } c ? value(c) : null)))
            .Where(x => x.v is double d && d > 0)
            .Select(x => (x.fi, x.ci, x.fold, v: x.v!.Value))
            .ToList();
        var scale = Units.ByteScale(cells.Count == 0 ? 1 : cells.Max(x => x.v));
        bool log = ChartStyle.SpansDecades(cells.Select(x => x.v));
        var p = ChartStyle.NewPanel(title, "Chunk size (tokens)", $"{quantity} ({scale.Symbol}{(log ? ", log scale" : "")})");
        ChartStyle.CategoryAxis(p, group.Chunks);
        if (cells.Count == 0)
        {
            ChartStyle.NothingToDraw(p, "not recorded in this run");
            return p;
        }

        double floor = log
            ? ChartStyle.LogAxis(p.Axes.Left, cells.Select(x => x.v / scale.Divisor), ChartStyle.DecadeLabel, p, vertical: true).Lo
            : 0;
        double Y(double raw) => log ? Math.Log10(raw / scale.Divisor) : raw / scale.Divisor;
        int folds = group.Folds.Count;
        double width = 0.8 / folds;
        var bars = cells.Select(x => new Bar
        {
            Position = x.ci + (x.fi - (folds - 1) / 2.0) * width,
            Value = Y(x.v),
            ValueBase = floor,
            Size = width * 0.92,
            FillColor = FoldLegend.Color(group.Folds, x.fold),
            LineColor = Colors.Black.WithAlpha(0.35),
            LineWidth = 0.5f,
        }).ToList();
        p.Add.Bars(bars);
        if (!log) p.Axes.SetLimitsY(0, cells.Max(x => x.v) / scale.Divisor * 1.1);
        return p;
    }
}

/// <summary>Warnings every sweep chart carries: an interrupted run, duplicate cases that could not be drawn.</summary>
internal static class SweepNotices
{
    public static IReadOnlyList<string> For(SweepGroup g, bool complete)
    {
        var list = new List<string>();
        if (!complete) list.Add("Incomplete run: the sweep was interrupted, so some chunk sizes or fold factors may be missing.");
        if (g.Duplicates.Count > 0)
            list.Add($"{g.Duplicates.Count} case(s) repeat a chunk size and fold already drawn (e.g. \"{g.Duplicates[0].Name}\") and are left out.");
        return list;
    }
}
