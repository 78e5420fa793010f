using System.Globalization;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Msr;

/// <summary>
/// RAPL read straight from /dev/cpu/N/msr (pread at offset = register address), one reader per package: the
/// lowest-numbered CPU of each physical package, from sys/devices/system/cpu/cpuN/topology/physical_package_id.
/// </summary>
public sealed class MsrRaplSource : EnergySourceBase
{
    public const string SourceName = "msr-rapl";

    private readonly List<(CounterFile File, uint Register, double Unit)> _counters = [];
    private readonly List<CounterFile> _files = [];
    private WrapUnroller[] _unrollers = [];
    private string _unit = "2^-ESU J";

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.EnergyCounter;
    public override string Unit => _unit;
    public override double ResolutionJoules => _counters.Count == 0 ? 61.035e-6 : _counters.Sum(c => c.Unit);
    public override TimeSpan UpdatePeriod => TimeSpan.FromMilliseconds(1);
    public override double? WrapJoules => _counters.Count == 0 ? null : _counters.Min(c => c.Unit) * MsrRegisters.CounterRange;
    public override string Privilege => "read access to /dev/cpu/N/msr plus CAP_SYS_RAWIO (msr driver loaded)";

    private MsrRaplSource() { }

    public static MsrRaplSource Probe(EnergyOptions options)
    {
        var source = new MsrRaplSource();
        source.Probing(() => source.ProbeCore(options));
        return source;
    }

    // The counter list stays: it still describes the source (unit, resolution, wrap range) after
    // the handles close, e.g. when discovery closes a usable source that was not chosen.
    protected override void ReleaseHandles()
    {
        foreach (var f in _files) f.Dispose();
        _files.Clear();
    }

