using FoldBench.Regression.Comparison;
using FoldBench.Results.Formatting;

namespace FoldBench.Regression.Formatting;

/// <summary>Turns a comparison into a document for one audience (a pull-request comment, a machine); the console's form is <see cref="TextReport"/>.</summary>
public interface IReportFormatter
{
    string Format(ComparisonReport report);
}

/// <summary>
/// The lines and cells the text form (<see cref="TextReport"/>) and the markdown formatter share. Numbers go through
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

    public static string Counts(ComparisonReport r)
    {
        string s = $"geometric mean ratio {Units.Ratio(r.GeometricMeanRatio)}; faster {r.Count(Comparison.Verdict.Faster)}, same {r.Count(Comparison.Verdict.Same)}, " +
                   $"slower {r.Count(Comparison.Verdict.Slower)}, noisy {r.Count(Comparison.Verdict.Noisy)}";
        // The newer verdicts only when they occur, so that a plain comparison reads as it always did.
        if (r.Count(Comparison.Verdict.Unstable) > 0) s += $", unstable {r.Count(Comparison.Verdict.Unstable)}";
        if (r.Count(Comparison.Verdict.Drifted) > 0) s += $", drifted {r.Count(Comparison.Verdict.Drifted)}";
        return s;
    }

    /// <summary>The line that says most cases moved with the machine; null when they did not.</summary>
    public static string? DriftLine(ComparisonReport r) => r.MachineDrift is not { } d ? null
        : $"MACHINE DRIFT SUSPECTED: {d.Consistent} of {d.Candidates} cases moved by a common factor of {Units.Ratio(d.Factor)}" +
          (d.Scatter > 1 ? $" (scattered ×/÷ {Units.Ratio(d.Scatter)} around it)" : "") +
          " and the run has no same-run reference to tell the machine from the code (--normalize-to gives one); every case is judged " +
          $"relative to that factor, with a margin of {Units.FractionAsShortPercent(Math.Round(d.Margin, 3))}";

    /// <summary>Eight levels, lowest first: a series drawn in one line of text.</summary>
    public const string SparkLevels = "▁▂▃▄▅▆▇█";

    /// <summary>The series as a sparkline scaled to [<paramref name="min"/>, <paramref name="max"/>] (▁ lowest, █ highest).</summary>
    public static string Sparkline(IReadOnlyList<double> series, double min, double max)
    {
        var chars = new char[series.Count];
        for (int i = 0; i < series.Count; i++)
        {
            double f = max > min ? (series[i] - min) / (max - min) : 0;
            chars[i] = SparkLevels[Math.Clamp((int)Math.Round(f * (SparkLevels.Length - 1)), 0, SparkLevels.Length - 1)];
        }
        return new string(chars);
    }

    /// <summary>
    /// The evidence behind every unstable verdict or steady-segment judgement: each side's iterations in
    /// order as a sparkline on one scale per case, its range and what the stationarity check found.
    /// </summary>
    public static IReadOnlyList<string> Evidence(ComparisonReport r)
    {
        var lines = new List<string>();
        var name = Namer(r);
        foreach (var c in r.Cases.Where(c => c.BaseStationarity is { IsSteady: false } || c.CurrentStationarity is { IsSteady: false }))
        {
            if (c.BaseSeries.Count == 0 || c.CurrentSeries.Count == 0) continue;
            double min = Math.Min(c.BaseSeries.Min(), c.CurrentSeries.Min()), max = Math.Max(c.BaseSeries.Max(), c.CurrentSeries.Max());
            lines.Add($"{name(c)}: {ReportText.Verdict(c)}{(c.JudgedOn is { } on ? $", judged on {on}" : "")}");
            lines.Add($"  BASE     {Sparkline(c.BaseSeries, min, max)}  {Range(c.BaseSeries)}{Shape(c.BaseStationarity)}");
            lines.Add($"  CURRENT  {Sparkline(c.CurrentSeries, min, max)}  {Range(c.CurrentSeries)}{Shape(c.CurrentStationarity)}");
        }
        return lines;
    }

    private static string Range(IReadOnlyList<double> s) => $"{Units.Time(s.Min())}–{Units.Time(s.Max())}";

    private static string Shape(Statistics.StationarityResult? s) => s switch
    {
        null or { IsSteady: true } => "",
        { Shape: Statistics.SeriesShape.Drift } => $", drift {(s.DriftFraction > 0 ? "+" : "−")}{Units.FractionAsShortPercent(Math.Round(Math.Abs(s.DriftFraction ?? 0), 2))}",
        _ => $", change point{(s.Segments.Count > 2 ? "s" : "")} at iteration{(s.Segments.Count > 2 ? "s" : "")} {string.Join(", ", s.Segments.Skip(1).Select(x => x.Start + 1))}" +
             (s.SteadyLevel is { } l ? $", judged on {l.Start + 1}–{l.End}" : ""),
    };

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
        if (r.ExitCode is ComparisonReport.ExitOk or ComparisonReport.ExitUnstable)
        {
            string doubt = Doubt(r);
            if (r.ExitCode == ComparisonReport.ExitUnstable) return $"UNSTABLE: no case is slower beyond the threshold, but {doubt} (--fail-on-unstable: re-run to judge)";
            return "OK: no case is slower beyond the threshold" + (doubt.Length > 0 ? $"; {doubt} (re-run to judge them)" : "");
        }
        var parts = new List<string>();
        int slower = r.Judged ? r.Count(Comparison.Verdict.Slower) : 0;
        if (slower > 0) parts.Add($"{slower} case{(slower == 1 ? "" : "s")} slower");
        if (r.CorrectnessFailures.Count > 0) parts.Add($"{r.CorrectnessFailures.Count} correctness failure{(r.CorrectnessFailures.Count == 1 ? "" : "s")} in CURRENT");
        return "REGRESSION: " + string.Join(", ", parts);
    }

    private static string Doubt(ComparisonReport r)
    {
        var parts = new List<string>();
        int unstable = r.Count(Comparison.Verdict.Unstable), drifted = r.Count(Comparison.Verdict.Drifted);
        if (unstable > 0) parts.Add($"{unstable} case{(unstable == 1 ? " was" : "s were")} unstable");
        if (r.MachineDrift is { } d) parts.Add($"machine drift suspected ({drifted} case{(drifted == 1 ? "" : "s")} moved by {Units.Ratio(d.Factor)})");
        return string.Join(" and ", parts);
    }

    /// <summary>Short names when they are unique among the cases, full names otherwise.</summary>
    public static Func<CaseComparison, string> Namer(ComparisonReport r)
    {
        bool unique = r.Cases.Select(c => c.DisplayName).Distinct(StringComparer.Ordinal).Count() == r.Cases.Count;
        return unique ? c => c.DisplayName : c => c.FullName;
    }

    /// <summary>The lists after the table, each with its title: correctness failures, unmatched and skipped cases.</summary>
    public static IEnumerable<(string Title, IReadOnlyList<string> Items)> Lists(ComparisonReport r)
    {
        if (r.CorrectnessFailures.Count > 0) yield return ("Correctness failures in CURRENT", r.CorrectnessFailures);
        if (r.OnlyInBase.Count > 0) yield return ("Only in BASE", r.OnlyInBase);
        if (r.OnlyInCurrent.Count > 0) yield return ("Only in CURRENT", r.OnlyInCurrent);
        if (r.Skipped.Count > 0) yield return ("Not compared", r.Skipped);
    }

    public static string Notes(CaseComparison c)
    {
        var notes = new List<string>(c.Notes);
        if (c.Method == CompareMethod.MannWhitney && c.Verdict == Comparison.Verdict.Noisy)
            notes.Insert(0, $"p(slower) {c.PSlower:0.###}, p(same) {c.PEquivalent:0.###}");
        return string.Join("; ", notes);
    }
}
