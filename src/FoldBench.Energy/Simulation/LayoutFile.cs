using System.Globalization;
using System.Text;

namespace FoldBench.Energy.Simulation;

/// <summary>Channel watts = Scale × model watts + Offset.</summary>
internal readonly record struct Share(double Scale, double Offset)
{
    public double Watts(double w) => Scale * w + Offset;
}

/// <summary>A powercap energy_uj file; its range is the sibling max_energy_range_uj, its start value its own content.</summary>
internal sealed record PowercapCounterSpec(string Path, Share Share);

/// <summary>A fixed 8-byte register in the /dev/cpu/N/msr image of every CPU listed.</summary>
internal sealed record MsrRegisterSpec(int[] Cpus, uint Register, ulong Value);

/// <summary>A 32-bit MSR energy counter (counts of the unit that <paramref name="PowerUnit"/> encodes), the same in every CPU listed.</summary>
internal sealed record MsrCounterSpec(int[] Cpus, uint Register, ulong PowerUnit, Share Share, ulong Start);

internal enum GaugeKind
{
    /// <summary>ACPI-style: power_now (µW), energy_now (µWh), capacity (%) from energy_full.</summary>
    Energy,
    /// <summary>Fuel-gauge-style: current_now (µA), charge_now and charge_counter (µAh) at voltage_now.</summary>
    Charge,
}

/// <summary>A battery whose gauge publishes the injected energy every gauge period.</summary>
internal sealed record GaugeSpec(GaugeKind Kind, string Dir);

/// <summary>
/// One fixture layout's static description, read from its data file <c>Simulation/Layouts/NAME.tree</c> (embedded in
/// the assembly): the tree itself in the manifest format (<c>d PATH</c>, <c>l PATH -&gt; TARGET</c>,
/// <c>f MODE PATH = CONTENT</c>, content escaped), and which files are counters and how they follow the power model
/// (<c>channel</c>, <c>counter</c>, <c>msr</c>, <c>msr-counter</c>, <c>gauge</c>). Lines marked <c>[charging]</c> or
/// <c>[discharging]</c> hold only in that variant. Paths are relative to the fixture root.
/// </summary>
internal sealed class LayoutFile
{
    public required string Name { get; init; }
    /// <summary>The tree's lines for the chosen variant, in file order.</summary>
    public required IReadOnlyList<string> Entries { get; init; }
    public required IReadOnlyList<(string Name, Share Share)> Channels { get; init; }
    public required IReadOnlyList<PowercapCounterSpec> Counters { get; init; }
    public required IReadOnlyList<MsrRegisterSpec> MsrRegisters { get; init; }
    public required IReadOnlyList<MsrCounterSpec> MsrCounters { get; init; }
    public required GaugeSpec? Gauge { get; init; }

    /// <summary>The layout's tree as a sorted manifest, the way a fixture tree describes itself.</summary>
    public string Manifest()
    {
        var lines = Entries.ToList();
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The initial content of the file at <paramref name="path"/> (unescaped, trailing newline removed).</summary>
    public string Content(string path)
    {
        string prefix = " " + path + " = ";
        foreach (var e in Entries)
            if (e[0] == 'f' && e.Length > 6 && string.CompareOrdinal(e, 6, prefix, 0, prefix.Length) == 0)
                return Unescape(e[(6 + prefix.Length)..]).TrimEnd('\n');
        throw new FormatException($"layout {Name}: no file {path}");
    }

    public long Number(string path) => long.Parse(Content(path), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>Reads the embedded data file of layout <paramref name="name"/> (e.g. "intel-laptop").</summary>
    public static LayoutFile Load(string name, bool charging = false)
    {
        using var stream = typeof(LayoutFile).Assembly.GetManifestResourceStream($"FoldBench.Energy.Simulation.Layouts.{name}.tree")
                           ?? throw new ArgumentException($"no fixture layout '{name}'");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(name, reader.ReadToEnd(), charging);
    }

    public static LayoutFile Parse(string name, string text, bool charging)
    {
        var entries = new List<string>();
        var channels = new List<(string, Share)>();
        var counters = new List<PowercapCounterSpec>();
        var registers = new List<MsrRegisterSpec>();
        var msrCounters = new List<MsrCounterSpec>();
        GaugeSpec? gauge = null;
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            if (TakeVariant(ref line, "[charging] ") is { } onlyCharging && onlyCharging != charging) continue;
            if (TakeVariant(ref line, "[discharging] ") is { } onlyDischarging && onlyDischarging == charging) continue;
            try
            {
                string[] t = line.Split(' ');
                switch (t[0])
                {
                    case "d" or "l" or "f": entries.Add(line); break;
                    case "channel": channels.Add((t[1], ShareOf(t[2..]))); break;
                    case "counter": counters.Add(new PowercapCounterSpec(t[1], ShareOf(t[2..]))); break;
                    case "msr" when t[3] == "=": registers.Add(new MsrRegisterSpec(Cpus(t[1]), (uint)Hex(t[2]), Hex(t[4]))); break;
                    case "msr-counter":
                        msrCounters.Add(new MsrCounterSpec(Cpus(t[1]), (uint)Hex(t[2]), Hex(Key(t[3..], "unit")!), ShareOf(t[3..]),
                            ulong.Parse(Key(t[3..], "start")!, CultureInfo.InvariantCulture)));
                        break;
                    case "gauge": gauge = new GaugeSpec(Enum.Parse<GaugeKind>(t[1], ignoreCase: true), t[2]); break;
                    default: throw new FormatException("unknown line");
                }
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
            {
                throw new FormatException($"layout {name}, line {number}: '{line}': {e.Message}", e);
            }
        }
        return new LayoutFile
        {
            Name = name, Entries = entries, Channels = channels, Counters = counters, MsrRegisters = registers,
            MsrCounters = msrCounters, Gauge = gauge,
        };
    }

    private static bool? TakeVariant(ref string line, string marker)
    {
        if (!line.StartsWith(marker, StringComparison.Ordinal)) return null;
        line = line[marker.Length..];
        return true;
    }

    private static string? Key(string[] tokens, string key) =>
        tokens.FirstOrDefault(t => t.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];

    private static Share ShareOf(string[] tokens) => new(
        double.Parse(Key(tokens, "scale") ?? throw new FormatException("scale= missing"), CultureInfo.InvariantCulture),
        double.Parse(Key(tokens, "offset") ?? "0", CultureInfo.InvariantCulture));

    private static ulong Hex(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? ulong.Parse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                                                                : ulong.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>"0-3" or "5": the CPUs a register line applies to.</summary>
    private static int[] Cpus(string s)
    {
        int dash = s.IndexOf('-');
        int first = int.Parse(dash < 0 ? s : s[..dash], CultureInfo.InvariantCulture);
        int last = dash < 0 ? first : int.Parse(s[(dash + 1)..], CultureInfo.InvariantCulture);
        return Enumerable.Range(first, last - first + 1).ToArray();
    }

    public static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { sb.Append(s[i]); continue; }
            char n = s[++i];
            sb.Append(n switch { 'n' => '\n', 't' => '\t', _ => n });
        }
        return sb.ToString();
    }
}