    private void ProbeCore(EnergyOptions options)
    {
        // It reads the CPU's identity and topology under the sysfs root and the registers under the MSR root: either
        // one pointing at a fixture makes the figures simulated.
        NoteRoots(options, readsDevCpu: true);
        string virt = HostFacts.VirtualizationNote(options.SysfsRoot, "RAPL MSRs");
        var cpu = CpuIdentity.Read(options.SysfsRoot);
        if (cpu is null)
        {
            SetUnusable(SourceState.Absent, $"{SysText.UnderRoot(options.SysfsRoot, "/proc/cpuinfo")} names no CPU vendor: MSR RAPL exists only on x86 Intel and AMD");
            return;
        }
        if (!cpu.IsIntel && !(cpu.IsAmd && cpu.Family >= 0x17))
        {
            SetUnusable(SourceState.Absent, $"CPU vendor {cpu.Vendor} family {cpu.Family:X}h has no RAPL MSRs (Intel, or AMD family 17h and later, only)");
            return;
        }
        if (!Directory.Exists(options.DevCpuRoot))
        {
            SetUnusable(SourceState.Absent, $"{options.DevCpuRoot} does not exist: no per-CPU device nodes (the cpuid/msr drivers are not loaded){virt}");
            return;
        }

        var readers = PackageReaders(options);
        string firstMsr = Path.Combine(options.DevCpuRoot, readers.Count > 0 ? readers[0].Cpu.ToString(CultureInfo.InvariantCulture) : "0", "msr");
        if (!readers.Any(r => File.Exists(MsrPath(options, r.Cpu))))
        {
            SetUnusable(SourceState.Absent, $"{firstMsr} does not exist: the msr driver is not loaded (`sudo modprobe msr`){virt}");
            return;
        }

        var denied = new List<string>();
        foreach (var (package, cpuNumber) in readers)
        {
            string path = MsrPath(options, cpuNumber);
            try
            {
                _files.Add(CounterFile.Open(options.Files, path, GrantCommand([path])));
            }
            catch (EnergySourceException e) when (e.State == SourceState.PermissionDenied)
            {
                denied.Add(path);
            }
        }
        if (denied.Count > 0)
        {
            Fail(SourceState.PermissionDenied, $"{string.Join(", ", denied)}: reading MSRs needs root or CAP_SYS_RAWIO; grant it with: {GrantCommand(denied)}");
            return;
        }

        var domains = new List<EnergyDomain>();
        var found = new List<string>();
        for (int i = 0; i < readers.Count; i++)
        {
            var file = _files[i];
            int package = readers[i].Package;
            ulong? unitRaw = file.ReadUInt64At(cpu.IsIntel ? MsrRegisters.IntelPowerUnit : MsrRegisters.AmdPowerUnit);
            if (unitRaw is null or 0)
                throw new EnergySourceException(SourceState.Malformed, $"{file.Path}: the power-unit MSR 0x{(cpu.IsIntel ? MsrRegisters.IntelPowerUnit : MsrRegisters.AmdPowerUnit):X} is unreadable or zero");
            double unit = MsrRegisters.EnergyUnitJoules(unitRaw.Value, cpu);
            _unit = $"{MsrRegisters.DescribeUnit(unitRaw.Value, cpu)} (MSR 0x{(cpu.IsIntel ? MsrRegisters.IntelPowerUnit : MsrRegisters.AmdPowerUnit):X} bits 12:8{(cpu.HasAtomEnergyUnit ? ", Silvermont/Airmont Atom" : "")})";
            uint packageRegister = cpu.IsIntel ? MsrRegisters.IntelPackageEnergy : MsrRegisters.AmdPackageEnergy;
            if (!Implemented(file, packageRegister))
                throw new EnergySourceException(SourceState.Malformed, $"{file.Path}: the package energy MSR 0x{packageRegister:X} is not implemented");

            var wanted = new List<(uint Register, DomainRole Role, string Name, double Unit)>();
            string pkg = $"package-{package}";
            found.Add($"{pkg} (cpu{readers[i].Cpu} MSR 0x{packageRegister:X})");
            if (cpu.IsIntel)
            {
                double dramUnit = cpu.HasFixedDramUnit ? MsrRegisters.FixedDramUnitJoules : unit;
                bool hasDram = Implemented(file, MsrRegisters.IntelDramEnergy);
                bool hasPp0 = Implemented(file, MsrRegisters.IntelPp0Energy);
                if (hasPp0) found.Add($"{pkg}/core (MSR 0x639, inside the package)");
                if (Implemented(file, MsrRegisters.IntelPp1Energy)) found.Add($"{pkg}/uncore (MSR 0x641, inside the package)");
                if (hasDram) found.Add($"dram-{package} (MSR 0x619{(cpu.HasFixedDramUnit ? ", fixed 15.3 µJ unit" : "")})");
                switch (options.Domain)
                {
                    case "core" when hasPp0:
                        wanted.Add((MsrRegisters.IntelPp0Energy, DomainRole.Core, $"{pkg}/core", unit));
                        break;
                    case "package+dram" when hasDram:
                        wanted.Add((packageRegister, DomainRole.Package, pkg, unit));
                        wanted.Add((MsrRegisters.IntelDramEnergy, DomainRole.Dram, $"dram-{package}", dramUnit));
                        break;
                    default:
                        wanted.Add((packageRegister, DomainRole.Package, pkg, unit));
                        break;
                }
            }
            else
            {
                // AMD's core counter (0xC001029A) is per core and inside the package: not read, never added.
                found.Add($"{pkg}/core (MSR 0xC001029A per core, inside the package, not read)");
                wanted.Add((packageRegister, DomainRole.Package, pkg, unit));
            }
            foreach (var w in wanted)
            {
                _counters.Add((file, w.Register, w.Unit));
                domains.Add(new EnergyDomain(w.Name, w.Role, $"{file.Path}@0x{w.Register:X}"));
            }
        }

        string selection = domains.Any(d => d.Role == DomainRole.Dram) ? "package+dram" : domains.All(d => d.Role == DomainRole.Core) ? "core" : "package";
        string note = options.Domain is not null && options.Domain != selection ? $" (domain '{options.Domain}' is not available through MSRs)" : "";
        Selection = new DomainSelection(selection, Enumerable.Range(0, domains.Count).ToArray(), selection switch
        {
            "package+dram" => "package-N plus dram-N: dram is outside the package counter; PP0/PP1 (inside the package) left out",
            "core" => "PP0 (core) counters only",
            _ => $"sum of package-N, one reader per package: PP0/PP1 are inside the package, DRAM is a separate domain left out{note}",
        });
        Domains = domains;
        FoundDomains = found;
        _unrollers = _counters.Select(_ => new WrapUnroller(MsrRegisters.CounterRange)).ToArray();
        for (int i = 0; i < _counters.Count; i++)
            _unrollers[i].Advance(ReadCounter(i));
        State = SourceState.Usable;
        Reason = $"{string.Join(" + ", domains.Select(d => d.Name))} via {options.DevCpuRoot}/N/msr ({cpu.Vendor} family {cpu.Family:X}h model {cpu.Model:X}h)";
    }

