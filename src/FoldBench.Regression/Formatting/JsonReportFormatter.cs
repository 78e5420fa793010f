using System.Text.Json;
using System.Text.Json.Serialization;
using FoldBench.Regression.Comparison;

namespace FoldBench.Regression.Formatting;

/// <summary>The whole comparison as JSON, schema <c>foldbench-compare/1</c>, for scripts and dashboards.</summary>
public sealed class JsonReportFormatter : IReportFormatter
{
    public const string SchemaId = "foldbench-compare/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Format(ComparisonReport report)
    {
        var o = report.Options;
        var dto = new
        {
            schema = SchemaId,
            @base = report.BaseSource,
            current = report.CurrentSource,
            settings = new { metric = o.Metric, threshold = o.EffectiveThreshold, noiseNs = o.NoiseNs, alpha = o.Alpha, normalizeTo = report.ReferenceCase, allowDifferentHosts = o.AllowDifferentHosts },
            hostDifference = report.HostDifference,
            judged = report.Judged,
            summary = new
            {
                geometricMeanRatio = report.GeometricMeanRatio,
                faster = report.Count(Verdict.Faster),
                same = report.Count(Verdict.Same),
                slower = report.Count(Verdict.Slower),
                noisy = report.Count(Verdict.Noisy),
                exitCode = report.ExitCode,
            },
            cases = report.Cases.Select(c => new
            {
                c.FullName, name = c.DisplayName, @base = c.BaseValue, current = c.CurrentValue, c.Ratio,
                verdict = c.IsReference ? "reference" : c.Verdict.ToString().ToLowerInvariant(), c.Method,
                c.BaseSamples, c.CurrentSamples, c.PSlower, c.PFaster, c.PEquivalent,
                baseModality = Statistics.Modality.Describe(c.BaseModes), currentModality = Statistics.Modality.Describe(c.CurrentModes),
                c.Notes,
            }),
            onlyInBase = report.OnlyInBase,
            onlyInCurrent = report.OnlyInCurrent,
            notCompared = report.Skipped,
            correctnessFailures = report.CorrectnessFailures,
        };
        return JsonSerializer.Serialize(dto, Options) + Environment.NewLine;
    }
}
