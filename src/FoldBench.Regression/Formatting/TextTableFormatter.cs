using System.Text;
using FoldBench.Regression.Comparison;
using FoldBench.Results.Formatting;

namespace FoldBench.Regression.Formatting;

/// <summary>A plain aligned table for a terminal or a CI log.</summary>
public sealed class TextTableFormatter : IReportFormatter
{
    public string Format(ComparisonReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"BASE    {report.BaseSource}");
        sb.AppendLine($"CURRENT {report.CurrentSource}");
        if (ReportText.HostLine(report) is { } host) sb.AppendLine(host);
        if (ReportText.DriftLine(report) is { } drift) sb.AppendLine(drift);
        sb.AppendLine(ReportText.Settings(report));
        sb.AppendLine();

        var name = ReportText.Namer(report);
        var metric = report.Options.Metric;
        var rows = report.Cases.Select(c => new[]
        {
            name(c), ReportText.Value(c.BaseValue, metric), ReportText.Value(c.CurrentValue, metric), Units.Ratio(c.Ratio), ReportText.Verdict(c), ReportText.Notes(c),
        }).ToList();
        string[] header = ["Case", "Base", "Current", "Ratio", "Verdict", "Notes"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        bool[] rightAlign = [false, true, true, true, false, false];
        void Line(string[] cells)
        {
            var parts = cells.Select((s, i) => i == cells.Length - 1 ? s : rightAlign[i] ? s.PadLeft(widths[i]) : s.PadRight(widths[i]));
            sb.AppendLine(string.Join("  ", parts).TrimEnd());
        }
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var r in rows) Line(r);
        sb.AppendLine();

        var evidence = ReportText.Evidence(report);
        if (evidence.Count > 0)
        {
            sb.AppendLine("Iterations in the order measured (▁ fastest … █ slowest of each case):");
            foreach (var line in evidence) sb.AppendLine("  " + line);
            sb.AppendLine();
        }
        sb.AppendLine("Summary: " + ReportText.Counts(report));
        foreach (var (title, list) in Lists(report))
        {
            sb.AppendLine($"{title} ({list.Count}):");
            foreach (var item in list) sb.AppendLine($"  {item}");
        }
        sb.AppendLine(ReportText.Outcome(report));
        return sb.ToString();
    }

    internal static IEnumerable<(string Title, IReadOnlyList<string> Items)> Lists(ComparisonReport r)
    {
        if (r.CorrectnessFailures.Count > 0) yield return ("Correctness failures in CURRENT", r.CorrectnessFailures);
        if (r.OnlyInBase.Count > 0) yield return ("Only in BASE", r.OnlyInBase);
        if (r.OnlyInCurrent.Count > 0) yield return ("Only in CURRENT", r.OnlyInCurrent);
        if (r.Skipped.Count > 0) yield return ("Not compared", r.Skipped);
    }
}
