using System.Globalization;
using System.Text;
using FoldBench.Reporting.Data;
using FoldBench.Results;
using FoldBench.Results.Formatting;
using FoldBench.Reporting.Markdown;

namespace FoldBench.Reporting.Comparison;

/// <summary>report.md for a device comparison: the devices, their caveats, per-sweep tables with a column group per device, charts.</summary>
internal static class ComparisonMarkdown
{
    public static string Render(IReadOnlyList<DeviceRun> runs, string plotsFolder)
    {
        var charts = ComparisonPlan.For(runs);
        var md = new StringBuilder();
        md.AppendLine("# FoldBench device comparison").AppendLine();
        md.AppendLine($"{runs.Count} results folder(s), drawn side by side; each device is measured against its own calibration.").AppendLine();
        var emulated = runs.Where(r => r.Summary.Machine.Emulated).ToList();
        if (emulated.Count > 0)
            md.AppendLine($"> **Emulated**: {string.Join(", ", emulated.Select(r => $"{r.Label} ran under {r.Summary.Machine.Emulation?.Emulator ?? "an emulator"}"))}; " +
                          "its times and energy do not represent the hardware and must not be compared with the others.").AppendLine();

        md.AppendLine("## Devices").AppendLine();
        var t = new MarkdownTable(("Device", false), ("CPU", false), ("Cores", true), ("FMA peak (GFLOP/s)", true),
            ("Memory bandwidth (GB/s)", true), ("Energy", false), ("Job", false), ("Run", false), ("Folder", false));
        foreach (var r in runs)
        {
            var s = r.Summary;
            t.Add(r.Label, (s.Machine.CpuModel.Length > 0 ? s.Machine.CpuModel : Units.Missing) + (s.Machine.Emulated ? " (**emulated**)" : ""),
                s.Machine.Cores.ToString(CultureInfo.InvariantCulture),
                Units.Fixed(s.Calibration?.FmaPeakGflops, 1), Units.Fixed(s.Calibration?.BandwidthGBs, 1),
                s.Energy?.Source ?? "none", s.Job ?? Units.Missing,
                (s.Complete ? "" : "incomplete, ") + ReportMarkdown.Utc(s.StartedUtc), $"`{r.Dir}`");
        }
        md.Append(t).AppendLine();

        md.AppendLine("## Caveats").AppendLine();
        int count = 0;
        foreach (var r in runs)
            foreach (var c in Caveats.All(r.Summary))
            {
                md.AppendLine($"- **{r.Label}**: {c}");
                count++;
            }
        if (count == 0) md.AppendLine("None recorded.");
        md.AppendLine();

        foreach (var sweep in ComparisonPlan.Sweeps(runs))
        {
            md.AppendLine($"## {sweep.Label}").AppendLine();
            md.Append(SweepTable(sweep)).AppendLine();
            foreach (var chart in charts.Where(c => c.Section == sweep.FileSuffix))
                md.AppendLine($"![{chart.Title}]({plotsFolder}/{chart.FileStem}.png)").AppendLine();
        }

        if (runs.Any(r => RunSelection.Kernels(r.Summary).Count > 0))
        {
            md.AppendLine("## Kernels").AppendLine();
            var k = new MarkdownTable(("Device", false), ("Best % FMA peak", true), ("Case", false), ("Best streamed % bandwidth", true), ("Case", false));
            foreach (var r in runs)
            {
                var kernels = RunSelection.Kernels(r.Summary);
                var peak = kernels.Where(c => c.PctFmaPeak is not null).MaxBy(c => c.PctFmaPeak);
                var bw = kernels.Where(c => c.Regime == RegimeNames.Streamed && c.PctBandwidth is not null).MaxBy(c => c.PctBandwidth);
                k.Add(r.Label, Units.Percent(peak?.PctFmaPeak), peak?.Name ?? Units.Missing, Units.Percent(bw?.PctBandwidth), bw?.Name ?? Units.Missing);
            }
            md.Append(k).AppendLine();
            foreach (var chart in charts.Where(c => c.Section == SuiteNames.Kernels))
                md.AppendLine($"![{chart.Title}]({plotsFolder}/{chart.FileStem}.png)").AppendLine();
        }
        return md.ToString();
    }

    /// <summary>One row per (chunk, fold); per device its time per step and net energy per token.</summary>
    private static string SweepTable(ComparedSweep sweep)
    {
        var cols = new List<(string, bool)> { ("Chunk (tokens)", true), ("N", true) };
        foreach (var l in sweep.Lines)
            cols.AddRange([($"{l.Label}: time / step", true), ($"{l.Label}: net energy / token", true)]);
        var t = new MarkdownTable([.. cols]);
        foreach (int chunk in sweep.Chunks)
            foreach (int fold in sweep.Folds)
            {
                if (sweep.Lines.All(l => l.Group.At(chunk, fold) is null)) continue;
                var cells = new List<string> { chunk.ToString(CultureInfo.InvariantCulture), fold.ToString(CultureInfo.InvariantCulture) };
                foreach (var l in sweep.Lines)
                {
                    var c = l.Group.At(chunk, fold);
                    cells.Add(c is null ? Units.Missing : Units.Time(c.MedianNs));
                    cells.Add(c is null ? Units.Missing : ReportMarkdown.EnergyCell(c.Energy));
                }
                t.Add([.. cells]);
            }
        return t.ToString();
    }
}
