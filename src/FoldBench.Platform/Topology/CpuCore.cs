namespace FoldBench.Platform.Topology;

/// <summary>The core types a CPU is sorted into (<see cref="CpuCore.Type"/>).</summary>
public static class CoreTypes
{
    /// <summary>The fastest tier: Cortex-X/A7x cores, Intel P-cores, Apple performance cores.</summary>
    public const string Big = "big";
    /// <summary>A tier between big and little (phones with three clusters: X1 + A76 + A55).</summary>
    public const string Mid = "mid";
    /// <summary>The slowest tier: Cortex-A5x, Intel E-cores, Apple efficiency cores.</summary>
    public const string Little = "little";
    /// <summary>Every CPU of the machine is of one type.</summary>
    public const string Uniform = "uniform";
    /// <summary>The OS did not say.</summary>
    public const string Unknown = "unknown";
}

/// <summary>
/// One logical CPU and the facts its type was decided from. Every fact is null where the OS does not give it;
/// <see cref="Type"/> is the tier those facts put the CPU in (<see cref="CoreTypes"/>).
/// </summary>
/// <param name="Cpu">The OS's CPU number (what affinity masks and `--cpu N` use).</param>
/// <param name="Type">big, mid, little, uniform or unknown.</param>
/// <param name="Capacity">Linux cpu_capacity: the scheduler's relative capacity, 1024 for the fastest CPU.</param>
/// <param name="MaxFrequencyKHz">Linux cpufreq cpuinfo_max_freq.</param>
/// <param name="Implementer">ARM MIDR implementer ("0x41" Arm, "0x51" Qualcomm, "0x61" Apple), from /proc/cpuinfo.</param>
/// <param name="Part">ARM MIDR part number ("0xd0b").</param>
/// <param name="PartName">The part's name ("Cortex-A76"), when the part is known.</param>
/// <param name="HybridType">Intel hybrid: "core" (P-core) or "atom" (E-core), from the kernel's cpu_core/cpu_atom PMUs.</param>
/// <param name="EfficiencyClass">Windows: the CPU set's efficiency class (higher is faster).</param>
public sealed record CpuCore(
    int Cpu,
    string Type,
    int? Capacity = null,
    long? MaxFrequencyKHz = null,
    string? Implementer = null,
    string? Part = null,
    string? PartName = null,
    string? HybridType = null,
    int? EfficiencyClass = null)
{
    /// <summary>A short readable label: the part's name, "P-core"/"E-core", or null.</summary>
    public string? Label => PartName ?? HybridType switch
    {
        "core" => "P-core",
        "atom" => "E-core",
        _ => null,
    };
}
