namespace FoldBench.Platform.Topology;

/// <summary>
/// Sorts CPUs into tiers from the facts the OS gave, trying each fact in turn and using the first one that tells
/// the CPUs apart: the scheduler's cpu_capacity (what the kernel itself schedules by), Intel's hybrid core type,
/// the maximum frequency, then the ARM part's rank (<see cref="ArmParts"/>). The fastest tier is big, the slowest
/// little, any between mid; when no fact tells them apart every CPU is uniform, and with no facts at all unknown.
/// </summary>
public static class CoreClassifier
{
    /// <summary>
    /// Values within this fraction of a tier's largest one join it: one cluster's cores can differ a little (favoured
    /// cores of Intel's Turbo Boost Max and AMD's preferred cores reach 100–200 MHz more, ~4%; RK3588's two A76 pairs
    /// clock 2.40 and 2.35 GHz), while big and little clusters differ by 20% and more (A55 1.8 GHz against A76 2.4 GHz).
    /// </summary>
    public const double TierTolerance = 0.10;

    /// <summary><paramref name="cores"/> with <see cref="CpuCore.Type"/> set, and what decided it.</summary>
    public static (IReadOnlyList<CpuCore> Cores, string Basis) Classify(IReadOnlyList<CpuCore> cores)
    {
        ArgumentNullException.ThrowIfNull(cores);
        if (cores.Count == 0) return ([], "the OS lists no CPUs");
        if (Tiers(cores, c => c.Capacity) is { } byCapacity)
            return (Apply(cores, byCapacity), "cpu_capacity");
        if (cores.All(c => c.HybridType is not null) && cores.Select(c => c.HybridType).Distinct().Count() > 1)
            return (Apply(cores, cores.Select(c => c.HybridType == "core" ? 0 : 1).ToList()), "Intel hybrid core type (cpu_core/cpu_atom PMUs)");
        if (Tiers(cores, c => c.MaxFrequencyKHz) is { } byFrequency)
            return (Apply(cores, byFrequency), "cpuinfo_max_freq");
        if (Tiers(cores, c => ArmParts.Lookup(c.Implementer, c.Part)?.Rank) is { } byPart)
            return (Apply(cores, byPart), "MIDR part");

        var compared = new List<string>();
        if (cores.All(c => c.Capacity is not null)) compared.Add("cpu_capacity");
        if (cores.All(c => c.HybridType is not null)) compared.Add("hybrid core type");
        if (cores.All(c => c.MaxFrequencyKHz is not null)) compared.Add("cpuinfo_max_freq");
        if (cores.All(c => c.Part is not null)) compared.Add("MIDR part");
        return compared.Count == 0
            ? ([.. cores.Select(c => c with { Type = CoreTypes.Unknown })], "the OS gives no per-CPU facts to compare")
            : ([.. cores.Select(c => c with { Type = CoreTypes.Uniform })], "all CPUs alike by " + string.Join(", ", compared));
    }

    /// <summary>Tier index per core (0 fastest) when every core has the value and they fall in more than one tier; else null.</summary>
    private static List<int>? Tiers<T>(IReadOnlyList<CpuCore> cores, Func<CpuCore, T?> value) where T : struct, IConvertible
    {
        if (cores.Any(c => value(c) is null)) return null;
        var values = cores.Select(c => Convert.ToDouble(value(c)!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var tops = new List<double>();
        foreach (double v in values.Distinct().OrderDescending())
            if (tops.Count == 0 || v < tops[^1] * (1 - TierTolerance)) tops.Add(v);
        if (tops.Count < 2) return null;
        // A value's tier is the first (fastest) one whose top it reaches within the tolerance.
        return [.. values.Select(v => tops.FindIndex(top => v >= top * (1 - TierTolerance)))];
    }

    private static List<CpuCore> Apply(IReadOnlyList<CpuCore> cores, List<int> tiers)
    {
        int last = tiers.Max();
        return [.. cores.Select((c, i) => c with { Type = tiers[i] == 0 ? CoreTypes.Big : tiers[i] == last ? CoreTypes.Little : CoreTypes.Mid })];
    }
}
