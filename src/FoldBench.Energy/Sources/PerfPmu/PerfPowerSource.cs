using System.Globalization;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.PerfPmu;

/// <summary>
/// RAPL through the perf "power" PMU: perf_event_open system-wide on the one CPU per package that cpumask names, count ×
/// events/NAME.scale joules. The same counters as powercap, but gated by perf_event_paranoid ≤ 0 or CAP_PERFMON instead
/// of a chmod of energy_uj, so it works where powercap is root-only (Linux ≥ 5.10) and the paranoia level allows it.
/// </summary>
public sealed class PerfPowerSource : EnergySourceBase
{
    public const string SourceName = "perf-rapl";
    private const string ParanoidPath = "/proc/sys/kernel/perf_event_paranoid";

    private readonly List<IPerfCounter> _counters = [];
    private readonly List<(ulong Start, double Scale)> _scales = [];
    private double _scale = Math.Pow(2, -32);

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.EnergyCounter;
    public override string Unit => $"{_scale.ToString("G6", CultureInfo.InvariantCulture)} J per count (events/*.scale)";
    // The count is in 2^-32 J, but it grows in steps of the RAPL register's unit: 61 µJ on Intel (ESU 14), 15.3 µJ on AMD.
    public override double ResolutionJoules => 61.035e-6 * Math.Max(1, Domains.Count);
    public override TimeSpan UpdatePeriod => TimeSpan.FromMilliseconds(1);
    // The kernel accumulates the 32-bit register into a 64-bit count: 2^64 × 2^-32 J = 4.3 GJ, decades at any power.
    public override double? WrapJoules => null;
    public override string Privilege => "perf_event_paranoid ≤ 0, or CAP_PERFMON (Linux ≥ 5.8; CAP_SYS_ADMIN before), or root";

    private PerfPowerSource() { }

    public static PerfPowerSource Probe(EnergyOptions options)
    {
        var source = new PerfPowerSource();
        source.Probing(() => source.ProbeCore(options, OpenerFor(options)));
        return source;
    }

    /// <summary>The real syscall on a real root; under a fixture root, the fixture's stand-in files (never the host's PMU).</summary>
    internal static IPerfEventOpener OpenerFor(EnergyOptions options) =>
        Path.GetFullPath(options.SysfsRoot) == Path.GetFullPath("/") ? PerfEventSyscalls.Instance : new FixturePerfEvents(options);

    protected override void ReleaseHandles()
    {
        foreach (var c in _counters) c.Dispose();
        _counters.Clear();
    }

    internal void ProbeCore(EnergyOptions options, IPerfEventOpener opener)
    {
        NoteRoots(options);
        var pmu = PerfPowerPmu.Read(options);
        var (selection, events) = Select(pmu, options.Domain);
        FoundDomains = [.. pmu.Events.Select(e => $"{e.Name} (config 0x{e.Config:X}, {Describe(e.Role)})"), .. pmu.Skipped];

        var domains = new List<EnergyDomain>();
        foreach (var e in events)
        {
            foreach (var (cpu, package) in pmu.Readers)
            {
                IPerfCounter counter;
                try
                {
                    counter = opener.Open(pmu.Type, e, cpu);
                }
                catch (EnergySourceException x) when (x.State == SourceState.PermissionDenied)
                {
                    Fail(SourceState.PermissionDenied, $"{x.Message}: CPU-wide events need perf_event_paranoid ≤ 0 (it is {ParanoidText(options)}) or CAP_PERFMON; " +
                                                       $"grant with {GrantCommand()}");
                    return;
                }
                _counters.Add(counter);
                _scales.Add((counter.Read(), e.JoulesPerCount));
                domains.Add(new EnergyDomain(DomainName(e, package, pmu.Readers.Count), e.Role, $"{pmu.Directory}/events/{e.Name} via {counter.Path}"));
            }
        }
        _scale = events[0].JoulesPerCount;
        Domains = domains;
        Selection = selection with { Indices = Enumerable.Range(0, domains.Count).ToArray() };
        State = SourceState.Usable;
        Reason = $"{string.Join(" + ", domains.Select(d => d.Name))} via perf_event_open on CPU {string.Join(", ", pmu.Readers.Select(r => r.Cpu))} " +
                 $"(type {pmu.Type}, perf_event_paranoid {ParanoidText(options)})";
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        for (int i = 0; i < _counters.Count; i++)
        {
            ulong v = _counters[i].Read();
            var (start, scale) = _scales[i];
            if (v < start) throw EnergySourceException.Malformed(_counters[i].Path, v.ToString(CultureInfo.InvariantCulture), $"a count that never decreases (it started at {start})");
            raw[i] = (long)v;
            joules[i] = (v - start) * scale;
        }
    }

