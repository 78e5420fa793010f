using System.Globalization;
using FoldBench.Reporting;

namespace FoldBench.Cli.Commands;

/// <summary>
/// <c>foldbench plot DIR [DIR ...] [--out DIR]</c>: redraws charts and report from existing results, re-running nothing.
/// One folder regenerates its own plots/ and report.md; several folders are drawn side by side, one series per device.
/// </summary>
public sealed class PlotCommand : ICommand
{
    public string Name => "plot";
    public string Summary => "Draw charts and the report from results folders";
    public string Usage =>
        """
        usage: foldbench plot DIR [DIR ...] [--out DIR]

          One DIR      regenerate DIR/plots/*.png, *.svg and DIR/report.md from DIR/summary.json
          Several DIRs draw the devices side by side (one series per device) with a comparison report.md
          --out DIR    where the comparison goes (default: results/compare-<UTC timestamp>); only with several DIRs

        """;

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CliArgs.Parse(args, [], ["--out"]);
        a.ExpectPositionals(1, int.MaxValue, "results folder (DIR)");
        IReadOnlyList<string> written;
        string target;
        if (a.Positionals.Count == 1)
        {
            if (a.Has("--out"))
                throw new UsageException("--out applies only when comparing several folders; one folder is redrawn in place");
            target = a.Positionals[0];
            written = ReportGenerator.Generate(target);
        }
        else
        {
            target = a.Get("--out") ?? Path.Combine("results", "compare-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
            written = ReportGenerator.GenerateComparison(a.Positionals, target);
        }
        string root = Path.GetFullPath(target);
        foreach (var file in written)
            stdout.WriteLine(Path.Combine(target, Path.GetRelativePath(root, file)));
        stdout.WriteLine($"foldbench plot: wrote {written.Count} file(s); open {Path.Combine(target, ReportGenerator.ReportFileName)}");
        return Cli.ExitOk;
    }
}
