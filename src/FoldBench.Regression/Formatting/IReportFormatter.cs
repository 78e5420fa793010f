using FoldBench.Regression.Comparison;

namespace FoldBench.Regression.Formatting;

/// <summary>Turns a comparison into text for one audience (a terminal, a pull-request comment, a machine).</summary>
public interface IReportFormatter
{
    string Format(ComparisonReport report);
}

/// <summary>Number formatting shared by the formatters.</summary>
public static class Units
{
    /// <summary>A time in ns with a readable unit: "0.42 ns", "12.3 µs", "4.56 ms".</summary>
    public static string Time(double ns)
    {
        if (double.IsNaN(ns)) return "n/a";
        double a = Math.Abs(ns);
        return a switch
        {
            >= 1e9 => $"{ns / 1e9:0.###} s",
            >= 1e6 => $"{ns / 1e6:0.###} ms",
            >= 1e3 => $"{ns / 1e3:0.###} µs",
            _ => $"{ns:0.###} ns",
        };
    }

    /// <summary>An instruction count: "1,234,567".</summary>
    public static string Count(double n) => double.IsNaN(n) ? "n/a" : n.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture);

    public static string Value(double v, Metric metric) => metric == Metric.Instructions ? Count(v) : Time(v);

    public static string Ratio(double r) => double.IsNaN(r) ? "n/a" : r.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";

    public static string Verdict(CaseComparison c) => c.IsReference ? "reference" : c.Verdict.ToString().ToLowerInvariant();

    /// <summary>One line naming the settings, shared by the text and markdown forms.</summary>
    public static string Settings(ComparisonReport r)
    {
        var o = r.Options;
        string s = o.Metric == Metric.Instructions
            ? $"metric: instructions per op, threshold {Percent(o.EffectiveThreshold)}"
            : $"metric: time per op, threshold {Percent(o.EffectiveThreshold)}, noise floor {Time(o.NoiseNs)}, α = {o.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        if (r.ReferenceCase is not null) s += $", normalized to '{r.ReferenceCase}'";
        return s;
    }

    public static string Counts(ComparisonReport r) =>
        $"geometric mean ratio {Ratio(r.GeometricMeanRatio)}; faster {r.Count(Comparison.Verdict.Faster)}, same {r.Count(Comparison.Verdict.Same)}, " +
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
