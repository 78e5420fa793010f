using System.Globalization;
using FoldBench.Reporting.Data;
using FoldBench.Results;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace FoldBench.Reporting.Charts;

/// <summary>
/// Kernel throughput vs M, one panel per weight regime: GFLOP/s on the left axis and the same scale as
/// % of this machine's measured FMA peak on the right, one line per (path, K×N).
/// An int8 chart (<paramref name="precision"/> "int8") draws GOP/s against the fastest measured int8 instruction's peak.
/// </summary>
internal sealed class KernelThroughputChart(IReadOnlyList<CaseResult> kernels, Calibration? calibration, string precision = PrecisionNames.Fp32) : IChart
{
    private bool Int8 => precision == PrecisionNames.Int8;
    private string Unit => PrecisionNames.ThroughputUnit(precision);
    private string PeakName => Int8 ? "int8 peak" : "FMA peak";

    public string FileStem => Int8 ? "kernels-throughput-int8" : "kernels-throughput";
    public string Title => Int8 ? "int8 kernel throughput vs M (M = fold × chunk tokens)" : "Kernel throughput vs M (M = fold × chunk tokens)";
    public string Section => SuiteNames.Kernels;

    public Figure Draw()
    {
        var notices = new List<string>();
        var notes = new List<string>();
        double? peak = Int8 ? (calibration is null ? null : Roofline.MachineInt8Peak(calibration))
            : calibration?.FmaPeakGflops is double pk && pk > 0 ? pk : null;
        if (peak is double pv)
            notes.Add($"Measured {PeakName} of one core: {pv.ToString("0.0", CultureInfo.InvariantCulture)} {Unit} (right axis: % of it)." +
                      (Int8 ? " 1 multiply-accumulate = 2 operations." : ""));
        else
            notices.Add($"No {(Int8 ? "int8 " : "")}calibration in this run: % of {PeakName} cannot be drawn.");

        var regimes = kernels.Select(c => c.Regime).Distinct().OrderBy(RegimeNames.Order).ToList();
        var seriesKeys = kernels.Select(SeriesKey).Distinct().ToList();
        var panels = regimes.Select(r => Panel(r, kernels.Where(c => c.Regime == r).ToList(), seriesKeys, peak, Unit, PeakName)).ToList();
        var legend = seriesKeys.Select((k, i) => new LegendEntry(k, ChartStyle.ColorAt(i), LegendKind.LineAndMarker, ChartStyle.MarkerAt(i))).ToList();
        return new Figure
        {
            Title = Title, Notices = notices, Notes = notes, Legend = legend,
            Columns = Math.Min(2, panels.Count), PanelWidth = 660, PanelHeight = 480, Panels = panels,
        };
    }

    private static string SeriesKey(CaseResult c) => $"{c.Path} K×N = {c.K}×{c.N}";

    private static Plot Panel(string? regime, List<CaseResult> cases, List<string> seriesKeys, double? peak, string unit, string peakName)
    {
        var p = ChartStyle.NewPanel(char.ToUpperInvariant(RunSelection.RegimeTitle(regime)[0]) + RunSelection.RegimeTitle(regime)[1..],
            "M (rows per call)", $"Throughput ({unit})");
        var ms = cases.Select(c => c.M!.Value).Where(m => m > 0).Distinct().Order().ToList();
        double xRight = ms.Count > 0 ? ChartStyle.Log2Axis(p, ms).Hi : 1;
        var points = cases.Where(c => c.Gflops is > 0 && c.M is > 0).ToList();
        if (points.Count == 0)
        {
            ChartStyle.NothingToDraw(p, $"no {unit} recorded");
            return p;
        }
        foreach (var key in seriesKeys)
        {
            var s = points.Where(c => SeriesKey(c) == key).OrderBy(c => c.M).ToList();
            if (s.Count == 0) continue;
            int i = seriesKeys.IndexOf(key);
            var line = p.Add.Scatter(s.Select(c => Math.Log2(c.M!.Value)).ToArray(), s.Select(c => c.Gflops!.Value).ToArray(), ChartStyle.ColorAt(i));
            line.LineWidth = ChartStyle.LineWidth;
            line.MarkerSize = ChartStyle.MarkerSize;
            line.MarkerShape = ChartStyle.MarkerAt(i);
        }
        double top = Math.Max(points.Max(c => c.Gflops!.Value), peak ?? 0) * 1.1;
        p.Axes.SetLimitsY(0, top);
        if (peak is double pk)
        {
            ChartStyle.ReferenceLine(p, pk, $"measured {peakName}", xRight);
            // The right axis restates the left one as % of peak: same pixels, different unit.
            p.Axes.Right.Label.Text = $"% of {peakName}";
            p.Axes.Right.Label.FontSize = ChartStyle.AxisLabelSize;
            p.Axes.Right.Label.FontName = FontCheck.FontName;
            p.Axes.Right.TickLabelStyle.FontSize = ChartStyle.TickLabelSize;
            p.Axes.Right.TickGenerator = new NumericAutomatic { TargetTickCount = 6 };
            p.Axes.SetLimitsY(0, top / pk * 100, p.Axes.Right);
        }
        return p;
    }
}
