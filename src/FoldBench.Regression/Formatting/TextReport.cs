using FoldBench.Regression.Comparison;
using FoldBench.Results.Formatting;

namespace FoldBench.Regression.Formatting;

/// <summary>
/// compare's text form as parts: the lines above the table, the table as cells, the lines below. The CLI hands
/// them to its console renderer (a drawn table on a terminal; aligned lines with a rule under the header in a
/// log, as CI greps them); a library never prints.
/// </summary>
public sealed record TextReport
{
    /// <summary>BASE, CURRENT, the host and drift lines when there are any, the settings, a blank line.</summary>
    public required IReadOnlyList<string> Head { get; init; }

    public required IReadOnlyList<TextReportColumn> Columns { get; init; }

    /// <summary>One row per case, as many cells as <see cref="Columns"/>.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Rows { get; init; }

    /// <summary>A blank line, the iteration evidence when any case was unstable, the summary, the lists, the outcome.</summary>
    public required IReadOnlyList<string> Tail { get; init; }

    public static TextReport Of(ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var head = new List<string> { $"BASE    {report.BaseSource}", $"CURRENT {report.CurrentSource}" };
        if (ReportText.HostLine(report) is { } host) head.Add(host);
        if (ReportText.DriftLine(report) is { } drift) head.Add(drift);
        head.Add(ReportText.Settings(report));
        head.Add("");

        var name = ReportText.Namer(report);
        var metric = report.Options.Metric;
        var rows = report.Cases.Select(c => (IReadOnlyList<string>)
        [
            name(c), ReportText.Value(c.BaseValue, metric), ReportText.Value(c.CurrentValue, metric), Units.Ratio(c.Ratio), ReportText.Verdict(c), ReportText.Notes(c),
        ]).ToList();

        var tail = new List<string> { "" };
        var evidence = ReportText.Evidence(report);
        if (evidence.Count > 0)
        {
            tail.Add("Iterations in the order measured (▁ fastest … █ slowest of each case):");
            tail.AddRange(evidence.Select(line => "  " + line));
            tail.Add("");
        }
        tail.Add("Summary: " + ReportText.Counts(report));
        foreach (var (title, list) in ReportText.Lists(report))
        {
            tail.Add($"{title} ({list.Count}):");
            tail.AddRange(list.Select(item => $"  {item}"));
        }
        tail.Add(ReportText.Outcome(report));

        return new TextReport
        {
            Head = head,
            Columns = [new("Case", false), new("Base", true), new("Current", true), new("Ratio", true), new("Verdict", false), new("Notes", false)],
            Rows = rows,
            Tail = tail,
        };
    }
}

/// <summary>A column of <see cref="TextReport"/>: its header and whether its cells are numbers (right-aligned).</summary>
public sealed record TextReportColumn(string Header, bool AlignRight);
