using FoldBench.Results.Formatting;
using ScottPlot;

namespace FoldBench.Reporting.Charts;

/// <summary>One line of a line panel: points at sweep values (chunk size, M), with optional ± error.</summary>
internal sealed record LineSeries(string Label, Color Color, MarkerShape Marker, IReadOnlyList<LinePoint> Points);

internal readonly record struct LinePoint(int X, double Y, double? Error = null);

/// <summary>A horizontal reference line (real time, FMA peak) drawn across a panel.</summary>
internal readonly record struct ReferenceLine(double Y, string Label);

/// <summary>
/// Draws lines over a powers-of-two sweep axis. Picks the y unit from the data, switches to a log axis when
/// the values span decades (and all error bars stay positive), and says so in the axis label. Series are
/// named in the figure's shared legend, reference lines in place; <c>scaleWith</c> holds the points of every
/// panel in a row, so they share one y scale.
/// </summary>
internal static class LinePanel
{
    public static Plot Create(string title, string xLabel, IReadOnlyList<int> xValues, string quantity,
        Func<double, Units.Scale>? scaleFor, IReadOnlyList<LineSeries> series, string emptyReason,
        IReadOnlyList<ReferenceLine>? references = null, string? fixedUnit = null, IReadOnlyList<LinePoint>? scaleWith = null)
    {
        references ??= [];
        var own = series.SelectMany(s => s.Points).ToList();
        // Panels of one row can share a y scale (unit, log or linear, limits), so they compare by eye.
        var all = scaleWith is { Count: > 0 } ? scaleWith : own;
        double max = all.Count == 0 ? 1 : all.Max(p => Math.Abs(p.Y));
        var scale = scaleFor?.Invoke(max) ?? new Units.Scale(1, fixedUnit ?? "");
        string unit = scale.Symbol.Length > 0 ? $" ({scale.Symbol})" : "";

        bool errorsPositive = all.All(p => p.Error is not double e || p.Y - e > 0);
        bool log = errorsPositive && all.All(p => p.Y > 0) && ChartStyle.SpansDecades(all.Select(p => p.Y).Concat(references.Select(r => r.Y)));
        var p = ChartStyle.NewPanel(title, xLabel, quantity + unit + (log ? ", log scale" : ""));
        double xRight = xValues.Count > 0 ? ChartStyle.Log2Axis(p, xValues).Hi : 1;
        if (own.Count == 0)
        {
            ChartStyle.NothingToDraw(p, emptyReason);
            return p;
        }

        double Y(double raw) => log ? Math.Log10(raw / scale.Divisor) : raw / scale.Divisor;
        foreach (var s in series)
        {
            if (s.Points.Count == 0) continue;
            double[] xs = s.Points.Select(pt => Math.Log2(pt.X)).ToArray();
            double[] ys = s.Points.Select(pt => Y(pt.Y)).ToArray();
            if (s.Points.Any(pt => pt.Error is not null))
            {
                var up = s.Points.Select(pt => pt.Error is double e ? Y(pt.Y + e) - Y(pt.Y) : 0).ToArray();
                var down = s.Points.Select(pt => pt.Error is double e ? Y(pt.Y) - Y(pt.Y - e) : 0).ToArray();
                var bars = new ScottPlot.Plottables.ErrorBar(xs, ys, null, null, up, down)
                {
                    LineColor = s.Color, LineWidth = 1.5f, CapSize = 6,
                };
                p.Add.Plottable(bars);
            }
            var line = p.Add.Scatter(xs, ys, s.Color);
            line.LineWidth = ChartStyle.LineWidth;
            line.MarkerSize = ChartStyle.MarkerSize;
            line.MarkerShape = s.Marker;
        }
        foreach (var r in references)
            ChartStyle.ReferenceLine(p, Y(r.Y), r.Label, xRight);

        var plotted = all.SelectMany(pt => pt.Error is double e ? new[] { pt.Y + e, pt.Y - e, pt.Y } : [pt.Y])
            .Concat(references.Select(r => r.Y)).ToList();
        if (log)
            ChartStyle.LogAxis(p.Axes.Left, plotted.Select(v => v / scale.Divisor), ChartStyle.DecadeLabel, p, vertical: true);
        else
        {
            double lo = Math.Min(0, plotted.Min() / scale.Divisor), hi = plotted.Max() / scale.Divisor;
            p.Axes.SetLimitsY(lo, hi <= lo ? lo + 1 : hi + (hi - lo) * 0.08);
        }
        return p;
    }

    /// <summary>The figure legend for a set of series (drawn once, above all panels).</summary>
    public static IReadOnlyList<LegendEntry> Legend(IEnumerable<LineSeries> series) =>
        series.Select(s => new LegendEntry(s.Label, s.Color, LegendKind.LineAndMarker, s.Marker)).ToList();
}
