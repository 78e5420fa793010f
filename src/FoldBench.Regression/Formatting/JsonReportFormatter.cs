using System.Text.Json;
using FoldBench.Regression.Comparison;

namespace FoldBench.Regression.Formatting;

/// <summary>The whole comparison as JSON, schema <c>foldbench-compare/2</c>, for scripts and dashboards.</summary>
public sealed class JsonReportFormatter : IReportFormatter
{
    public const string SchemaId = "foldbench-compare/2";

    public string Format(ComparisonReport report) =>
        JsonSerializer.Serialize(Document(report), CompareJsonContext.Default.CompareDocument) + Environment.NewLine;

    public static CompareDocument Document(ComparisonReport report)
    {
        var o = report.Options;
        return new CompareDocument(
            SchemaId, report.BaseSource, report.CurrentSource,
            new CompareSettings(o.Metric, o.EffectiveThreshold, o.NoiseNs, o.Alpha, report.ReferenceCase, o.AllowDifferentHosts, o.FailOnUnstable),
            report.HostDifference, report.Judged,
            report.MachineDrift is { } d ? new CompareDrift(d.Factor, d.Scatter, d.Margin, d.Consistent, d.Candidates) : null,
            new CompareSummary(report.GeometricMeanRatio, report.Count(Verdict.Faster), report.Count(Verdict.Same),
                report.Count(Verdict.Slower), report.Count(Verdict.Noisy), report.Count(Verdict.Unstable), report.Count(Verdict.Drifted), report.ExitCode),
            [.. report.Cases.Select(c => new CompareCase(
                c.FullName, c.DisplayName, c.BaseValue, c.CurrentValue, c.Ratio, ReportText.Verdict(c), c.Method,
                c.BaseSamples, c.CurrentSamples, c.PSlower, c.PFaster, c.PEquivalent,
                Statistics.Modality.Describe(c.BaseModes), Statistics.Modality.Describe(c.CurrentModes), c.Notes,
                Stationarity(c.BaseStationarity), Stationarity(c.CurrentStationarity), c.JudgedOn, c.RatioToCommonFactor,
                c.BaseSeries, c.CurrentSeries, c.BaseLaunchLevels, c.CurrentLaunchLevels))],
            report.OnlyInBase, report.OnlyInCurrent, report.Skipped, report.CorrectnessFailures);
    }

    private static CompareStationarity? Stationarity(Statistics.StationarityResult? s) => s is null ? null
        : new CompareStationarity(
            s.Shape.ToString().ToLowerInvariant(),
            [.. s.Segments.Skip(1).Select(x => x.Start + 1)],
            [.. s.Segments.Select(x => x.Median)],
            s.Trend?.PValue, s.DriftFraction, s.SteadyLevel is { } l ? [l.Start + 1, l.End] : null);
}
