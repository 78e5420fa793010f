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
    CompareDrift? MachineDrift,
    CompareSummary Summary,
    IReadOnlyList<CompareCase> Cases,
    IReadOnlyList<string> OnlyInBase,
    IReadOnlyList<string> OnlyInCurrent,
    IReadOnlyList<string> NotCompared,
    IReadOnlyList<string> CorrectnessFailures);

public sealed record CompareSettings(Metric Metric, double Threshold, double NoiseNs, double Alpha, string? NormalizeTo, bool AllowDifferentHosts, bool FailOnUnstable);

public sealed record CompareSummary(double GeometricMeanRatio, int Faster, int Same, int Slower, int Noisy, int Unstable, int Drifted, int ExitCode);

/// <summary>Machine drift suspected: the common factor and how many cases it explains.</summary>
public sealed record CompareDrift(double Factor, double Scatter, double Margin, int Consistent, int Candidates);

/// <summary>One side's stationarity check.</summary>
/// <param name="Shape">steady, step, steps or drift.</param>
/// <param name="ChangePoints">1-based iterations where a new level starts.</param>
/// <param name="Levels">The median of each level, in order.</param>
/// <param name="SteadyLevel">1-based first and last iteration of the steady level judged on its own, when one was.</param>
public sealed record CompareStationarity(
    string Shape,
    IReadOnlyList<int> ChangePoints,
    IReadOnlyList<double> Levels,
    double? TrendP,
    double? DriftFraction,
    IReadOnlyList<int>? SteadyLevel);

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
    IReadOnlyList<string> Notes,
    CompareStationarity? BaseStationarity,
    CompareStationarity? CurrentStationarity,
    string? JudgedOn,
    double? RatioToCommonFactor,
    IReadOnlyList<double> BaseSeries,
    IReadOnlyList<double> CurrentSeries,
    IReadOnlyList<double> BaseLaunchLevels,
    IReadOnlyList<double> CurrentLaunchLevels);

/// <summary>Enum values as camelCase strings ("time", "mannWhitney").</summary>
public sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase) where T : struct, Enum;

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(CamelCaseEnumConverter<Metric>), typeof(CamelCaseEnumConverter<CompareMethod>)])]
[JsonSerializable(typeof(CompareDocument))]
public sealed partial class CompareJsonContext : JsonSerializerContext;
