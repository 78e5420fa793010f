using System.Globalization;
using FoldBench.Reporting.Data;
using FoldBench.Results;
using ScottPlot;

namespace FoldBench.Reporting.Charts;

/// <summary>
/// One machine's roofs as drawable lines in log-log space: one flat line per FMA width (scalar, 128, 256, 512) and one
/// slanted line per bandwidth level (L1, L2, L3, memory), each slope ending at the widest width's peak. Results
/// written before per-width calibration have one peak and the memory and cache bandwidths.
/// </summary>
internal sealed record Roofs(IReadOnlyList<(string Label, double Gflops)> Peaks, IReadOnlyList<(string Label, double GBs)> Bandwidths)
{
    public static Roofs From(Calibration? c)
    {
        if (c is null) return new([], []);
        var peaks = c.FmaPeakGflopsByWidth is { Count: > 0 } by
            ? Roofline.Widths.Where(w => by.GetValueOrDefault(w) > 0).Select(w => (w == "scalar" ? "FMA scalar peak" : $"FMA {w}-bit peak", by[w])).ToList()
            : c.FmaPeakGflops > 0 ? [("FMA peak", c.FmaPeakGflops)] : new List<(string, double)>();
        var bws = c.BandwidthGBsByLevel is { Count: > 0 } lv
            ? lv.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).Select(kv => ($"{kv.Key} bandwidth roof", kv.Value)).ToList()
            : new[] { ("memory bandwidth roof", (double?)c.BandwidthGBs), ("cache bandwidth roof", c.CacheBandwidthGBs) }
                .Where(b => b.Item2 is > 0).Select(b => (b.Item1, b.Item2!.Value)).ToList();
        return new(peaks, bws);
    }

    /// <summary>The widest width's peak: where every bandwidth slope ends.</summary>
    public double? PeakGflops => Peaks.Count > 0 ? Peaks.Max(p => p.Gflops) : null;

    public bool Any => Peaks.Count > 0 || Bandwidths.Count > 0;

    /// <summary>Attainable GFLOP/s at an arithmetic intensity under one bandwidth roof.</summary>
    public double Attainable(double intensity, double bandwidth) =>
        PeakGflops is double pk ? Math.Min(pk, intensity * bandwidth) : intensity * bandwidth;

    /// <summary>Roof lines between two intensities: each bandwidth slope up to the ridge, then every flat peak.</summary>
    /// <remarks>Roofs differ by width, not dash pattern: SkiaSharp's SVG writer cannot express dashes.</remarks>
    public IEnumerable<(string Label, double[] Xs, double[] Ys, float Width)> Lines(double xMin, double xMax)
    {
        var f = CultureInfo.InvariantCulture;
        for (int i = 0; i < Bandwidths.Count; i++)
        {
            var (name, b) = Bandwidths[i];
            var xs = new List<double> { xMin };
            if (PeakGflops is double pk && pk / b > xMin && pk / b < xMax) xs.Add(pk / b);
            xs.Add(xMax);
            // The slowest level (memory) is drawn heaviest: it bounds the streamed cases.
            float width = i == Bandwidths.Count - 1 ? 2.5f : 1.2f;
            yield return ($"{name} {b.ToString("0.0", f)} GB/s", xs.ToArray(), xs.Select(x => Attainable(x, b)).ToArray(), width);
        }
        foreach (var (name, peak) in Peaks)
            yield return ($"{name} {peak.ToString("0.0", f)} GFLOP/s", [xMin, xMax], [peak, peak], peak == PeakGflops ? 2.0f : 1.0f);
    }
}

/// <summary>Roofline: every kernel case at its arithmetic intensity against this machine's measured roofs (log-log).</summary>
internal sealed class RooflineChart(IReadOnlyList<CaseResult> kernels, Calibration? calibration, string machine) : IChart
{
    public string FileStem => "roofline";
    public string Title => $"Roofline — kernels on {machine}";
    public string Section => SuiteNames.Kernels;

