using System.Globalization;
using System.Runtime.InteropServices;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Apple;

/// <summary>What the Apple sources must say until one has run on a Mac: nobody has checked their figures on hardware.</summary>
public static class AppleStatus
{
    public const string Unverified = "never yet run on a Mac by FoldBench: its readings are unverified";

    /// <summary>"this host runs Linux (x64)": for the reasons of sources that exist only on macOS.</summary>
    public static string Host() =>
        $"this host runs {(OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "macOS" : RuntimeInformation.OSDescription)} ({RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()})";
}

/// <summary>One channel of an IOReport sample (or of a delta between two samples), as IOReport describes it.</summary>
/// <param name="Unit">IOReportChannelGetUnitLabel: "mJ", "uJ", "nJ" for the Energy Model group.</param>
/// <param name="Value">IOReportSimpleGetIntegerValue: energy in <paramref name="Unit"/> over the delta.</param>
public sealed record IOReportChannel(string Group, string? Subgroup, string Name, string Unit, long Value);

/// <summary>Energy per domain in one IOReport delta, joules.</summary>
public sealed record EnergyModelDelta(double Cpu, double Gpu, double Ane, double Dram);

/// <summary>
/// Turns IOReport "Energy Model" channels into joules per domain. Channel names as public readers of Apple Silicon
/// report them: "CPU Energy" (one per die on Ultra parts: "DIE_0_CPU Energy"…, which are added), "GPU Energy", "ANE…",
/// "DRAM…". Per-cluster channels (EACC_CPU, PACC0_CPU…) sit inside "CPU Energy" and are not added to it.
/// </summary>
public static class EnergyModelChannels
{
    public const string Group = "Energy Model";

    public static EnergyModelDelta Joules(IEnumerable<IOReportChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        double cpu = 0, gpu = 0, ane = 0, dram = 0;
        foreach (var c in channels)
        {
            if (c.Group != Group) continue;
            if (c.Name.EndsWith("CPU Energy", StringComparison.Ordinal)) cpu += ToJoules(c);
            else if (c.Name == "GPU Energy") gpu += ToJoules(c);
            else if (c.Name.StartsWith("ANE", StringComparison.Ordinal)) ane += ToJoules(c);
            else if (c.Name.StartsWith("DRAM", StringComparison.Ordinal)) dram += ToJoules(c);
        }
        return new EnergyModelDelta(cpu, gpu, ane, dram);
    }

    /// <summary>The value in joules by its unit label; an unknown unit is an error, never a guess.</summary>
    public static double ToJoules(IOReportChannel c)
    {
        ArgumentNullException.ThrowIfNull(c);
        double scale = c.Unit.Trim() switch
        {
            "mJ" => 1e-3,
            "uJ" or "µJ" => 1e-6,
            "nJ" => 1e-9,
            "J" => 1,
            _ => throw new EnergySourceException(SourceState.Malformed,
                $"IOReport channel '{c.Name}' in '{c.Group}' has unit '{c.Unit}' (expected mJ, uJ or nJ)"),
        };
        if (c.Value < 0)
            throw new EnergySourceException(SourceState.Malformed, $"IOReport channel '{c.Name}' reports {c.Value.ToString(CultureInfo.InvariantCulture)} {c.Unit} (a delta of energy is never negative)");
        return c.Value * scale;
    }
}
