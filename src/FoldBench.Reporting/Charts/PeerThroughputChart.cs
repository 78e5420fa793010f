using System.Globalization;
using FoldBench.Reporting.Data;
using FoldBench.Results;
using ScottPlot;

namespace FoldBench.Reporting.Charts;

/// <summary>
/// The peers suite as a picture: GFLOP/s against M for each library (FoldBench, OpenBLAS, ONNX Runtime,
/// TensorPrimitives), one panel per weight regime, with the roofs a case of that regime can reach: the
/// machine's FMA peak (widest ISA) and the roofline bound of each M (min(peak, intensity × bandwidth of
/// the level the weights live in), as recorded for FoldBench's own cases).
/// </summary>
internal sealed class PeerThroughputChart(IReadOnlyList<CaseResult> peers, Calibration? calibration) : IChart
{
    public string FileStem => "peers-throughput";
    public string Title => "Against the libraries you would use instead — GFLOP/s vs M";
    public string Section => SuiteNames.Peers;

    /// <summary>The peers' square (K = N) sweep cases that ran: what the chart can place on an M axis.</summary>
    public static IReadOnlyList<CaseResult> Plottable(IEnumerable<CaseResult> cases) =>
        cases.Where(c => c.Suite == SuiteNames.Peers && c.Peer is not null && c.Unavailable is null
                         && c.M is > 0 && c.K is > 0 && c.K == c.N && c.Gflops is > 0).ToList();

    public Figure Draw()
    {
        var notes = new List<string>();
        var notices = new List<string>();
        double? peak = calibration is null ? null : Roofline.MachinePeak(calibration);
        if (peak is double pk)
            notes.Add($"Machine FMA peak (one core, widest ISA): {pk.ToString("0.0", CultureInfo.InvariantCulture)} GFLOP/s. " +
                      "Roofline bound: min(peak, intensity × bandwidth of the level the weights live in).");
        else
            notices.Add("No calibration in this run: the roofs cannot be drawn.");

        var regimes = peers.Select(c => c.Regime).Distinct().OrderBy(RegimeNames.Order).ToList();
        var keys = peers.Select(SeriesKey).Distinct().OrderBy(k => k.StartsWith("foldbench", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(k => k, StringComparer.Ordinal).ToList();
        var panels = regimes.Select(r => Panel(r, peers.Where(c => c.Regime == r).ToList(), keys, peak)).ToList();
        var legend = keys.Select((k, i) => new LegendEntry(k, ChartStyle.ColorAt(i), LegendKind.LineAndMarker, ChartStyle.MarkerAt(i))).ToList();
        if (peers.Any(c => c.Peer == "foldbench" && c.RooflineGflops is > 0))
            legend.Add(new LegendEntry("roofline bound (FoldBench's ISA)", ChartStyle.RoofColor, LegendKind.Line, MarkerShape.None));
        return new Figure
        {
            Title = Title, Notices = notices, Notes = notes, Legend = legend,
            Columns = Math.Min(2, panels.Count), PanelWidth = 660, PanelHeight = 480, Panels = panels,
        };
    }

    private static string SeriesKey(CaseResult c) => $"{c.Peer} K = N = {c.K}";

    private static Plot Panel(string? regime, List<CaseResult> cases, List<string> keys, double? peak)
    {
        string title = RunSelection.RegimeTitle(regime);
        var p = ChartStyle.NewPanel(char.ToUpperInvariant(title[0]) + title[1..], "M (rows per call)", "Throughput (GFLOP/s)");
        var ms = cases.Select(c => c.M!.Value).Distinct().Order().ToList();
        double xRight = ChartStyle.Log2Axis(p, ms).Hi;
        foreach (var key in keys)
        {
            var s = cases.Where(c => SeriesKey(c) == key).OrderBy(c => c.M).ToList();
            if (s.Count == 0) continue;
            int i = keys.IndexOf(key);
            var line = p.Add.Scatter(s.Select(c => Math.Log2(c.M!.Value)).ToArray(), s.Select(c => c.Gflops!.Value).ToArray(), ChartStyle.ColorAt(i));
            line.LineWidth = ChartStyle.LineWidth;
            line.MarkerSize = ChartStyle.MarkerSize;
            line.MarkerShape = ChartStyle.MarkerAt(i);
        }
        // The bound each M can reach with FoldBench's own ISA; one line per K = N (the level can differ by size).
        foreach (var byK in cases.Where(c => c.Peer == "foldbench" && c.RooflineGflops is > 0).GroupBy(c => c.K))
        {
            var r = byK.OrderBy(c => c.M).ToList();
            var roof = p.Add.Scatter(r.Select(c => Math.Log2(c.M!.Value)).ToArray(), r.Select(c => c.RooflineGflops!.Value).ToArray(), ChartStyle.RoofColor);
            roof.LineWidth = 2.5f;
            roof.MarkerSize = 0;
        }
        double top = new[] { cases.Max(c => c.Gflops!.Value), peak ?? 0, cases.Max(c => c.RooflineGflops ?? 0) }.Max() * 1.12;
        p.Axes.SetLimitsY(0, top);
        if (peak is double pk) ChartStyle.ReferenceLine(p, pk, "machine FMA peak", xRight);
        return p;
    }
}