    public Figure Draw()
    {
        var roofs = Roofs.From(calibration);
        var notices = new List<string>();
        var notes = new List<string>();
        var f = CultureInfo.InvariantCulture;
        if (roofs.Any)
            notes.Add("Roofs measured in this run, one core: " +
                      string.Join(", ", roofs.Peaks.Select(p => $"{p.Label} {p.Gflops.ToString("0.0", f)} GFLOP/s")
                          .Concat(roofs.Bandwidths.Select(b => $"{b.Label.Replace(" roof", "", StringComparison.Ordinal)} {b.GBs.ToString("0.0", f)} GB/s"))) + "." +
                      (calibration?.Stable == false ? " The calibration is unstable (see Caveats): points above a roof are not real." : ""));
        else
            notices.Add("No calibration in this run: the roofs are unknown, only the kernel points are drawn.");

        var points = kernels.Where(c => RunSelection.ArithmeticIntensity(c) is not null).ToList();
        var p = ChartStyle.NewPanel("", "Arithmetic intensity (FLOP/byte, log scale)", "Throughput (GFLOP/s, log scale)");
        p.Axes.Title.IsVisible = false;
        if (points.Count == 0)
        {
            ChartStyle.NothingToDraw(p, "no kernel case recorded both GFLOP/s and GB/s");
            return new Figure { Title = Title, Notices = notices, Notes = notes, Panels = [p], PanelWidth = 960, PanelHeight = 640 };
        }
        var keys = points.Select(c => (c.Path, c.Regime)).Distinct().OrderBy(k => k.Path).ThenBy(k => k.Regime).ToList();
        var legend = RooflineDrawing.Draw(p, [.. keys.Select((k, i) => new RooflineSeries(
            $"{k.Path}, {RunSelection.RegimeTitle(k.Regime)}", ChartStyle.ColorAt(i), ChartStyle.MarkerAt(i),
            points.Where(c => c.Path == k.Path && c.Regime == k.Regime).ToList()))], [(roofs, ChartStyle.RoofColor, "")]);
        return new Figure { Title = Title, Notices = notices, Notes = notes, Legend = legend, Panels = [p], PanelWidth = 960, PanelHeight = 620 };
    }

}

internal sealed record RooflineSeries(string Label, Color Color, MarkerShape Marker, IReadOnlyList<CaseResult> Cases);

/// <summary>Shared by the single-run and the device-comparison roofline.</summary>
internal static class RooflineDrawing
{
    /// <returns>The legend entries for the figure header.</returns>
    public static IReadOnlyList<LegendEntry> Draw(Plot p, IReadOnlyList<RooflineSeries> series, IReadOnlyList<(Roofs Roofs, Color Color, string LabelPrefix)> roofs)
    {
        var legend = new List<LegendEntry>();
        var all = series.SelectMany(s => s.Cases).ToList();
        var ai = all.Select(c => RunSelection.ArithmeticIntensity(c)!.Value).ToList();
        double xMin = Math.Pow(10, Math.Floor(Math.Log10(ai.Min() / 1.5)));
        double xMax = Math.Pow(10, Math.Ceiling(Math.Log10(ai.Max() * 1.5)));
        var ys = all.Select(c => c.Gflops!.Value).ToList();

        foreach (var (r, color, prefix) in roofs)
        {
            foreach (var (label, xs, ry, width) in r.Lines(xMin, xMax))
            {
                var line = p.Add.ScatterLine(xs.Select(Math.Log10).ToArray(), ry.Select(Math.Log10).ToArray(), color);
                line.LineWidth = width;
                legend.Add(new LegendEntry(prefix + label, color, LegendKind.Line, LineWidth: width));
                ys.AddRange(ry);
            }
            foreach (var (name, peak) in r.Peaks)
            {
                // Each flat roof is labelled in place: the peaks are the numbers every % of peak is measured against.
                var t = p.Add.Text($"{prefix}{name} {peak.ToString("0.0", CultureInfo.InvariantCulture)} GFLOP/s", Math.Log10(xMax), Math.Log10(peak));
                t.LabelFontSize = 13;
                t.LabelFontName = FontCheck.FontName;
                t.LabelFontColor = color;
                t.LabelAlignment = Alignment.LowerRight;
                t.OffsetX = -6;
                t.OffsetY = -4;
            }
        }

        foreach (var s in series)
        {
            var sc = p.Add.ScatterPoints(
                s.Cases.Select(c => Math.Log10(RunSelection.ArithmeticIntensity(c)!.Value)).ToArray(),
                s.Cases.Select(c => Math.Log10(c.Gflops!.Value)).ToArray(), s.Color);
            sc.MarkerSize = 10;
            sc.MarkerShape = s.Marker;
            // Slightly see-through, so a point hidden under another series' point still shows.
            sc.MarkerFillColor = s.Color.WithAlpha(0.8);
            sc.MarkerLineColor = s.Color.WithAlpha(0.8);
            legend.Add(new LegendEntry(s.Label, s.Color, LegendKind.Marker, s.Marker));
        }
        // Label each distinct M once, beside its highest point, so the reader can tell which dot is which M.
        foreach (var g in all.Where(c => c.M is not null).GroupBy(c => c.M!.Value))
        {
            var top = g.MaxBy(c => c.Gflops!.Value)!;
            var t = p.Add.Text($"M={g.Key}", Math.Log10(RunSelection.ArithmeticIntensity(top)!.Value), Math.Log10(top.Gflops!.Value));
            t.LabelFontSize = 12;
            t.LabelFontName = FontCheck.FontName;
            t.LabelFontColor = Colors.Black.WithAlpha(0.75);
            t.LabelAlignment = Alignment.UpperLeft;
            t.OffsetX = 7;
            t.OffsetY = 5;
        }
        ChartStyle.LogAxis(p.Axes.Bottom, [xMin, xMax], ChartStyle.DecadeLabel, p, vertical: false);
        ChartStyle.LogAxis(p.Axes.Left, ys.Where(v => v > 0).Append(ys.Max() * 1.3), ChartStyle.DecadeLabel, p, vertical: true);
        return legend;
    }
}
