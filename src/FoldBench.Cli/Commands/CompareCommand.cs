using System.CommandLine;
using System.Globalization;
using FoldBench.Cli.Terminal;
using FoldBench.Regression.Comparison;
using FoldBench.Regression.Formatting;
using FoldBench.Regression.Loading;

namespace FoldBench.Cli.Commands;

/// <summary>`foldbench compare BASE CURRENT`: the regression gate (statistical for time, exact for instructions).</summary>
public static class CompareCommand
{
    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        TextWriter stdout = console.Out, stderr = console.Error;
        var baseline = new Argument<string>("BASE") { Description = "results folder (or its summary.json), or BenchmarkDotNet *-report-full.json file(s) from any project", Arity = ArgumentArity.ZeroOrOne };
        var current = new Argument<string>("CURRENT") { Description = "the same for the run to judge; cases are matched by full name", Arity = ArgumentArity.ZeroOrOne };
        var metric = CliOptions.OneOf("--metric", "what to judge (default: time)", ["time", "instructions"]);
        var threshold = CliOptions.Double("--threshold", "X", "relative change that counts: 5% or 0.05 (default: 5% for time, 1% for instructions)", 0, 1);
        var noise = CliOptions.Parsed("--noise", "T", "absolute noise floor for time: 0.3ns, 2us, 1ms (default: 0.3ns)", ParseDuration);
        var normalizeTo = CliOptions.Text("--normalize-to", "NAME", "divide every case by this case of the same run first (cancels machine drift); " +
            "NAME is a full name, a short name or a unique part of one");
        var allowHosts = CliOptions.Flag("--allow-different-hosts", "judge timings even when BASE and CURRENT ran on different CPUs or runtimes " +
            "(by default such a comparison is shown but never a regression)");
        var failOnUnstable = CliOptions.Flag("--fail-on-unstable", "exit 3 when nothing is slower but some case was unstable " +
            "(its iterations stepped or drifted) or moved with suspected machine drift: require a re-run");
        var markdown = CliOptions.Flag("--markdown", "print a markdown table (for a pull-request comment)");
        var json = CliOptions.Flag("--json", "print JSON (schema foldbench-compare/2)");

        // Exit code: 0 no regression (or timings from different hosts, not judged), 1 a case slower beyond the
        // threshold or a correctness failure in CURRENT, 2 bad input (missing or foreign file, no common cases,
        // bad option), 3 only with --fail-on-unstable: nothing slower, but some case unstable or drifted.
        var command = new Command("compare", "Compare two results for regressions (CI gate; exit 1: a regression, 2: bad input, " +
            "3: unstable or drifted with --fail-on-unstable)")
        {
            baseline, current, metric, threshold, noise, normalizeTo, allowHosts, failOnUnstable, markdown, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(current) is null) r.AddError("missing BASE and CURRENT (two results folders or report files)");
        });
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            if (p.GetValue(markdown) && p.GetValue(json)) throw new UsageException("give --markdown or --json, not both");
            var options = new ComparisonOptions
            {
                Metric = p.GetValue(metric) == "instructions" ? Metric.Instructions : Metric.Time,
                Threshold = p.Given(threshold) ? p.GetValue(threshold) : null,
                NoiseNs = p.Given(noise) ? p.GetValue(noise) : ComparisonOptions.DefaultNoiseNs,
                NormalizeTo = p.GetValue(normalizeTo),
                AllowDifferentHosts = p.GetValue(allowHosts),
                FailOnUnstable = p.GetValue(failOnUnstable),
            };
            var report = Comparer.Compare(ResultsLoader.Load(p.GetValue(baseline)!), ResultsLoader.Load(p.GetValue(current)!), options);
            if (p.GetValue(json)) stdout.Write(new JsonReportFormatter().Format(report));
            else if (p.GetValue(markdown)) stdout.Write(new MarkdownFormatter().Format(report));
            else WriteText(TextReport.Of(report), console.OutRenderer);
            return report.ExitCode;
        }));
        return command;
    }

    /// <summary>The table drawn on a terminal; in a log, aligned lines with a rule under the header, as the gate's readers expect.</summary>
    private static void WriteText(TextReport text, IConsoleRenderer output)
    {
        foreach (var line in text.Head) output.Line(line);
        output.Table(new TextTable
        {
            Columns = [.. text.Columns.Select(c => new TextColumn(c.Header, c.AlignRight))],
            Rows = text.Rows,
            HeaderRule = true,
        });
        foreach (var line in text.Tail) output.Line(line);
    }

    /// <summary>"0.3ns", "0.3 ns", "2us", "2µs", "1ms", "0.5s", or a bare number of ns.</summary>
    public static double ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        (string Suffix, double Ns)[] units = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)];
        double scale = 1;
        foreach (var (suffix, ns) in units)
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                scale = ns;
                t = t[..^suffix.Length].TrimEnd();
                break;
            }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < 0)
            throw new FormatException($"option --noise expects a non-negative duration such as 0.3ns or 2us, got '{text}'");
        return v * scale;
    }
}
