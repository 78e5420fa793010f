using System.Text.Json;
using System.Text.Json.Serialization;

namespace FoldBench.Benchmarks.Probes;

/// <summary>
/// <c>instructions.json</c>, written beside summary.json by <c>run --instructions</c>: the provenance of the
/// counts (valgrind, its command line and environment, the marker) and every case's raw phases.
/// </summary>
public sealed record InstructionsDocument
{
    public const string FileName = "instructions.json";
    public const string SchemaId = "foldbench-instructions/1";

    public string Schema { get; init; } = SchemaId;
    /// <summary>The valgrind version that counted ("valgrind-3.19.0").</summary>
    public required string Tool { get; init; }
    public required string CommandLine { get; init; }
    /// <summary>The variables the probe process ran with on top of the inherited ones.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
    /// <summary>The function whose calls delimit the counted phases.</summary>
    public required string Marker { get; init; }
    /// <summary>The two repetition counts (R1, R2) whose difference gives instructions per operation.</summary>
    public required IReadOnlyList<int> Reps { get; init; }
    public double ElapsedSeconds { get; init; }
    /// <summary>Instructions between consecutive marker calls, in order.</summary>
    public required IReadOnlyList<long> PhaseInstructions { get; init; }
    public required IReadOnlyList<InstructionsCase> Cases { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, InstructionsJsonContext.Default.InstructionsDocument);
}

/// <summary>One case's counts: per operation and per multiply-add, the phases they come from, and its correctness check.</summary>
public sealed record InstructionsCase
{
    public required string FullName { get; init; }
    public double InstructionsPerOp { get; init; }
    public double InstructionsPerMac { get; init; }
    public long PhaseR1 { get; init; }
    public long PhaseR2 { get; init; }
    /// <summary>The R1 phase run again: equal to <see cref="PhaseR1"/> when the count is reproducible.</summary>
    public long PhaseR1Again { get; init; }
    public bool Repeatable { get; init; }
    public bool Correct { get; init; }
    public double MaxAbsError { get; init; }
}

/// <summary>The source-generated serializer of <see cref="InstructionsDocument"/> (camelCase, indented; NaN written as "NaN", never a crash).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(InstructionsDocument))]
public sealed partial class InstructionsJsonContext : JsonSerializerContext;
