using System.Text.RegularExpressions;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Powercap;

/// <summary>
/// Linux powercap RAPL: /sys/class/powercap/intel-rapl:* (Intel, and AMD on kernels ≥ 5.11, which reuse the
/// intel-rapl names), intel-rapl-mmio:* and intel-rapl-tpmi:* (Xeon 6 and later). Zones are identified by their
/// <c>name</c> file, never by index.
/// </summary>
public sealed partial class PowercapRaplSource : EnergySourceBase
{
    public const string SourceName = "powercap-rapl";
    private const string ClassPath = "/sys/class/powercap";

    private readonly List<CounterFile> _files = [];
    private WrapUnroller[] _unrollers = [];

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.EnergyCounter;
    public override string Unit => "µJ (energy_uj)";
    // sysfs prints µJ, but the register underneath counts in 2^-ESU J: 61 µJ on Intel (ESU 14), 15.3 µJ on AMD.
    public override double ResolutionJoules => 61.035e-6 * Math.Max(1, Domains.Count);
    public override TimeSpan UpdatePeriod => TimeSpan.FromMilliseconds(1);
    public override double? WrapJoules => _wrapJoules;
    public override string Privilege => "read access to each zone's energy_uj (root-only since Linux 5.10, CVE-2020-8694)";

    private double? _wrapJoules;

    /// <summary>One zone as the kernel lays it out.</summary>
    /// <param name="Interface">"" for the MSR-backed intel-rapl zones, "mmio" or "tpmi" for the other two control types.</param>
    public sealed record Zone(string Id, string Directory, string Name, DomainRole? Role, int? Package, string Interface, string? ParentName)
    {
        /// <summary>intel-rapl-mmio and intel-rapl-tpmi reach a package's counter by another path than the MSR zones.</summary>
        public bool Mmio => Interface == "mmio";
        public bool OtherInterface => Interface.Length > 0;
    }

    private PowercapRaplSource() { }

    public static PowercapRaplSource Probe(EnergyOptions options)
    {
        var source = new PowercapRaplSource();
        source.Probing(() => source.ProbeCore(options));
        return source;
    }

    protected override void ReleaseHandles()
    {
        foreach (var f in _files) f.Dispose();
        _files.Clear();
    }

