using System.Globalization;
using FoldBench.Regression.Comparison;
using FoldBench.Regression.Formatting;
using FoldBench.Regression.Loading;

namespace FoldBench.Cli.Commands;

/// <summary>`foldbench compare BASE CURRENT`: the regression gate (statistical for time, exact for instructions).</summary>
public sealed class CompareCommand : ICommand
{
    public string Name => "compare";
    public string Summary => "Compare two results for regressions (CI gate)";

    public string Usage => """
        usage: foldbench compare BASE CURRENT [options]
          BASE, CURRENT         FoldBench results folders (or their summary.json), or BenchmarkDotNet
                                *-report-full.json files (or folders of them) from any project;
                                cases are matched by full name
          --metric time|instructions
                                what to judge (default: time)
          --threshold X         relative change that counts: 5% or 0.05 (default: 5% for time, 1% for instructions)
          --noise T             absolute noise floor for time: 0.3ns, 2us, 1ms (default: 0.3ns)
          --normalize-to NAME   divide every case by this case of the same run first (cancels machine drift);
                                NAME is a full name, a short name or a unique part of one
          --allow-different-hosts
                                judge timings even when BASE and CURRENT ran on different CPUs or
                                runtimes (by default such a comparison is shown but never a regression)
          --markdown            print a markdown table (for a pull-request comment)
          --json                print JSON (schema foldbench-compare/1)
        exit code: 0 no regression (or timings from different hosts, not judged), 1 a case slower beyond the
                   threshold or a correctness failure in CURRENT,
                   2 bad input (missing or foreign file, no common cases, bad option)

        """;

    private static readonly string[] Flags = ["--markdown", "--json", "--allow-different-hosts"];
    private static readonly string[] Valued = ["--threshold", "--noise", "--normalize-to", "--metric"];

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CliArgs.Parse(args, Flags, Valued);
        a.ExpectPositionals(2, 2, "BASE and CURRENT (two results folders or report files)");
        if (a.Has("--markdown") && a.Has("--json")) throw new UsageException("give --markdown or --json, not both");

        var metric = a.Get("--metric", "time") switch
        {
            "time" => Metric.Time,
            "instructions" => Metric.Instructions,
            var m => throw new UsageException($"option --metric: unknown value '{m}' (expected time or instructions)"),
        };
        var options = new ComparisonOptions
        {
            Metric = metric,
            Threshold = a.Has("--threshold") ? a.GetDouble("--threshold", 0, 0, 1) : null,
            NoiseNs = a.Has("--noise") ? ParseDuration(a.Get("--noise")!) : ComparisonOptions.DefaultNoiseNs,
            NormalizeTo = a.Get("--normalize-to"),
            AllowDifferentHosts = a.Has("--allow-different-hosts"),
        };

        var baseline = ResultsLoader.Load(a.Positionals[0]);
        var current = ResultsLoader.Load(a.Positionals[1]);
        var report = Comparer.Compare(baseline, current, options);

        IReportFormatter formatter = a.Has("--json") ? new JsonReportFormatter()
            : a.Has("--markdown") ? new MarkdownFormatter()
            : new TextTableFormatter();
        stdout.Write(formatter.Format(report));
        return report.ExitCode;
    }

    /// <summary>"0.3ns", "0.3 ns", "2us", "2µs", "1ms", "0.5s", or a bare number of ns.</summary>
    public static double ParseDuration(string text)
    {
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
            throw new UsageException($"option --noise expects a non-negative duration such as 0.3ns or 2us, got '{text}'");
        return v * scale;
    }
}
