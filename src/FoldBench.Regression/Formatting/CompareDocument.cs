using System.Text.Json;
using System.Text.Json.Serialization;
using FoldBench.Regression.Comparison;

namespace FoldBench.Regression.Formatting;

/// <summary>The <c>foldbench-compare/1</c> document that <see cref="JsonReportFormatter"/> writes.</summary>
public sealed record CompareDocument(
    string Schema,
    string Base,
    string Current,
    CompareSettings Settings,
    string? HostDifference,
    bool Judged,
    CompareSummary Summary,
    IReadOnlyList<CompareCase> Cases,
    IReadOnlyList<string> OnlyInBase,
    IReadOnlyList<string> OnlyInCurrent,
    IReadOnlyList<string> NotCompared,
    IReadOnlyList<string> CorrectnessFailures);

public sealed record CompareSettings(Metric Metric, double Threshold, double NoiseNs, double Alpha, string? NormalizeTo, bool AllowDifferentHosts);

public sealed record CompareSummary(double GeometricMeanRatio, int Faster, int Same, int Slower, int Noisy, int ExitCode);

/// <param name="Verdict">The verdict in lower case, or "reference" for the --normalize-to case itself.</param>
public sealed record CompareCase(
    string FullName,
    string Name,
    double Base,
    double Current,
    double Ratio,
    string Verdict,
    CompareMethod Method,
    int BaseSamples,
    int CurrentSamples,
    double? PSlower,
    double? PFaster,
    double? PEquivalent,
    string BaseModality,
    string CurrentModality,
    IReadOnlyList<string> Notes);

/// <summary>Enum values as camelCase strings ("time", "mannWhitney").</summary>
public sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase) where T : struct, Enum;

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(CamelCaseEnumConverter<Metric>), typeof(CamelCaseEnumConverter<CompareMethod>)])]
[JsonSerializable(typeof(CompareDocument))]
public sealed partial class CompareJsonContext : JsonSerializerContext;