    private void ProbeCore(EnergyOptions options)
    {
        NoteRoots(options);
        string classDir = SysText.UnderRoot(options.SysfsRoot, ClassPath);
        string virt = HostFacts.VirtualizationNote(options.SysfsRoot, "RAPL");
        if (!System.IO.Directory.Exists(classDir))
        {
            SetUnusable(SourceState.Absent, $"{classDir} does not exist: no powercap framework in this kernel{virt}");
            return;
        }
        var zones = ListZones(options, classDir);
        if (zones.Count == 0)
        {
            SetUnusable(SourceState.Absent,
                $"{classDir} has no intel-rapl zones: the intel_rapl_msr driver is not loaded (try `sudo modprobe intel_rapl_msr`) or the CPU does not expose RAPL{virt}");
            return;
        }

        // intel-rapl-mmio exposes the same package counter again through MMIO: use it only for a package the
        // MSR interface lacks, otherwise the package would be counted twice. intel-rapl-tpmi (Xeon 6) is a package's
        // own interface, used the same way: a package the MSR zones already cover is not read again. Packages are
        // matched by number, since TPMI may name a die ("package-0-die-1") where the MSR zone says "package-0".
        var msrPackages = zones.Where(z => !z.OtherInterface && z.Role == DomainRole.Package).Select(z => z.Package).ToHashSet();
        // On AMD the kernel reads a package's core zone through the package's lead CPU: MSR 0xC001029A of that one
        // core, not the cores of the package, and not the core the benchmark is pinned to.
        bool amd = Msr.CpuIdentity.Read(options.SysfsRoot)?.IsAmd ?? false;
        var used = new List<Zone>();
        var found = new List<string>();
        foreach (var z in zones)
        {
            string label = $"{z.Id} '{z.Name}'";
            if (z.Role is null) { found.Add($"{label} (unknown zone name, skipped)"); continue; }
            if (z.Mmio && z.Role != DomainRole.Package || z.OtherInterface && z.Role == DomainRole.Package && msrPackages.Contains(z.Package))
            {
                found.Add($"{label} (intel-rapl-{z.Interface} duplicate of {z.Name}, skipped)");
                continue;
            }
            if (amd && z.Role == DomainRole.Core)
            {
                found.Add($"{label} (AMD: the per-core counter of one core only, the package's first CPU; not read)");
                continue;
            }
            found.Add(label);
            used.Add(z);
        }

        var (selection, members) = Select(used, options.Domain, amd);
        FoundDomains = found;
        if (members.Count == 0)
        {
            SetUnusable(SourceState.Absent, $"{classDir} has zones ({string.Join(", ", found)}) but no package or psys zone to attribute");
            return;
        }

        // Open every needed energy_uj first so a permission problem names all the files at once.
        var denied = new List<string>();
        var domains = new List<EnergyDomain>();
        var ranges = new List<ulong>();
        foreach (var z in members)
        {
            string energyPath = Path.Combine(classDir, z.Id, "energy_uj");
            string rangePath = Path.Combine(classDir, z.Id, "max_energy_range_uj");
            long? range = SysText.TryReadInteger(options.Files, rangePath, "the counter range in µJ");
            if (range is null) throw new EnergySourceException(SourceState.Malformed, $"{rangePath} is missing: cannot unroll counter wrap-around");
            if (range <= 0) throw EnergySourceException.Malformed(rangePath, range.Value.ToString(), "a positive counter range in µJ");
            try
            {
                _files.Add(CounterFile.Open(options.Files, energyPath, GrantCommand([energyPath])));
            }
            catch (EnergySourceException e) when (e.State == SourceState.PermissionDenied)
            {
                denied.Add(energyPath);
                continue;
            }
            domains.Add(new EnergyDomain(DomainName(z), z.Role!.Value, energyPath));
            ranges.Add((ulong)range.Value);
        }
        if (denied.Count > 0)
        {
            Fail(SourceState.PermissionDenied,
                $"{string.Join(", ", denied)} {(denied.Count == 1 ? "is" : "are")} readable only by root (Linux ≥ 5.10); grant read access with: {GrantCommand(denied)}");
            return;
        }

        Domains = domains;
        Selection = selection with { Indices = Enumerable.Range(0, domains.Count).ToArray() };
        _unrollers = ranges.Select(r => new WrapUnroller(r)).ToArray();
        _wrapJoules = ranges.Min() * 1e-6;
        for (int i = 0; i < _files.Count; i++)
        {
            long v = _files[i].ReadInteger("an integer count of µJ");
            if (v < 0 || (ulong)v > ranges[i])
                throw EnergySourceException.Malformed(_files[i].Path, v.ToString(), $"a count of µJ within max_energy_range_uj ({ranges[i]})");
            _unrollers[i].Advance((ulong)v);
        }
        State = SourceState.Usable;
        Reason = $"{string.Join(" + ", domains.Select(d => d.Name))} via {classDir}";
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        for (int i = 0; i < _files.Count; i++)
        {
            long v = _files[i].ReadInteger("an integer count of µJ");
            if (v < 0 || (ulong)v > _unrollers[i].Range)
                throw EnergySourceException.Malformed(_files[i].Path, v.ToString(), $"a count of µJ within max_energy_range_uj ({_unrollers[i].Range})");
            raw[i] = v;
            joules[i] = _unrollers[i].Advance((ulong)v) * 1e-6;
        }
    }