    private static string MsrPath(EnergyOptions options, int cpu) => Path.Combine(options.DevCpuRoot, cpu.ToString(CultureInfo.InvariantCulture), "msr");

    /// <summary>A register the CPU lacks answers EIO; a counter that reads exactly 0 has never counted.</summary>
    private static bool Implemented(CounterFile file, uint register) => file.ReadUInt64At(register) is { } v && (v & 0xFFFFFFFF) != 0;

    private ulong ReadCounter(int i)
    {
        var (file, register, _) = _counters[i];
        ulong? v = file.ReadUInt64At(register);
        if (v is null) throw new EnergySourceException(SourceState.Absent, $"{file.Path}: MSR 0x{register:X} became unreadable mid-run");
        return v.Value & 0xFFFFFFFF;
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        for (int i = 0; i < _counters.Count; i++)
        {
            ulong v = ReadCounter(i);
            raw[i] = (long)v;
            joules[i] = _unrollers[i].Advance(v) * _counters[i].Unit;
        }
    }

    /// <summary>(package id, lowest CPU number in it) for every package, from the topology files.</summary>
    public static List<(int Package, int Cpu)> PackageReaders(EnergyOptions options)
    {
        string cpuDir = SysText.UnderRoot(options.SysfsRoot, "/sys/devices/system/cpu");
        var byPackage = new SortedDictionary<int, int>();
        if (Directory.Exists(cpuDir))
        {
            foreach (var dir in Directory.EnumerateDirectories(cpuDir, "cpu*"))
            {
                if (!int.TryParse(Path.GetFileName(dir)[3..], NumberStyles.None, CultureInfo.InvariantCulture, out int n)) continue;
                long? pkg = SysText.TryReadInteger(options.Files, Path.Combine(dir, "topology", "physical_package_id"), "a package number");
                if (pkg is null) continue;
                int p = (int)pkg.Value;
                if (!byPackage.TryGetValue(p, out int lowest) || n < lowest) byPackage[p] = n;
            }
        }
        if (byPackage.Count == 0) byPackage[0] = 0; // no topology: one package read through cpu0
        return byPackage.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    public static string GrantCommand(IEnumerable<string> msrFiles) => GrantCommand(msrFiles, HostFacts.ProcessPath());

    /// <summary>
    /// The commands that grant MSR access to <paramref name="processPath"/>. A capability set on the shared `dotnet`
    /// host would give raw I/O to every .NET program on the machine, so for that host the advice is to publish
    /// FoldBench as one self-contained file and grant the capability to that file alone.
    /// </summary>
    public static string GrantCommand(IEnumerable<string> msrFiles, string processPath)
    {
        ArgumentNullException.ThrowIfNull(processPath);
        string chmod = $"sudo chmod o+r {string.Join(' ', msrFiles)}";
        string exe = Path.GetFileNameWithoutExtension(processPath);
        if (exe is "dotnet" || processPath.Contains("$(", StringComparison.Ordinal))
            return $"`{chmod}`, then publish FoldBench as one file and grant the capability to that file only (never to the shared " +
                   "`dotnet` host, which would give raw I/O to every .NET program): `dotnet publish src/FoldBench.Cli -c Release -r linux-x64 " +
                   "-p:PublishSingleFile=true --self-contained -o ~/foldbench && sudo setcap cap_sys_rawio=ep ~/foldbench/foldbench` " +
                   "(or prefer the powercap interface, which needs no capability)";
        return $"`{chmod} && sudo setcap cap_sys_rawio=ep {processPath}` (or prefer the powercap interface, which needs no capability)";
    }
}
