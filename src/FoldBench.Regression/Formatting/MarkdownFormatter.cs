using System.Text;
using FoldBench.Regression.Comparison;
using FoldBench.Results.Formatting;

namespace FoldBench.Regression.Formatting;

/// <summary>GitHub-flavoured markdown for a pull-request comment: outcome first, then the table.</summary>
public sealed class MarkdownFormatter : IReportFormatter
{
    public string Format(ComparisonReport report)
    {
        var sb = new StringBuilder();
        string mark = report.ExitCode == ComparisonReport.ExitOk ? (report.HasDoubt ? "⚠️" : "✅") : report.ExitCode == ComparisonReport.ExitUnstable ? "⚠️" : "❌";
        sb.AppendLine($"### FoldBench compare: {mark} {Escape(ReportText.Outcome(report))}");
        sb.AppendLine();
        sb.AppendLine($"BASE `{report.BaseSource}` · CURRENT `{report.CurrentSource}`  ");
        if (ReportText.HostLine(report) is { } host) sb.AppendLine($"**{Escape(host)}**  ");
        if (ReportText.DriftLine(report) is { } drift) sb.AppendLine($"**{Escape(drift)}**  ");
        sb.AppendLine(Escape(ReportText.Settings(report)) + "  ");
        sb.AppendLine(Escape(ReportText.Counts(report)));
        sb.AppendLine();
        sb.AppendLine("| Case | Base | Current | Ratio | Verdict | Notes |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        var name = ReportText.Namer(report);
        var metric = report.Options.Metric;
        // Slowdowns first: that is what a reviewer opens the comment for.
        foreach (var c in report.Cases.OrderBy(c => c.IsReference ? 6 : c.Verdict switch
                 { Verdict.Slower => 0, Verdict.Unstable => 1, Verdict.Noisy => 2, Verdict.Drifted => 3, Verdict.Faster => 4, _ => 5 }))
        {
            string verdict = ReportText.Verdict(c);
            if (c.Verdict == Verdict.Slower && !c.IsReference) verdict = "**slower**";
            sb.AppendLine($"| {Escape(name(c))} | {ReportText.Value(c.BaseValue, metric)} | {ReportText.Value(c.CurrentValue, metric)} | {Units.Ratio(c.Ratio)} | {verdict} | {Escape(ReportText.Notes(c))} |");
        }
        var evidence = ReportText.Evidence(report);
        if (evidence.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("**Iterations in the order measured** (▁ fastest … █ slowest of each case):");
            sb.AppendLine("```");
            foreach (var line in evidence) sb.AppendLine(line);
            sb.AppendLine("```");
        }
        foreach (var (title, list) in ReportText.Lists(report))
        {
            sb.AppendLine();
            sb.AppendLine($"**{title}** ({list.Count}):");
            foreach (var item in list) sb.AppendLine($"- {Escape(item)}");
        }
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
}