    /// <summary>
    /// The domain choice. psys ⊇ package ⊇ core/uncore, and dram is separate from package (even where sysfs
    /// lists it as a subzone of the package), so "package" sums package-N and adds nothing that they contain.
    /// </summary>
    private static (DomainSelection, List<Zone>) Select(List<Zone> zones, string? wanted, bool amd)
    {
        var packages = zones.Where(z => z.Role == DomainRole.Package).OrderBy(z => z.Package).ToList();
        var drams = zones.Where(z => z.Role == DomainRole.Dram).ToList();
        var psys = zones.Where(z => z.Role == DomainRole.Psys).ToList();
        var cores = zones.Where(z => z.Role == DomainRole.Core).ToList();
        string note = "";
        switch (wanted)
        {
            case "psys" when psys.Count > 0:
                return (new DomainSelection("psys", [], "psys covers the packages, dram and the rest of the platform: nothing is added to it"), psys.Take(1).ToList());
            case "package+dram" when packages.Count > 0 && drams.Count > 0:
                return (new DomainSelection("package+dram", [], "package-N plus dram: dram is not part of the package counter, core/uncore (inside the package) and psys (containing both) are left out"), packages.Concat(drams).ToList());
            case "core" when cores.Count > 0:
                return (new DomainSelection("core", [], "core (PP0) zones only: the cores' share of each package"), cores);
            case null or "package":
                break;
            case "core" when amd:
                note = " (domain 'core' refused: AMD's core zones hold the per-core counter of each package's first CPU only)";
                break;
            default:
                note = $" (domain '{wanted}' is not exposed here)";
                break;
        }
        if (packages.Count > 0)
            return (new DomainSelection("package", [], $"sum of package-N: core/uncore are inside them, psys contains them, dram is a separate domain left out, intel-rapl-mmio duplicates skipped{note}"), packages);
        if (psys.Count > 0)
            return (new DomainSelection("psys", [], $"no package zone; psys (whole platform) used alone{note}"), psys.Take(1).ToList());
        return (new DomainSelection("none", [], "no package or psys zone"), []);
    }

    private static string DomainName(Zone z) => z.Role switch
    {
        DomainRole.Core or DomainRole.Uncore or DomainRole.Dram when z.ParentName is not null => $"{z.ParentName}/{z.Name}",
        _ => z.Name,
    };

    /// <summary>The exact command that grants read access (until reboot), and the udev rule that makes it last.</summary>
    public static string GrantCommand(IEnumerable<string> energyFiles) =>
        $"`sudo chmod o+r {string.Join(' ', energyFiles)}` (until reboot; to keep it, add the udev rule " +
        "`SUBSYSTEM==\"powercap\", ACTION==\"add\", RUN+=\"/bin/chmod o+r /sys%p/energy_uj\"` to /etc/udev/rules.d/99-powercap-read.rules)";

    /// <summary>All intel-rapl and intel-rapl-mmio zones under the class folder, each with its parsed name.</summary>
    public static List<Zone> ListZones(EnergyOptions options, string classDir)
    {
        var zones = new List<Zone>();
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(classDir).OrderBy(e => e, StringComparer.Ordinal))
        {
            string id = Path.GetFileName(entry);
            var m = ZoneId().Match(id);
            if (!m.Success || !System.IO.Directory.Exists(entry)) continue;
            string iface = m.Groups["iface"].Success ? m.Groups["iface"].Value : "";
            string? name = SysText.TryRead(options.Files, Path.Combine(entry, "name"));
            if (name is null)
                throw new EnergySourceException(SourceState.Malformed, $"{Path.Combine(entry, "name")} is missing: cannot tell which domain {id} is");
            string? parentName = null;
            if (m.Groups["sub"].Success)
            {
                string parentId = id[..id.LastIndexOf(':')];
                parentName = SysText.TryRead(options.Files, Path.Combine(classDir, parentId, "name"));
            }
            var (role, package) = Classify(name, parentName);
            zones.Add(new Zone(id, entry, name, role, package, iface, parentName));
        }
        return zones;
    }

    private static (DomainRole?, int?) Classify(string name, string? parentName)
    {
        var p = PackageName().Match(name);
        if (p.Success) return (DomainRole.Package, int.Parse(p.Groups[1].Value));
        int? parentPackage = parentName is not null && PackageName().Match(parentName) is { Success: true } pm ? int.Parse(pm.Groups[1].Value) : null;
        return name switch
        {
            "core" => (DomainRole.Core, parentPackage),
            "uncore" => (DomainRole.Uncore, parentPackage),
            "dram" => (DomainRole.Dram, parentPackage),
            "psys" => (DomainRole.Psys, null),
            _ => (null, null),
        };
    }

    [GeneratedRegex(@"^intel-rapl(-(?<iface>mmio|tpmi))?:\d+(?<sub>:\d+)?$")]
    private static partial Regex ZoneId();

    // "package-0", and "package-0-die-1" on multi-die parts.
    [GeneratedRegex(@"^package-(\d+)(-die-\d+)?$")]
    private static partial Regex PackageName();
}
