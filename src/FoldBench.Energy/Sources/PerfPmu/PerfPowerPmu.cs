using System.Globalization;
using System.Text.RegularExpressions;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.PerfPmu;

/// <summary>One RAPL event of the perf "power" PMU, as its sysfs files describe it.</summary>
/// <param name="Name">"energy-pkg", "energy-cores", "energy-ram", "energy-gpu", "energy-psys".</param>
/// <param name="Config">The perf_event_attr.config the event= term encodes, placed by format/event.</param>
/// <param name="JoulesPerCount">events/NAME.scale (2^-32 J on every kernel so far), checked against events/NAME.unit = Joules.</param>
public sealed record PerfPowerEvent(string Name, DomainRole Role, ulong Config, double JoulesPerCount);

/// <summary>
/// The perf power PMU as /sys/bus/event_source/devices/power lays it out: its dynamic type number, the CPUs that read
/// it (one per package, cpumask), the field event= fills (format/event, "config:0-7") and each event with its scale
/// and unit. Intel since Linux 3.14; AMD family 17h+ since 5.8 (energy-pkg only).
/// </summary>
public sealed partial record PerfPowerPmu(string Directory, int Type, IReadOnlyList<(int Cpu, int Package)> Readers, IReadOnlyList<PerfPowerEvent> Events, IReadOnlyList<string> Skipped)
{
    public const string PmuPath = "/sys/bus/event_source/devices/power";

    /// <summary>Reads the PMU's description; throws <see cref="EnergySourceException"/> (absent or malformed) with the file at fault.</summary>
    public static PerfPowerPmu Read(EnergyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string dir = SysText.UnderRoot(options.SysfsRoot, PmuPath);
        if (!System.IO.Directory.Exists(dir))
            throw new EnergySourceException(SourceState.Absent,
                $"{dir} does not exist: no RAPL perf PMU (Intel since Linux 3.14, AMD family 17h+ since 5.8){HostFacts.VirtualizationNote(options.SysfsRoot, "RAPL")}");
        string P(string f) => Path.Combine(dir, f);
        long type = SysText.TryReadInteger(options.Files, P("type"), "the PMU's type number")
                    ?? throw new EnergySourceException(SourceState.Malformed, $"{P("type")} is missing: cannot name the PMU to perf_event_open");
        string cpumask = SysText.TryRead(options.Files, P("cpumask"))
                         ?? throw new EnergySourceException(SourceState.Malformed, $"{P("cpumask")} is missing: cannot tell which CPU reads each package");
        var cpus = ParseCpuList(cpumask) ?? throw EnergySourceException.Malformed(P("cpumask"), cpumask, "a CPU list such as 0 or 0,28 or 0-1");
        string format = SysText.TryRead(options.Files, P("format/event")) ?? "config:0-7";

        var events = new List<PerfPowerEvent>();
        var skipped = new List<string>();
        string eventsDir = P("events");
        var names = System.IO.Directory.Exists(eventsDir)
            ? System.IO.Directory.EnumerateFiles(eventsDir).Select(Path.GetFileName).OfType<string>()
                .Where(n => !n.Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var name in names)
        {
            DomainRole? role = name switch
            {
                "energy-pkg" => DomainRole.Package,
                "energy-cores" => DomainRole.Core,
                "energy-gpu" => DomainRole.Uncore,
                "energy-ram" => DomainRole.Dram,
                "energy-psys" => DomainRole.Psys,
                _ => null,
            };
            if (role is null) { skipped.Add($"{name} (unknown event, skipped)"); continue; }
            string eventPath = Path.Combine(eventsDir, name);
            string term = SysText.TryRead(options.Files, eventPath)!;
            ulong config = EncodeConfig(term, format) ?? throw EnergySourceException.Malformed(eventPath, term, $"event=0xNN fitting {format}");
            string scalePath = eventPath + ".scale", unitPath = eventPath + ".unit";
            string? scaleText = SysText.TryRead(options.Files, scalePath);
            if (scaleText is null || !double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) || !(scale > 0) || !double.IsFinite(scale))
                throw EnergySourceException.Malformed(scalePath, scaleText ?? "(missing)", "a positive number of joules per count");
            string? unit = SysText.TryRead(options.Files, unitPath);
            if (unit != "Joules") throw EnergySourceException.Malformed(unitPath, unit ?? "(missing)", "Joules");
            events.Add(new PerfPowerEvent(name, role.Value, config, scale));
        }
        if (events.Count == 0)
            throw new EnergySourceException(SourceState.Absent, $"{eventsDir} lists no energy-* event");
        var readers = cpus.Select(c => (c, PackageOf(options, c))).ToList();
        return new PerfPowerPmu(dir, (int)type, readers, events, skipped);
    }

    /// <summary>"event=0x02" placed into the bits that format/event names ("config:0-7"); null when the term does not fit.</summary>
    public static ulong? EncodeConfig(string term, string format)
    {
        var t = EventTerm().Match(term.Trim());
        var f = ConfigField().Match(format.Trim());
        if (!t.Success || !f.Success) return null;
        string digits = t.Groups[1].Value;
        bool hex = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!ulong.TryParse(hex ? digits[2..] : digits, hex ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)) return null;
        int lo = int.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture);
        int hi = f.Groups[2].Success ? int.Parse(f.Groups[2].Value, CultureInfo.InvariantCulture) : lo;
        int width = hi - lo + 1;
        if (lo < 0 || hi > 63 || width <= 0 || (width < 64 && value >> width != 0)) return null;
        return value << lo;
    }

    /// <summary>"0", "0,28", "0-1,4": the kernel's CPU list format; null when malformed.</summary>
    public static IReadOnlyList<int>? ParseCpuList(string text)
    {
        var cpus = new List<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2) return null;
            if (!int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)) return null;
            int last = first;
            if (range.Length == 2 && !int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)) return null;
            if (last < first) return null;
            for (int c = first; c <= last; c++) cpus.Add(c);
        }
        return cpus.Count == 0 ? null : cpus;
    }

    private static int PackageOf(EnergyOptions options, int cpu)
    {
        string path = SysText.UnderRoot(options.SysfsRoot, $"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id");
        return (int?)SysText.TryReadInteger(options.Files, path, "a package number") ?? cpu;
    }

    [GeneratedRegex(@"^event=((?:0x)?[0-9a-fA-F]+)$")]
    private static partial Regex EventTerm();

    [GeneratedRegex(@"^config:(\d+)(?:-(\d+))?$")]
    private static partial Regex ConfigField();
}
