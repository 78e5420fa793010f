using System.CommandLine;
using System.Globalization;
using FoldBench.Reporting;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

/// <summary>
/// <c>foldbench plot DIR [DIR ...] [--out DIR]</c>: redraws charts and report from existing results, re-running nothing.
/// One results folder regenerates its own plots/ and report.md; several, or a folder of results folders (a fleet's
/// downloaded artifacts), are drawn side by side, one series per device.
/// </summary>
public static class PlotCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dirs = new Argument<string[]>("DIR")
        {
            Description = "one results folder: regenerate DIR/plots/*.png, *.svg and DIR/report.md from DIR/summary.json; " +
                          "several, or a folder of results folders (every folder below it holding a summary.json): " +
                          "draw the devices side by side (one series per device) with a comparison report.md",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = CliOptions.Text("--out", "DIR", "where the comparison goes (default: results/compare-<UTC timestamp>); only with several results folders");
        var command = new Command("plot", "Draw charts and the report from results folders") { dirs, outDir };
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            var given = p.GetValue(dirs)!;
            IReadOnlyList<string> written;
            string target;
            if (given.Length == 1 && (ResultsFolders.IsResultsFolder(given[0]) || !Directory.Exists(given[0])))
            {
                if (p.Given(outDir))
                    throw new UsageException("--out applies only when comparing several folders; one folder is redrawn in place");
                target = given[0];
                written = ReportGenerator.Generate(target);
            }
            else
            {
                target = p.GetValue(outDir) ?? Path.Combine("results", "compare-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
                written = ReportGenerator.GenerateComparison(ResultsFolders.Expand(given), target);
            }
            string root = Path.GetFullPath(target);
            foreach (var file in written)
                stdout.WriteLine(Path.Combine(target, Path.GetRelativePath(root, file)));
            stdout.WriteLine($"foldbench plot: wrote {written.Count} file(s); open {Path.Combine(target, ReportGenerator.ReportFileName)}");
            return Cli.ExitOk;
        }));
        return command;
    }
}
