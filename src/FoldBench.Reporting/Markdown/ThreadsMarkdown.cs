using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Markdown;

/// <summary>
/// report.md's threads section, when a run measured the model suites at more than one thread count (`--threads 1,2`):
/// per case, its time and net energy per token at each count against the fewest threads.
/// </summary>
internal static partial class ThreadsMarkdown
{
    public const string Title = "Threads: scaling";

    public static void Append(StringBuilder md, RunSummary s)
    {
        var cases = s.Cases.Where(c => c.Threads is not null && c.Unavailable is null && c.MedianNs > 0).ToList();
        if (cases.Select(c => c.Threads!.Value).Distinct().Count() < 2) return;
        md.AppendLine($"## {Title}").AppendLine();
        string workers = s.Placement?.WorkerCpus is { Count: > 0 } w
            ? " Workers ran on " + string.Join("; ", w.OrderBy(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture))
                .Select(kv => $"{kv.Key} threads: CPU{(kv.Value.Count > 1 ? "s" : "")} {string.Join(", ", kv.Value)}")) +
              (s.Placement.Cpu is int cpu ? $", next to the benchmark thread on CPU {cpu}." : ".")
            : "";
        md.AppendLine("Each projection's output panels split across the threads (the results are bit for bit the single-threaded ones); " +
                      "everything else in a step stays on the benchmark thread. Speed-up: time on the fewest threads ÷ time here; " +
                      "efficiency: speed-up ÷ (threads ÷ fewest threads). Energy: net per token, and its ratio to the fewest threads " +
                      "(above 1: the extra cores cost more energy than the shorter time saves). The roofline columns elsewhere are " +
                      "one core's and are left empty for cases on several threads." + workers).AppendLine();
        md.Append(Table(cases)).AppendLine();
    }

    /// <summary>One row per case and thread count, each case's rows together, fewest threads first.</summary>
    public static string Table(IReadOnlyList<CaseResult> cases)
    {
        var t = new MarkdownTable(("Case", false), ("Threads", true), ("Time / op", true), ("Speed-up", true), ("Efficiency", true),
            ("Energy / token (net)", true), ("Energy vs fewest", true));
        foreach (var g in cases.GroupBy(c => (c.Suite, Name: Unthreaded(c.Name))))
        {
            var rows = g.OrderBy(c => c.Threads).ToList();
            var b = rows[0];
            foreach (var c in rows)
            {
                double speedup = b.MedianNs / c.MedianNs, scale = (double)c.Threads!.Value / b.Threads!.Value;
                double? energy = c.Energy is { Attributable: true } e ? e.NetJoulesPerToken : null;
                double? baseEnergy = b.Energy is { Attributable: true } be ? be.NetJoulesPerToken : null;
                t.Add(g.Key.Name, c.Threads.Value.ToString(CultureInfo.InvariantCulture), Units.Time(c.MedianNs),
                    speedup.ToString("0.00", CultureInfo.InvariantCulture) + "×", Units.FractionAsPercent(speedup / scale),
                    ReportMarkdown.EnergyCell(c.Energy),
                    energy is double x && baseEnergy is double y && y > 0 ? (x / y).ToString("0.00", CultureInfo.InvariantCulture) + "×" : Units.Missing);
            }
        }
        return t.ToString();
    }

    /// <summary>The case's name without its " threads=N" (see the sweep's case names).</summary>
    private static string Unthreaded(string name) => ThreadsSuffix().Replace(name, "");

    [GeneratedRegex(@" threads=\d+")]
    private static partial Regex ThreadsSuffix();
}
