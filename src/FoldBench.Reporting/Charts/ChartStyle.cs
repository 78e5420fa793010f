using FoldBench.Results.Formatting;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace FoldBench.Reporting.Charts;

/// <summary>The look every FoldBench chart shares: font, sizes, colours, and the axis conventions (log, chunk, M).</summary>
internal static class ChartStyle
{
    public const float PanelTitleSize = 17, AxisLabelSize = 15, TickLabelSize = 13, LegendSize = 13;
    public const float LineWidth = 2, MarkerSize = 8;

    /// <summary>Colour-blind-safe (Okabe–Ito, with wine instead of its yellow, which vanishes on white). Index 0 is the unfolded baseline.</summary>
    public static readonly Color[] Palette =
    [
        Color.FromHex("#0072B2"), Color.FromHex("#E69F00"), Color.FromHex("#009E73"), Color.FromHex("#CC79A7"),
        Color.FromHex("#56B4E9"), Color.FromHex("#D55E00"), Color.FromHex("#882255"), Color.FromHex("#000000"),
    ];

    public static readonly MarkerShape[] Markers =
    [
        MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond,
        MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp,
    ];

    public static Color ColorAt(int i) => Palette[i % Palette.Length];
    public static MarkerShape MarkerAt(int i) => Markers[i % Markers.Length];

    public static readonly Color NoticeColor = Color.FromHex("#8B1A1A");
    public static readonly Color NoteColor = Color.FromHex("#555555");
    public static readonly Color RoofColor = Color.FromHex("#444444");

    /// <summary>A new panel with the shared font and sizes.</summary>
    public static Plot NewPanel(string title, string xLabel, string yLabel)
    {
        var p = new Plot();
        p.Font.Set(FontCheck.FontName);
        p.Title(title, PanelTitleSize);
        p.XLabel(xLabel, AxisLabelSize);
        p.YLabel(yLabel, AxisLabelSize);
        foreach (var axis in p.Axes.GetAxes())
            axis.TickLabelStyle.FontSize = TickLabelSize;
        p.Legend.FontSize = LegendSize;
        p.Legend.FontName = FontCheck.FontName;
        return p;
    }

    /// <summary>A reference line (real time, FMA peak) labelled in place, at the right end, instead of in a legend.</summary>
    public static void ReferenceLine(Plot p, double y, string label, double xRight)
    {
        var line = p.Add.HorizontalLine(y, 1.5f, RoofColor);
        line.ExcludeFromLegend = true;
        var text = p.Add.Text(label, xRight, y);
        text.LabelFontSize = 12;
        text.LabelFontName = FontCheck.FontName;
        text.LabelFontColor = RoofColor;
        text.LabelAlignment = Alignment.LowerRight;
        text.OffsetX = -4;
        text.OffsetY = -3;
    }

    /// <summary>Whether values spanning this range are better read on a log axis (more than ~1.3 decades).</summary>
    public static bool SpansDecades(IEnumerable<double> values)
    {
        var pos = values.Where(v => v > 0 && double.IsFinite(v)).ToList();
        return pos.Count >= 2 && pos.Max() / pos.Min() >= 20;
    }

    /// <summary>
    /// Log scale: data is plotted as log10(value) and the axis gets explicit ticks at 1-2-5 (or whole decades
    /// when the range is wide) with minor ticks between, so even a range under two decades has several labels.
    /// Returns the axis limits in log10 units (a bar chart starts its bars at the lower one).
    /// </summary>
    public static (double Lo, double Hi) LogAxis(IAxis axis, IEnumerable<double> plottedValues, Func<double, string> label, Plot p, bool vertical)
    {
        var logs = plottedValues.Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).ToList();
        double min = logs.Min(), max = logs.Max();
        double pad = 0.05 + 0.04 * (max - min);
        double lo = min - pad, hi = max + pad;
        axis.TickGenerator = LogTicks(lo, hi, label);
        if (vertical) p.Axes.SetLimitsY(lo, hi, (IYAxis)axis);
        else p.Axes.SetLimitsX(lo, hi, (IXAxis)axis);
        return (lo, hi);
    }

    private static NumericManual LogTicks(double lo, double hi, Func<double, string> label)
    {
        int[] majors = hi - lo > 3 ? [1] : hi - lo > 1.5 ? [1, 3] : [1, 2, 5];
        var ticks = new NumericManual();
        for (int decade = (int)Math.Floor(lo); decade <= (int)Math.Ceiling(hi); decade++)
            for (int m = 1; m <= 9; m++)
            {
                double pos = decade + Math.Log10(m);
                if (pos < lo - 1e-9 || pos > hi + 1e-9) continue;
                if (majors.Contains(m)) ticks.AddMajor(pos, label(m * Math.Pow(10, decade)));
                else ticks.AddMinor(pos);
            }
        return ticks;
    }

    /// <summary>Tick label on a log axis: "0.02", "0.5", "1", "30", "1,000".</summary>
    public static string DecadeLabel(double v) =>
        v >= 1 ? Math.Round(v).ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)
               : v.ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Powers-of-two sweep axis (chunk sizes, M): plotted at log2(x), labelled with the values themselves.</summary>
    /// <returns>The x limits (log2 units).</returns>
    public static (double Lo, double Hi) Log2Axis(Plot p, IReadOnlyList<int> values)
    {
        var ticks = new NumericManual();
        foreach (int v in values) ticks.AddMajor(Math.Log2(v), v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        p.Axes.Bottom.TickGenerator = ticks;
        double lo = Math.Log2(values.Min()), hi = Math.Log2(values.Max());
        double pad = Math.Max(0.3, (hi - lo) * 0.05);
        p.Axes.SetLimitsX(lo - pad, hi + pad);
        return (lo - pad, hi + pad);
    }

    /// <summary>Category axis for grouped bars: one slot per chunk size.</summary>
    public static void CategoryAxis(Plot p, IReadOnlyList<int> values)
    {
        var ticks = new NumericManual();
        for (int i = 0; i < values.Count; i++) ticks.AddMajor(i, values[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        p.Axes.Bottom.TickGenerator = ticks;
        p.Axes.SetLimitsX(-0.6, values.Count - 0.4);
    }

    /// <summary>Marks a panel that has nothing to draw, with the reason, instead of an empty −10…10 frame.</summary>
    public static void NothingToDraw(Plot p, string reason)
    {
        var a = p.Add.Annotation(reason, Alignment.MiddleCenter);
        a.LabelFontSize = 15;
        a.LabelFontName = FontCheck.FontName;
        a.LabelFontColor = NoticeColor;
        a.LabelBackgroundColor = Colors.White;
        a.LabelBorderColor = Colors.Transparent;
        a.LabelShadowColor = Colors.Transparent;
        p.Axes.Left.TickGenerator = new NumericManual();
        p.Axes.SetLimitsY(0, 1);
    }

    /// <summary>Tick label for a linear axis in a chosen unit: no trailing zeros, thousands separated.</summary>
    public static string Plain(double v) => Units.Sig3(v);
}
