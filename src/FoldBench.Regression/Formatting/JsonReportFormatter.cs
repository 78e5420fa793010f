using System.Text.Json;
using FoldBench.Regression.Comparison;

namespace FoldBench.Regression.Formatting;

/// <summary>The whole comparison as JSON, schema <c>foldbench-compare/1</c>, for scripts and dashboards.</summary>
public sealed class JsonReportFormatter : IReportFormatter
{
    public const string SchemaId = "foldbench-compare/1";

    public string Format(ComparisonReport report) =>
        JsonSerializer.Serialize(Document(report), CompareJsonContext.Default.CompareDocument) + Environment.NewLine;

    public static CompareDocument Document(ComparisonReport report)
    {
        var o = report.Options;
        return new CompareDocument(
            SchemaId, report.BaseSource, report.CurrentSource,
            new CompareSettings(o.Metric, o.EffectiveThreshold, o.NoiseNs, o.Alpha, report.ReferenceCase, o.AllowDifferentHosts),
            report.HostDifference, report.Judged,
            new CompareSummary(report.GeometricMeanRatio, report.Count(Verdict.Faster), report.Count(Verdict.Same),
                report.Count(Verdict.Slower), report.Count(Verdict.Noisy), report.ExitCode),
            [.. report.Cases.Select(c => new CompareCase(
                c.FullName, c.DisplayName, c.BaseValue, c.CurrentValue, c.Ratio, ReportText.Verdict(c), c.Method,
                c.BaseSamples, c.CurrentSamples, c.PSlower, c.PFaster, c.PEquivalent,
                Statistics.Modality.Describe(c.BaseModes), Statistics.Modality.Describe(c.CurrentModes), c.Notes))],
            report.OnlyInBase, report.OnlyInCurrent, report.Skipped, report.CorrectnessFailures);
    }
}
