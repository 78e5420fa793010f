namespace FoldBench.Platform.Topology;

/// <summary>
/// Names of the ARM MIDR part numbers /proc/cpuinfo gives ("CPU implementer", "CPU part"), for the cores phones,
/// boards, laptops and servers ship with, each with a rank that orders a chip's clusters by speed when nothing better
/// says it: 1 for in-order little cores (A53, A55, A510, A520), 2 for the out-of-order big ones (A7x, Neoverse,
/// Kryo Gold, Apple performance cores), 3 for the Cortex-X line (a phone's prime core). Numbers from the kernel's
/// arch/arm64/include/asm/cputype.h and Arm's technical reference manuals.
/// </summary>
public static class ArmParts
{
    private static readonly Dictionary<(int Implementer, int Part), (string Name, int Rank)> Known = new()
    {
        // Arm Ltd (0x41).
        [(0x41, 0xd03)] = ("Cortex-A53", 1),
        [(0x41, 0xd04)] = ("Cortex-A35", 1),
        [(0x41, 0xd05)] = ("Cortex-A55", 1),
        [(0x41, 0xd07)] = ("Cortex-A57", 2),
        [(0x41, 0xd08)] = ("Cortex-A72", 2),
        [(0x41, 0xd09)] = ("Cortex-A73", 2),
        [(0x41, 0xd0a)] = ("Cortex-A75", 2),
        [(0x41, 0xd0b)] = ("Cortex-A76", 2),
        [(0x41, 0xd0c)] = ("Neoverse-N1", 2),
        [(0x41, 0xd0d)] = ("Cortex-A77", 2),
        [(0x41, 0xd0e)] = ("Cortex-A76AE", 2),
        [(0x41, 0xd40)] = ("Neoverse-V1", 2),
        [(0x41, 0xd41)] = ("Cortex-A78", 2),
        [(0x41, 0xd42)] = ("Cortex-A78AE", 2),
        [(0x41, 0xd44)] = ("Cortex-X1", 3),
        [(0x41, 0xd46)] = ("Cortex-A510", 1),
        [(0x41, 0xd47)] = ("Cortex-A710", 2),
        [(0x41, 0xd48)] = ("Cortex-X2", 3),
        [(0x41, 0xd49)] = ("Neoverse-N2", 2),
        [(0x41, 0xd4b)] = ("Cortex-A78C", 2),
        [(0x41, 0xd4c)] = ("Cortex-X1C", 3),
        [(0x41, 0xd4d)] = ("Cortex-A715", 2),
        [(0x41, 0xd4e)] = ("Cortex-X3", 3),
        [(0x41, 0xd4f)] = ("Neoverse-V2", 2),
        [(0x41, 0xd80)] = ("Cortex-A520", 1),
        [(0x41, 0xd81)] = ("Cortex-A720", 2),
        [(0x41, 0xd82)] = ("Cortex-X4", 3),
        [(0x41, 0xd84)] = ("Neoverse-V3", 2),
        [(0x41, 0xd85)] = ("Cortex-X925", 3),
        [(0x41, 0xd87)] = ("Cortex-A725", 2),
        // Qualcomm (0x51): the Kryo cores of Snapdragon 8xx chips until Arm's own names took over, and Oryon.
        [(0x51, 0x800)] = ("Kryo 2xx Gold", 2),
        [(0x51, 0x801)] = ("Kryo 2xx Silver", 1),
        [(0x51, 0x802)] = ("Kryo 3xx Gold", 2),
        [(0x51, 0x803)] = ("Kryo 3xx Silver", 1),
        [(0x51, 0x804)] = ("Kryo 4xx Gold", 2),
        [(0x51, 0x805)] = ("Kryo 4xx Silver", 1),
        [(0x51, 0xc00)] = ("Falkor", 2),
        [(0x51, 0x001)] = ("Oryon", 2),
        // Apple (0x61), as Asahi Linux reports them: efficiency cores rank 1, performance cores 2.
        [(0x61, 0x022)] = ("Icestorm (M1)", 1),
        [(0x61, 0x023)] = ("Firestorm (M1)", 2),
        [(0x61, 0x024)] = ("Icestorm (M1 Pro)", 1),
        [(0x61, 0x025)] = ("Firestorm (M1 Pro)", 2),
        [(0x61, 0x028)] = ("Icestorm (M1 Max)", 1),
        [(0x61, 0x029)] = ("Firestorm (M1 Max)", 2),
        [(0x61, 0x032)] = ("Blizzard (M2)", 1),
        [(0x61, 0x033)] = ("Avalanche (M2)", 2),
    };

    /// <summary>The part's name and rank, or null for a part not in the table (or text that is not a number).</summary>
    public static (string Name, int Rank)? Lookup(string? implementer, string? part) =>
        ParseHex(implementer) is int i && ParseHex(part) is int p && Known.TryGetValue((i, p), out var known) ? known : null;

    /// <summary>"0xd0b" (as /proc/cpuinfo writes it) or "d0b".</summary>
    internal static int? ParseHex(string? text)
    {
        if (text is null) return null;
        var s = text.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        return int.TryParse(s, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : null;
    }
}
