using System.Text.Json.Serialization;

namespace FoldBench.Results;

/// <summary>
/// The source-generated serializer for <c>summary.json</c>: camelCase keys, every field written
/// (nulls included), and NaN/∞ as the named literals, so the file on disk reads as it always has.
/// </summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(CaseResult))]
public sealed partial class SummaryJsonContext : JsonSerializerContext;
