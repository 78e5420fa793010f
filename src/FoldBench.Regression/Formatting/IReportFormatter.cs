using FoldBench.Regression.Comparison;
using FoldBench.Results.Formatting;

namespace FoldBench.Regression.Formatting;

/// <summary>Turns a comparison into text for one audience (a terminal, a pull-request comment, a machine).</summary>
public interface IReportFormatter
{
    string Format(ComparisonReport report);
}

/// <summary>
/// The lines and cells the text and markdown formatters share. Numbers go through
/// <see cref="Units"/>, FoldBench's one unit formatter.
/// </summary>
public static class ReportText
{
    public static string Value(double v, Metric metric) => metric == Metric.Instructions ? Units.Count(v) : Units.TimeDecimals(v);

    public static string Verdict(CaseComparison c) => c.IsReference ? "reference" : c.Verdict.ToString().ToLowerInvariant();

    /// <summary>One line naming the settings, shared by the text and markdown forms.</summary>
    public static string Settings(ComparisonReport r)
    {
        var o = r.Options;
        string s = o.Metric == Metric.Instructions
            ? $"metric: instructions per op, threshold {Units.FractionAsShortPercent(o.EffectiveThreshold)}"
            : $"metric: time per op, threshold {Units.FractionAsShortPercent(o.EffectiveThreshold)}, noise floor {Units.TimeDecimals(o.NoiseNs)}, α = {Units.Plain(o.Alpha)}";
        if (r.ReferenceCase is not null) s += $", normalized to '{r.ReferenceCase}'";
        return s;
    }

    public static string Counts(ComparisonReport r) =>
        $"geometric mean ratio {Units.Ratio(r.GeometricMeanRatio)}; faster {r.Count(Comparison.Verdict.Faster)}, same {r.Count(Comparison.Verdict.Same)}, " +
        $"slower {r.Count(Comparison.Verdict.Slower)}, noisy {r.Count(Comparison.Verdict.Noisy)}";

    /// <summary>The line that says the two sides ran on different hosts, and what follows from it; null when they did not.</summary>
    public static string? HostLine(ComparisonReport r)
    {
        if (r.HostDifference is null) return null;
        if (!r.Judged) return $"HOSTS DIFFER, {r.HostDifference}: timed comparison skipped (shown for information, never a regression; --allow-different-hosts judges it anyway)";
        return r.Options.Metric == Metric.Instructions
            ? $"hosts differ, {r.HostDifference} (instruction counts do not depend on the host CPU; they do on the runtime)"
            : $"HOSTS DIFFER, {r.HostDifference}: judged anyway (--allow-different-hosts)";
    }

    public static string Outcome(ComparisonReport r)
    {
        if (!r.Judged && r.ExitCode == 0)
        {
            int s = r.Count(Comparison.Verdict.Slower);
            return $"NOT JUDGED: timings from different hosts{(s > 0 ? $" ({s} case{(s == 1 ? "" : "s")} would read slower)" : "")}; no correctness failure";
        }
        if (r.ExitCode == 0) return "OK: no case is slower beyond the threshold";
        var parts = new List<string>();
        int slower = r.Judged ? r.Count(Comparison.Verdict.Slower) : 0;
        if (slower > 0) parts.Add($"{slower} case{(slower == 1 ? "" : "s")} slower");
        if (r.CorrectnessFailures.Count > 0) parts.Add($"{r.CorrectnessFailures.Count} correctness failure{(r.CorrectnessFailures.Count == 1 ? "" : "s")} in CURRENT");
        return "REGRESSION: " + string.Join(", ", parts);
    }

    /// <summary>Short names when they are unique among the cases, full names otherwise.</summary>
    public static Func<CaseComparison, string> Namer(ComparisonReport r)
    {
        bool unique = r.Cases.Select(c => c.DisplayName).Distinct(StringComparer.Ordinal).Count() == r.Cases.Count;
        return unique ? c => c.DisplayName : c => c.FullName;
    }

    public static string Notes(CaseComparison c)
    {
        var notes = new List<string>(c.Notes);
        if (c.Method == CompareMethod.MannWhitney && c.Verdict == Comparison.Verdict.Noisy)
            notes.Insert(0, $"p(slower) {c.PSlower:0.###}, p(same) {c.PEquivalent:0.###}");
        return string.Join("; ", notes);
    }
}
