using FoldBench.Reporting.Charts;
using FoldBench.Reporting.Data;
using FoldBench.Results;

namespace FoldBench.Reporting.Comparison;

/// <summary>All devices' kernel cases on one roofline, each device in its own colour with its own measured roofs.</summary>
internal sealed class DeviceRooflineChart(IReadOnlyList<DeviceRun> runs) : IChart
{
    public string FileStem => "compare-roofline";
    public string Title => "Roofline by device — kernels against each device's measured roofs";
    public string Section => SuiteNames.Kernels;

    public Figure Draw()
    {
        var notices = new List<string>();
        var series = new List<RooflineSeries>();
        var roofs = new List<(Roofs, ScottPlot.Color, string)>();
        foreach (var r in runs)
        {
            // fp32 cases only: the roofs drawn are FMA peaks in GFLOP/s, which an int8 case's GOP/s is not measured against.
            var points = RunSelection.Kernels(r.Summary)
                .Where(c => PrecisionNames.Of(c) == PrecisionNames.Fp32 && RunSelection.ArithmeticIntensity(c) is not null).ToList();
            if (points.Count == 0)
            {
                notices.Add($"{r.Label}: no kernel cases with GFLOP/s and GB/s.");
                continue;
            }
            var color = ChartStyle.ColorAt(r.Index);
            series.Add(new RooflineSeries(r.Label, color, ChartStyle.MarkerAt(r.Index), points));
            var rf = Roofs.From(r.Summary.Calibration);
            if (rf.Any) roofs.Add((rf, color, $"{r.Label}: "));
            else notices.Add($"{r.Label}: no calibration, roofs not drawn.");
        }
        var p = ChartStyle.NewPanel("", "Arithmetic intensity (FLOP/byte, log scale)", "Throughput (GFLOP/s, log scale)");
        p.Axes.Title.IsVisible = false;
        IReadOnlyList<LegendEntry> legend = [];
        if (series.Count == 0) ChartStyle.NothingToDraw(p, "no kernel cases in any run");
        else legend = RooflineDrawing.Draw(p, series, roofs);
        return new Figure { Title = Title, Notices = notices, Legend = legend, Panels = [p], PanelWidth = 1000, PanelHeight = 660 };
    }
}