    /// <summary>Same containment as powercap: psys ⊇ package ⊇ cores/gpu; ram beside the package.</summary>
    private static (DomainSelection, List<PerfPowerEvent>) Select(PerfPowerPmu pmu, string? wanted)
    {
        PerfPowerEvent? Find(DomainRole r) => pmu.Events.FirstOrDefault(e => e.Role == r);
        var pkg = Find(DomainRole.Package);
        var ram = Find(DomainRole.Dram);
        var psys = Find(DomainRole.Psys);
        var cores = Find(DomainRole.Core);
        string note = "";
        switch (wanted)
        {
            case "psys" when psys is not null:
                return (new DomainSelection("psys", [], "energy-psys covers the packages, DRAM and the rest of the platform: nothing is added to it"), [psys]);
            case "package+dram" when pkg is not null && ram is not null:
                return (new DomainSelection("package+dram", [], "energy-pkg plus energy-ram: DRAM is outside the package; cores and gpu (inside it) and psys (containing both) are left out"), [pkg, ram]);
            case "core" when cores is not null:
                return (new DomainSelection("core", [], "energy-cores only: the cores' share of each package"), [cores]);
            case null or "package":
                break;
            default:
                note = $" (domain '{wanted}' is not exposed here)";
                break;
        }
        if (pkg is not null)
            return (new DomainSelection("package", [], $"energy-pkg on one CPU per package: energy-cores and energy-gpu are inside it, energy-psys contains it, energy-ram is separate and left out{note}"), [pkg]);
        if (psys is not null)
            return (new DomainSelection("psys", [], $"no energy-pkg; energy-psys (whole platform) used alone{note}"), [psys]);
        throw new EnergySourceException(SourceState.Absent, $"{pmu.Directory}/events has no energy-pkg or energy-psys to attribute");
    }

    private static string Describe(DomainRole role) => role switch
    {
        DomainRole.Package => "package",
        DomainRole.Core => "cores, inside the package",
        DomainRole.Uncore => "graphics, inside the package",
        DomainRole.Dram => "DRAM, beside the package",
        _ => "psys, the whole platform",
    };

    private static string DomainName(PerfPowerEvent e, int package, int packages) => e.Role switch
    {
        DomainRole.Package => $"package-{package}",
        DomainRole.Core => $"package-{package}/core",
        DomainRole.Uncore => $"package-{package}/gpu",
        DomainRole.Dram => $"dram-{package}",
        _ => packages == 1 ? "psys" : $"psys-{package}",
    };

    /// <summary>/proc/sys/kernel/perf_event_paranoid under the root: −1 … 2 upstream (Debian adds 3: no unprivileged perf at all).</summary>
    internal static int? Paranoid(EnergyOptions options)
    {
        string? text = SysText.TryReadAll(SysText.UnderRoot(options.SysfsRoot, ParanoidPath))?.Trim();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : null;
    }

    private static string ParanoidText(EnergyOptions options) => Paranoid(options)?.ToString(CultureInfo.InvariantCulture) ?? "unreadable";

    /// <summary>CAP_PERFMON (bit 38) in this process's effective capabilities, from /proc/self/status.</summary>
    internal static bool HasCapPerfmon()
    {
        string? status = SysText.TryReadAll("/proc/self/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null && ulong.TryParse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caps) && (caps >> 38 & 1) == 1;
    }

    public static string GrantCommand() =>
        "`sudo sysctl -w kernel.perf_event_paranoid=0` (until reboot; to keep it, put `kernel.perf_event_paranoid = 0` in /etc/sysctl.d/99-perf.conf) " +
        $"or, for this program only, `sudo setcap cap_perfmon=ep {HostFacts.ProcessPath()}`";
}
