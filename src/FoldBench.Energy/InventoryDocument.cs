using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using FoldBench.Energy.Sources;

namespace FoldBench.Energy;

/// <summary>
/// <c>foldbench sensors --json</c>: every energy source probed, its state and reason, what a usable one reads and
/// how well, and which one a run would sample (or why none).
/// </summary>
public sealed record InventoryDocument
{
    public required string SysfsRoot { get; init; }
    public required string DevCpuRoot { get; init; }
    /// <summary>Null when no source is usable (<see cref="UnavailableReason"/> says why).</summary>
    public ChosenSourceDocument? Chosen { get; init; }
    public string? UnavailableReason { get; init; }
    public required IReadOnlyList<SourceDocument> Sources { get; init; }

    /// <summary>The document of <paramref name="inventory"/>, in its order of sources.</summary>
    public static InventoryDocument From(EnergyInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var infos = inventory.Describe();
        return new InventoryDocument
        {
            SysfsRoot = inventory.Options.SysfsRoot,
            DevCpuRoot = inventory.Options.DevCpuRoot,
            Chosen = inventory.Chosen is { } c ? new ChosenSourceDocument(c.Name, c.Selection.Name, c.Selection.Why) : null,
            UnavailableReason = inventory.UnavailableReason,
            Sources = [.. inventory.Sources.Select((s, i) =>
            {
                bool usable = s.State == SourceState.Usable;
                return new SourceDocument
                {
                    Name = infos[i].Name,
                    State = infos[i].State,
                    Reason = infos[i].Reason,
                    Domains = infos[i].Domains,
                    Estimated = s.Estimated,
                    Provenance = s.Provenance,
                    Kind = s.Kind.ToString(),
                    Chosen = ReferenceEquals(s, inventory.Chosen),
                    Reads = usable ? [.. s.Domains.Select(d => new ReadDocument(d.Name, d.Role.ToString().ToLowerInvariant(), d.Path))] : null,
                    Unit = s.Unit,
                    ResolutionJoules = usable ? s.ResolutionJoules : null,
                    UpdatePeriodSeconds = usable ? s.UpdatePeriod.TotalSeconds : null,
                    WrapJoules = s.WrapJoules,
                    Privilege = s.Privilege,
                };
            })],
        };
    }

    /// <summary>
    /// Indented camelCase JSON with every field (nulls included). Escaping is relaxed: reasons hold quotes and
    /// apostrophes that a reader should see as typed, and the output goes to a terminal or a file, never into HTML.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(this, Relaxed.InventoryDocument);

    private static readonly InventoryJsonContext Relaxed = new(new JsonSerializerOptions(InventoryJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });
}

/// <summary>The source a run would sample, its domain and why that one.</summary>
public sealed record ChosenSourceDocument(string Source, string Domain, string Why);

/// <summary>One source as probed.</summary>
public sealed record SourceDocument
{
    public required string Name { get; init; }
    /// <summary>"usable", "absent", "permission-denied", …</summary>
    public required string State { get; init; }
    public string? Reason { get; init; }
    public required IReadOnlyList<string> Domains { get; init; }
    public bool Estimated { get; init; }
    /// <summary>"measured", "simulated" (read under a fixture root) or "trace".</summary>
    public string Provenance { get; init; } = FoldBench.Results.EnergyProvenance.Measured;
    /// <summary>"EnergyCounter", "BatteryGauge", "WindowsMeter", "ExternalMeter".</summary>
    public required string Kind { get; init; }
    public bool Chosen { get; init; }
    /// <summary>What a usable source reads; null for one that is not usable.</summary>
    public IReadOnlyList<ReadDocument>? Reads { get; init; }
    public required string Unit { get; init; }
    public double? ResolutionJoules { get; init; }
    public double? UpdatePeriodSeconds { get; init; }
    public double? WrapJoules { get; init; }
    public required string Privilege { get; init; }
}

/// <summary>One domain a usable source reads: its name, its role ("package", "core", …) and the file or register.</summary>
public sealed record ReadDocument(string Name, string Role, string Path);

/// <summary>The source-generated serializer of <see cref="InventoryDocument"/>.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(InventoryDocument))]
public sealed partial class InventoryJsonContext : JsonSerializerContext;
