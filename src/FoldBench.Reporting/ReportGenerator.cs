using FoldBench.Platform;
using FoldBench.Reporting.Charts;
using FoldBench.Reporting.Comparison;
using FoldBench.Reporting.Markdown;
using FoldBench.Results;

namespace FoldBench.Reporting;

/// <summary>
/// Turns results folders into charts (plots/*.png and *.svg) and report.md. Reads only summary.json,
/// so charts and report can be regenerated at any time without re-running anything.
/// </summary>
public static class ReportGenerator
{
    public const string ReportFileName = "report.md";
    public const string PlotsFolder = ChartPlan.PlotsFolder;

    /// <summary>Writes &lt;dir&gt;/plots/*.png + *.svg and &lt;dir&gt;/report.md from &lt;dir&gt;/summary.json; returns the files written.</summary>
    /// <exception cref="ResultsFormatException">The folder is not a FoldBench results folder.</exception>
    /// <exception cref="InvalidOperationException">No font files to draw text with.</exception>
    public static IReadOnlyList<string> Generate(string resultsDir)
    {
        var summary = SummaryStore.Read(resultsDir);
        FontCheck.EnsureSansFont();
        var written = WriteCharts(ChartPlan.For(summary), resultsDir);
        string report = Path.Combine(resultsDir, ReportFileName);
        AtomicFile.WriteAllText(report, RenderReportMarkdown(summary));
        written.Add(Path.GetFullPath(report));
        return written;
    }

    /// <summary>Draws the devices-side-by-side charts (one series per device) and a comparison report.md into <paramref name="outDir"/>.</summary>
    /// <exception cref="ResultsFormatException">One of the folders is not a FoldBench results folder.</exception>
    public static IReadOnlyList<string> GenerateComparison(IReadOnlyList<string> resultsDirs, string outDir)
    {
        if (resultsDirs.Count == 0) throw new ArgumentException("no results folders to compare");
        var runs = DeviceRun.ReadAll(resultsDirs);
        FontCheck.EnsureSansFont();
        var written = WriteCharts(ComparisonPlan.For(runs), outDir);
        string report = Path.Combine(outDir, ReportFileName);
        AtomicFile.WriteAllText(report, ComparisonMarkdown.Render(runs, PlotsFolder));
        written.Add(Path.GetFullPath(report));
        return written;
    }

    /// <summary>report.md for a run, without touching files; charts are linked as &lt;plotsFolder&gt;/&lt;name&gt;.png.</summary>
    public static string RenderReportMarkdown(RunSummary s, string plotsFolder = PlotsFolder) => ReportMarkdown.Render(s, plotsFolder);

    /// <summary>The chart file names (without extension) <see cref="Generate"/> writes for this run, in report order.</summary>
    /// <summary>What a reader must know before trusting the run: its recorded caveats, then those derived from its results.</summary>
    public static IReadOnlyList<string> Caveats(RunSummary s) => Markdown.Caveats.All(s);

    public static IReadOnlyList<string> ChartNames(RunSummary s) => ChartPlan.For(s).Select(c => c.FileStem).ToList();

    private static List<string> WriteCharts(IReadOnlyList<IChart> charts, string dir)
    {
        var written = new List<string>();
        string plots = Path.Combine(dir, PlotsFolder);
        foreach (var chart in charts)
        {
            var figure = chart.Draw();
            string png = Path.Combine(plots, chart.FileStem + ".png");
            string svg = Path.Combine(plots, chart.FileStem + ".svg");
            AtomicFile.WriteAllBytes(png, figure.RenderPng());
            AtomicFile.WriteAllText(svg, figure.RenderSvg());
            written.Add(Path.GetFullPath(png));
            written.Add(Path.GetFullPath(svg));
        }
        return written;
    }
}
