using System.Buffers.Binary;
using System.Text;

namespace FoldBench.Energy.Sources.Windows;

/// <summary>
/// Parsing of EMI's output buffers (emi.h), kept pure so it is tested on every OS. EMI v1 has one channel;
/// v2 lists channels, each a 4-byte unit, a 2-byte name size in bytes and a UTF-16 name, packed back to back.
/// Measurements are per channel: AbsoluteEnergy (picowatt-hours) and AbsoluteTime (100 ns), both u64.
/// </summary>
public static class EmiBuffers
{
    // CTL_CODE(FILE_DEVICE_UNKNOWN = 0x22, function, METHOD_BUFFERED = 0, FILE_READ_ACCESS = 1)
    public const uint IoctlGetVersion = (0x22u << 16) | (1u << 14) | (0u << 2);
    public const uint IoctlGetMetadataSize = (0x22u << 16) | (1u << 14) | (1u << 2);
    public const uint IoctlGetMetadata = (0x22u << 16) | (1u << 14) | (2u << 2);
    public const uint IoctlGetMeasurement = (0x22u << 16) | (1u << 14) | (3u << 2);

    public const int NameMaxChars = 16;
    public const double JoulesPerPicowattHour = 3.6e-9;

    public sealed record Metadata(string Oem, string Model, int Revision, IReadOnlyList<string> Channels);

    public static Metadata ParseMetadata(ushort version, ReadOnlySpan<byte> b)
    {
        if (version == 1)
        {
            // EMI_METADATA_V1: unit (4), HardwareOEM[16] (32), HardwareModel[16] (32), revision (2), name size (2), name.
            Require(b, 72, "EMI v1 metadata");
            int nameBytes = BinaryPrimitives.ReadUInt16LittleEndian(b[70..]);
            Require(b, 72 + nameBytes, "EMI v1 metered hardware name");
            return new Metadata(Utf16(b.Slice(4, 32)), Utf16(b.Slice(36, 32)), BinaryPrimitives.ReadUInt16LittleEndian(b[68..]),
                [Utf16(b.Slice(72, nameBytes))]);
        }
        if (version == 2)
        {
            // EMI_METADATA_V2: HardwareOEM[16] (32), HardwareModel[16] (32), revision (2), channel count (2), channels.
            Require(b, 68, "EMI v2 metadata");
            int count = BinaryPrimitives.ReadUInt16LittleEndian(b[66..]);
            var channels = new List<string>(count);
            int at = 68;
            for (int i = 0; i < count; i++)
            {
                Require(b, at + 6, $"EMI v2 channel {i}");
                int nameBytes = BinaryPrimitives.ReadUInt16LittleEndian(b[(at + 4)..]);
                Require(b, at + 6 + nameBytes, $"EMI v2 channel {i} name");
                channels.Add(Utf16(b.Slice(at + 6, nameBytes)));
                at += 6 + nameBytes;
            }
            return new Metadata(Utf16(b[..32]), Utf16(b.Slice(32, 32)), BinaryPrimitives.ReadUInt16LittleEndian(b[64..]), channels);
        }
        throw new FormatException($"EMI version {version} is not supported (1 and 2 are)");
    }

    /// <summary>(AbsoluteEnergy in pWh, AbsoluteTime in 100 ns) for each channel.</summary>
    public static (ulong EnergyPwh, ulong Time100ns)[] ParseMeasurement(int channels, ReadOnlySpan<byte> b)
    {
        Require(b, 16 * channels, "EMI measurement");
        var result = new (ulong, ulong)[channels];
        for (int i = 0; i < channels; i++)
            result[i] = (BinaryPrimitives.ReadUInt64LittleEndian(b[(16 * i)..]), BinaryPrimitives.ReadUInt64LittleEndian(b[(16 * i + 8)..]));
        return result;
    }

    /// <summary>
    /// Which channels to sum across every EMI device, so nothing is counted twice: one package channel
    /// (RAPL_Package<i>N</i>_PKG) per package, whichever device lists it first (a package metered by two providers is one
    /// package); else one platform channel (PSYS/SYS) of all; else the only channel of a single one-channel device.
    /// Channel names that say neither are not guessed at: <see cref="EmiChoice.Refusal"/> then says why nothing is chosen.
    /// </summary>
    public static EmiChoice ChooseAcross(IReadOnlyList<IReadOnlyList<string>> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var all = devices.SelectMany((channels, d) => channels.Select((name, c) => (Device: d, Channel: c, Name: name))).ToList();
        var packages = new List<(int Device, int Channel)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var x in all.Where(x => x.Name.Contains("_PKG", StringComparison.OrdinalIgnoreCase)))
            if (seen.Add(x.Name.Trim())) packages.Add((x.Device, x.Channel));
        if (packages.Count > 0)
        {
            int repeats = all.Count(x => x.Name.Contains("_PKG", StringComparison.OrdinalIgnoreCase)) - packages.Count;
            return new EmiChoice(packages, "package",
                "one package (PKG) channel per package: PP0/PP1 are inside them, PSYS contains them, DRAM is separate" +
                (repeats > 0 ? $"; {repeats} channel(s) repeating a package another device already meters left out" : ""), null);
        }
        var platform = all.FirstOrDefault(x => x.Name.Contains("SYS", StringComparison.OrdinalIgnoreCase));
        if (platform.Name is not null)
            return new EmiChoice([(platform.Device, platform.Channel)], "psys", $"the platform channel '{platform.Name}' alone: other channels are parts of it", null);
        if (all.Count == 1)
            return new EmiChoice([(all[0].Device, all[0].Channel)], "meter", $"the only channel '{all[0].Name}'", null);
        return new EmiChoice([], "none", "no channel chosen",
            all.Count == 0
                ? "the EMI devices list no channel"
                : $"the EMI channels ({string.Join(", ", all.Select(x => $"'{x.Name}'"))}) are neither package (…_PKG) nor platform (…SYS) channels: " +
                  "how they overlap is unknown, so FoldBench does not guess which to add");
    }

    private static void Require(ReadOnlySpan<byte> b, int length, string what)
    {
        if (b.Length < length) throw new FormatException($"{what} is truncated ({b.Length} bytes, need {length})");
    }

    private static string Utf16(ReadOnlySpan<byte> b) => Encoding.Unicode.GetString(b).TrimEnd('\0');
}

/// <summary>The EMI channels to sum, as (device, channel) indices, or why none is chosen.</summary>
public sealed record EmiChoice(IReadOnlyList<(int Device, int Channel)> Channels, string Name, string Why, string? Refusal);
