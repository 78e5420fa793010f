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
    /// Which channels to sum: package channels (RAPL_Package*_PKG) when present, else one platform channel
    /// (PSYS/SYS), else the only channel, else the first; never several overlapping ones.
    /// </summary>
    public static (int[] Indices, string Name, string Why) Choose(IReadOnlyList<string> channels)
    {
        var pkg = Enumerable.Range(0, channels.Count).Where(i => channels[i].Contains("_PKG", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (pkg.Length > 0) return (pkg, "package", "sum of the package (PKG) channels: PP0/PP1 are inside them, PSYS contains them, DRAM is separate");
        int sys = Enumerable.Range(0, channels.Count).FirstOrDefault(i => channels[i].Contains("SYS", StringComparison.OrdinalIgnoreCase), -1);
        if (sys >= 0) return ([sys], "psys", $"the platform channel '{channels[sys]}' alone: other channels are parts of it");
        if (channels.Count == 1) return ([0], "meter", $"the only channel '{channels[0]}'");
        return ([0], "meter", $"the first channel '{channels[0]}' of {channels.Count}: their overlap is unknown, so they are not summed");
    }

    private static void Require(ReadOnlySpan<byte> b, int length, string what)
    {
        if (b.Length < length) throw new FormatException($"{what} is truncated ({b.Length} bytes, need {length})");
    }

    private static string Utf16(ReadOnlySpan<byte> b) => Encoding.Unicode.GetString(b).TrimEnd('\0');
}
