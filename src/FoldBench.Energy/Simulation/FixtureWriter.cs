using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoldBench.Energy.Sources.Msr;

namespace FoldBench.Energy.Simulation;

public enum FixtureLayout { IntelLaptop, AmdServer, LaptopBattery, PhoneBattery }

/// <param name="NearWrap">Start every counter about 0.4 s before its wrap-around, so a wrap falls inside the first window.</param>
/// <param name="Charging">Battery layouts: on the charger (status Charging, adapter online).</param>
/// <param name="GaugePeriod">Battery layouts: how often the gauge publishes (real gauges: about 1 s).</param>
/// <param name="LedgerPath">Append the injected energy (Stopwatch ticks and joules per channel) to this CSV every 100 ms.</param>
/// <param name="KeepLedger">Keep every tick's injected energy in memory (tests use it as the truth).</param>
public sealed record FixtureWriterOptions(bool NearWrap = false, bool Charging = false, TimeSpan? GaugePeriod = null, string? LedgerPath = null, bool KeepLedger = true);

/// <summary>
/// Creates a fixture tree laid out like a real kernel's (sysfs, /proc/cpuinfo, /dev/cpu/N/msr) and advances its
/// counters in real time from a power model, wrap-arounds included. The injected energy per channel is the truth
/// tests compare FoldBench's integration with. Channels: "package" (sum of packages), "core", "dram", "psys", "battery".
/// </summary>
public sealed class FixtureWriter : IDisposable
{
    public const long IntelRangeUj = 262143328850;   // 2^32 × 61.035 µJ
    public const long AmdRangeUj = 65712999613;      // 2^32 × 15.3 µJ
    public const ulong IntelPowerUnit = 0x000A0E03;  // ESU 14 → 61.035 µJ
    public const ulong AmdPowerUnit = 0x000A1003;    // ESU 16 → 15.26 µJ

    public static readonly IReadOnlyDictionary<string, FixtureLayout> LayoutNames = new Dictionary<string, FixtureLayout>
    {
        ["intel-laptop"] = FixtureLayout.IntelLaptop,
        ["amd-server"] = FixtureLayout.AmdServer,
        ["laptop-battery"] = FixtureLayout.LaptopBattery,
        ["phone-battery"] = FixtureLayout.PhoneBattery,
    };

    /// <summary>Channel watts = Scale × model watts + Offset.</summary>
    private readonly record struct Share(double Scale, double Offset)
    {
        public double Watts(double w) => Scale * w + Offset;
    }

    private abstract class Counter
    {
        public required Share Share;
        public double Joules;
        public abstract void Publish();
    }

    /// <summary>A powercap energy_uj file: µJ modulo max_energy_range_uj.</summary>
    private sealed class PowercapCounter(FileStream file, long range, double initialUj) : Counter
    {
        public override void Publish()
        {
            long v = (long)((initialUj + Joules * 1e6) % range);
            WriteInPlace(file, Encoding.ASCII.GetBytes(v.ToString(CultureInfo.InvariantCulture) + "\n"));
        }
    }

    /// <summary>An MSR energy counter in one or more /dev/cpu/N/msr files: counts of 2^-ESU J in the low 32 bits.</summary>
    private sealed class MsrCounter(FileStream[] files, long offset, double unitJoules, ulong initialCounts) : Counter
    {
        public override void Publish()
        {
            // Energy status registers are 32-bit counters (upper bits reserved): write the low 4 bytes only.
            uint counts = (uint)((initialCounts + (ulong)(Joules / unitJoules)) & 0xFFFFFFFF);
            var bytes = BitConverter.GetBytes(counts);
            foreach (var f in files) RandomAccess.Write(f.SafeFileHandle, bytes, offset);
        }
    }

    private readonly FixtureTree _tree;
    private readonly IPowerModel _model;
    private readonly FixtureWriterOptions _options;
    private readonly List<Counter> _counters = [];
    private readonly List<FileStream> _handles = [];
    private readonly Dictionary<string, Share> _channels = [];
    private readonly Dictionary<string, double> _channelJoules = [];
    private readonly List<(long Ticks, double[] Joules)> _ledger = [];
    private readonly string[] _channelOrder;
    private readonly object _lock = new();
    private Action<double, double>? _gauge;   // battery publish: (average watts since last publish, cumulative joules)
    private double _gaugeJoules;
    private long _lastGauge;
    private long _last;
    private long _lastLedgerWrite;
    private long _maxGap;
    private Thread? _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private StreamWriter? _ledgerFile;

    public string Root => _tree.Root;
    public FixtureLayout Layout { get; }
    public string DevCpuRoot => Path.Combine(Root, "dev", "cpu");
    public IPowerModel Model => _model;
    /// <summary>The writer's tick: 1 ms like RAPL's update, 5 ms for battery layouts (their gauge publishes less often).</summary>
    public TimeSpan Tick { get; }
    public TimeSpan GaugePeriod { get; }
    /// <summary>The longest gap between two ticks seen: how stale the fixture's counters could get (the writer is a
    /// user thread and can be descheduled; a hardware counter cannot).</summary>
    public TimeSpan MaxTickGap => TimeSpan.FromSeconds(Interlocked.Read(ref _maxGap) / (double)Stopwatch.Frequency);
    public IReadOnlyList<string> Channels => _channelOrder;

    /// <summary>The Stopwatch tick the counters were last advanced to: simulated steps from here are independent of scheduling.</summary>
    public long LastTick { get { lock (_lock) return _last; } }

    /// <summary>Forgets the longest tick gap so far (e.g. the first tick's JIT pause) before a measured stretch.</summary>
    public void ResetMaxTickGap() => Interlocked.Exchange(ref _maxGap, 0);

    /// <summary>Options that point FoldBench's discovery at this tree.</summary>
    public EnergyOptions EnergyOptions(EnergyOptions? template = null) =>
        (template ?? new EnergyOptions()) with { SysfsRoot = Root, DevCpuRoot = DevCpuRoot };

    private FixtureWriter(string root, FixtureLayout layout, IPowerModel model, FixtureWriterOptions options)
    {
        _tree = new FixtureTree(root);
        Layout = layout;
        _model = model;
        _options = options;
        bool battery = layout is FixtureLayout.LaptopBattery or FixtureLayout.PhoneBattery;
        Tick = TimeSpan.FromMilliseconds(battery ? 5 : 1);
        GaugePeriod = options.GaugePeriod ?? TimeSpan.FromSeconds(1);
        _last = _lastGauge = Stopwatch.GetTimestamp();
        double w0 = model.Watts(_last);
        switch (layout)
        {
            case FixtureLayout.IntelLaptop: BuildIntelLaptop(w0); break;
            case FixtureLayout.AmdServer: BuildAmdServer(w0); break;
            case FixtureLayout.LaptopBattery: BuildLaptopBattery(); break;
            case FixtureLayout.PhoneBattery: BuildPhoneBattery(); break;
        }
        _channelOrder = _channels.Keys.ToArray();
        foreach (var c in _channelOrder) _channelJoules[c] = 0;
        foreach (var c in _counters) c.Publish();
        if (options.KeepLedger) _ledger.Add((_last, new double[_channelOrder.Length]));
        if (options.LedgerPath is { } lp)
        {
            _ledgerFile = new StreamWriter(lp, append: false) { AutoFlush = true };
            _ledgerFile.WriteLine($"# FoldBench fixture ledger: injected energy by the {Name(layout)} writer ({model.Description}); stopwatch_frequency={Stopwatch.Frequency}");
            _ledgerFile.WriteLine("timestamp_ticks," + string.Join(',', _channelOrder.Select(c => c + "_j")));
            WriteLedgerLine(_last);
        }
    }

    /// <summary>Creates the tree under <paramref name="root"/> (which must be empty or absent) with the counters at their start values.</summary>
    public static FixtureWriter Create(string root, FixtureLayout layout, IPowerModel model, FixtureWriterOptions? options = null)
    {
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new IOException($"fixture root {root} is not empty: point --root at a new folder");
        Directory.CreateDirectory(root);
        return new FixtureWriter(root, layout, model, options ?? new FixtureWriterOptions());
    }

    public static string Name(FixtureLayout layout) => LayoutNames.First(kv => kv.Value == layout).Key;

    /// <summary>Starts the background thread that advances the counters every <see cref="Tick"/>.</summary>
    public void Start()
    {
        if (_thread is not null) return;
        lock (_lock)
        {
            // Nothing was injected while stopped: record the restart so the ledger stays flat until now.
            _last = _lastGauge = Stopwatch.GetTimestamp();
            if (_options.KeepLedger) _ledger.Add((_last, _channelOrder.Select(c => _channelJoules[c]).ToArray()));
        }
        _thread = new Thread(() =>
        {
            while (!_stop.Wait(Tick)) Advance(Stopwatch.GetTimestamp());
        }) { IsBackground = true, Name = "FoldBench fixture writer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Stop()
    {
        if (_thread is null) return;
        _stop.Set();
        _thread.Join();
        _thread = null;
        Advance(Stopwatch.GetTimestamp());
    }

    /// <summary>Injects the model's energy since the previous tick and rewrites the counters.</summary>
    public void Advance(long now)
    {
        lock (_lock)
        {
            long gap = now - _last;
            if (gap <= 0) return;
            if (gap > Interlocked.Read(ref _maxGap)) Interlocked.Exchange(ref _maxGap, gap);
            double dt = gap / (double)Stopwatch.Frequency;
            double w = _model.Watts(now);
            foreach (var c in _counters) c.Joules += c.Share.Watts(w) * dt;
            foreach (var (name, share) in _channels) _channelJoules[name] += share.Watts(w) * dt;
            _gaugeJoules += w * dt;
            _last = now;
            if (_gauge is null)
            {
                foreach (var c in _counters) c.Publish();
            }
            else if (now - _lastGauge >= GaugePeriod.TotalSeconds * Stopwatch.Frequency)
            {
                double elapsed = (now - _lastGauge) / (double)Stopwatch.Frequency;
                _gauge(_gaugeJoules / elapsed, _channelJoules["battery"]);
                _gaugeJoules = 0;
                _lastGauge = now;
            }
            if (_options.KeepLedger) _ledger.Add((now, _channelOrder.Select(c => _channelJoules[c]).ToArray()));
            if (_ledgerFile is not null && now - _lastLedgerWrite >= Stopwatch.Frequency / 10) WriteLedgerLine(now);
        }
    }

    private void WriteLedgerLine(long now)
    {
        _lastLedgerWrite = now;
        _ledgerFile!.WriteLine(now.ToString(CultureInfo.InvariantCulture) + "," +
                               string.Join(',', _channelOrder.Select(c => _channelJoules[c].ToString("R", CultureInfo.InvariantCulture))));
    }

    /// <summary>Energy injected into <paramref name="channel"/> between two Stopwatch times (linear between ticks).</summary>
    public double Injected(string channel, long from, long to)
    {
        int k = Array.IndexOf(_channelOrder, channel);
        if (k < 0) throw new ArgumentException($"the {Name(Layout)} fixture has no channel '{channel}' (has: {string.Join(", ", _channelOrder)})");
        if (!_options.KeepLedger) throw new InvalidOperationException("the fixture writer keeps no in-memory ledger (KeepLedger=false)");
        lock (_lock) return At(k, to) - At(k, from);
    }

    /// <summary>Total energy injected into a channel so far.</summary>
    public double Total(string channel)
    {
        lock (_lock) return _channelJoules[channel];
    }

    private double At(int channel, long t)
    {
        int lo = 0, hi = _ledger.Count - 1;
        if (t <= _ledger[0].Ticks) return _ledger[0].Joules[channel];
        if (t >= _ledger[hi].Ticks) return _ledger[hi].Joules[channel]; // the future is not injected yet
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (_ledger[mid].Ticks <= t) lo = mid; else hi = mid;
        }
        var (t0, j0) = _ledger[lo];
        var (t1, j1) = _ledger[hi];
        return j0[channel] + (j1[channel] - j0[channel]) * (t - t0) / (double)(t1 - t0);
    }

    // ---- layouts -------------------------------------------------------------------------------------------------

    private FileStream OpenForUpdate(string kernelPath) => Track(new FileStream(_tree.At(kernelPath), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1));

    private FileStream Track(FileStream f)
    {
        _handles.Add(f);
        return f;
    }

    /// <summary>Rewrites a file in place (never replaced: readers keep their handles open). Write, then truncate:
    /// a reader in between sees the new first line followed by leftovers, and parses only the first line.</summary>
    private static void WriteInPlace(FileStream f, byte[] bytes)
    {
        RandomAccess.Write(f.SafeFileHandle, bytes, 0);
        if (f.Length != bytes.Length) f.SetLength(bytes.Length);
    }

    private void WriteInPlace(string kernelPath, FileStream f, string text) => WriteInPlace(f, Encoding.ASCII.GetBytes(text + "\n"));

    private double Initial(double range, double unitsPerSecond, double fraction) =>
        _options.NearWrap ? Math.Max(0, range - unitsPerSecond * 0.4) : range * fraction;

    private void PowercapZone(string controlType, string zonePath, string name, long range, Share share, double w0, double fraction,
        IEnumerable<(string Name, long Limit, long Window, long Max)> constraints, bool enabled = true)
    {
        string dir = $"/sys/devices/virtual/powercap/{controlType}/{zonePath}";
        string id = zonePath[(zonePath.LastIndexOf('/') + 1)..];
        string parent = zonePath.Contains('/') ? $"/sys/devices/virtual/powercap/{controlType}/{zonePath[..zonePath.LastIndexOf('/')]}" : $"/sys/devices/virtual/powercap/{controlType}";
        _tree.File($"{dir}/name", name);
        _tree.File($"{dir}/enabled", enabled ? 1 : 0, FixtureTree.Writable);
        _tree.File($"{dir}/max_energy_range_uj", range);
        _tree.File($"{dir}/energy_uj", 0, FixtureTree.RootOnly); // root-only since Linux 5.10 (CVE-2020-8694)
        int i = 0;
        foreach (var c in constraints)
        {
            _tree.File($"{dir}/constraint_{i}_name", c.Name);
            _tree.File($"{dir}/constraint_{i}_power_limit_uw", c.Limit, FixtureTree.Writable);
            _tree.File($"{dir}/constraint_{i}_time_window_us", c.Window, FixtureTree.Writable);
            if (c.Max >= 0) _tree.File($"{dir}/constraint_{i}_max_power_uw", c.Max);
            i++;
        }
        _tree.File($"{dir}/uevent", "");
        _tree.PowerDir(dir);
        _tree.Link($"{dir}/device", parent);
        _tree.Link($"{dir}/subsystem", "/sys/class/powercap");
        _tree.Link($"/sys/class/powercap/{id}", dir);
        double perSecondUj = share.Watts(w0) * 1e6;
        _counters.Add(new PowercapCounter(OpenForUpdate($"{dir}/energy_uj"), range, Initial(range, perSecondUj, fraction)) { Share = share });
    }

    private void ControlType(string name)
    {
        string dir = $"/sys/devices/virtual/powercap/{name}";
        _tree.File($"{dir}/enabled", 1, FixtureTree.Writable);
        _tree.File($"{dir}/uevent", "");
        _tree.PowerDir(dir);
        _tree.Link($"{dir}/subsystem", "/sys/class/powercap");
        _tree.Link($"/sys/class/powercap/{name}", dir);
    }

    private void Cpus(int count, Func<int, int> package, string cpuinfoBlock, Func<int, string>? extra = null)
    {
        var info = new StringBuilder();
        for (int n = 0; n < count; n++)
        {
            _tree.File($"/sys/devices/system/cpu/cpu{n}/topology/physical_package_id", package(n));
            _tree.File($"/sys/devices/system/cpu/cpu{n}/topology/die_id", 0);
            _tree.File($"/sys/devices/system/cpu/cpu{n}/topology/core_id", n);
            info.Append(CultureInfo.InvariantCulture, $"processor\t: {n}\n").Append(cpuinfoBlock).Append(extra?.Invoke(n) ?? "").Append('\n');
        }
        _tree.File("/sys/devices/system/cpu/online", $"0-{count - 1}");
        _tree.File("/sys/devices/system/cpu/possible", $"0-{count - 1}");
        _tree.File("/sys/devices/system/cpu/present", $"0-{count - 1}");
        _tree.File("/proc/cpuinfo", info.ToString().TrimEnd('\n') + "\n");
    }

    private void Dmi(string vendor, string product)
    {
        _tree.File("/sys/devices/virtual/dmi/id/sys_vendor", vendor);
        _tree.File("/sys/devices/virtual/dmi/id/product_name", product);
        _tree.Link("/sys/class/dmi/id", "/sys/devices/virtual/dmi/id");
    }

    /// <summary>A sparse /dev/cpu/N/msr file: reads at offset = register address return 8 little-endian bytes.</summary>
    private FileStream MsrFile(int cpu, params (uint Register, ulong Value)[] fixedRegisters)
    {
        string path = _tree.At($"/dev/cpu/{cpu}/msr");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var f = Track(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1));
        foreach (var (register, value) in fixedRegisters) RandomAccess.Write(f.SafeFileHandle, BitConverter.GetBytes(value), register);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // crw------- like the real node
        return f;
    }

    private void MsrCounterIn(FileStream[] files, uint register, double unit, Share share, double w0, double fraction)
    {
        // A whole 8-byte read at the register must succeed, as on the real device.
        foreach (var f in files)
            if (f.Length < register + 8L) f.SetLength(register + 8L);
        _counters.Add(new MsrCounter(files, register, unit, (ulong)Initial(MsrRegisters.CounterRange, share.Watts(w0) / unit, fraction)) { Share = share });
    }

    private void BuildIntelLaptop(double w0)
    {
        // Power split of a client part: cores 62 % and uncore/graphics 8 % of the package; DRAM beside it; psys = all of it plus the platform.
        var package = new Share(1, 0);
        var core = new Share(0.62, 0);
        var uncore = new Share(0.08, 0);
        var dram = new Share(0.12, 0.4);
        var psys = new Share(1.12, 1.9);
        _channels["package"] = package;
        _channels["core"] = core;
        _channels["dram"] = dram;
        _channels["psys"] = psys;
        (string, long, long, long)[] pkgLimits = [("long_term", 28000000, 27983872, 28000000), ("short_term", 64000000, 2440, 0)];
        (string, long, long, long)[] subLimits = [("long_term", 0, 976, -1)];
        ControlType("intel-rapl");
        PowercapZone("intel-rapl", "intel-rapl:0", "package-0", IntelRangeUj, package, w0, 0.37, pkgLimits);
        PowercapZone("intel-rapl", "intel-rapl:0/intel-rapl:0:0", "core", IntelRangeUj, core, w0, 0.21, subLimits, enabled: false);
        PowercapZone("intel-rapl", "intel-rapl:0/intel-rapl:0:1", "uncore", IntelRangeUj, uncore, w0, 0.05, subLimits, enabled: false);
        PowercapZone("intel-rapl", "intel-rapl:0/intel-rapl:0:2", "dram", IntelRangeUj, dram, w0, 0.11, subLimits, enabled: false);
        PowercapZone("intel-rapl", "intel-rapl:1", "psys", IntelRangeUj, psys, w0, 0.52, pkgLimits, enabled: false);
        ControlType("intel-rapl-mmio");
        PowercapZone("intel-rapl-mmio", "intel-rapl-mmio:0", "package-0", IntelRangeUj, package, w0, 0.37, pkgLimits);

        Cpus(4, _ => 0, "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 140\nmodel name\t: 11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz\nstepping\t: 1\ncpu MHz\t\t: 2800.000\ncache size\t: 12288 KB\nphysical id\t: 0\nsiblings\t: 4\ncpu cores\t: 4\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdt_a avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb intel_pt avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves dtherm ida arat pln pts hwp hwp_notify hwp_act_window hwp_epp hwp_pkg_req avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid movdiri movdir64b fsrm avx512_vp2intersect md_clear flush_l1d arch_capabilities\n");
        // The same counters through MSRs, one file per CPU; the package-scope registers read the same on every CPU of the package.
        var files = Enumerable.Range(0, 4).Select(n => MsrFile(n, (MsrRegisters.IntelPowerUnit, IntelPowerUnit))).ToArray();
        double unit = MsrRegisters.EnergyUnitJoules(IntelPowerUnit);
        MsrCounterIn(files, MsrRegisters.IntelPackageEnergy, unit, package, w0, 0.37);
        MsrCounterIn(files, MsrRegisters.IntelPp0Energy, unit, core, w0, 0.21);
        MsrCounterIn(files, MsrRegisters.IntelPp1Energy, unit, uncore, w0, 0.05);
        MsrCounterIn(files, MsrRegisters.IntelDramEnergy, unit, dram, w0, 0.11);
        Dmi("LENOVO", "20XWCTO1WW");
        // On the charger: the battery is full and the adapter online, so the battery source reports "charging".
        AcpiBattery(charging: true, full: true);
    }

    private void BuildAmdServer(double w0)
    {
        // Two sockets; kernels ≥ 5.11 expose AMD RAPL through the intel-rapl control type, packages only.
        var half = new Share(0.5, 0);
        _channels["package"] = new Share(1, 0);
        ControlType("intel-rapl");
        (string, long, long, long)[] limits = [("long_term", 0, 0, 0)];
        PowercapZone("intel-rapl", "intel-rapl:0", "package-0", AmdRangeUj, half, w0, 0.44, limits);
        PowercapZone("intel-rapl", "intel-rapl:1", "package-1", AmdRangeUj, half, w0, 0.71, limits);
        Cpus(8, n => n / 4, "vendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\nmodel name\t: AMD EPYC 7313 16-Core Processor\nstepping\t: 1\ncpu MHz\t\t: 3000.000\ncache size\t: 512 KB\nsiblings\t: 4\ncpu cores\t: 4\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold v_vmsave_vmload vgif v_spec_ctrl umip pku ospke vaes vpclmulqdq rdpid overflow_recov succor smca\n",
            n => $"physical id\t: {n / 4}\ncore id\t\t: {n % 4}\n");
        double unit = MsrRegisters.EnergyUnitJoules(AmdPowerUnit);
        for (int p = 0; p < 2; p++)
        {
            var files = Enumerable.Range(p * 4, 4).Select(n => MsrFile(n, (MsrRegisters.AmdPowerUnit, AmdPowerUnit))).ToArray();
            // A flat file cannot hold adjacent registers (0xC0010299/9A/9B) whole: their 8-byte images overlap. The unit
            // needs only bytes 0-1 and the package counter its low 4 bytes, so those two coexist; the per-core counter
            // at 0xC001029A (which FoldBench does not read) is left out.
            MsrCounterIn(files, MsrRegisters.AmdPackageEnergy, unit, half, w0, p == 0 ? 0.44 : 0.71);
        }
        Dmi("Supermicro", "AS -2024US-TRT");
    }

    private void BuildLaptopBattery()
    {
        _channels["battery"] = new Share(1, 0);
        Cpus(4, _ => 0, "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 142\nmodel name\t: Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc pni ssse3 fma cx16 sse4_1 sse4_2 popcnt aes xsave avx f16c rdrand avx2 bmi1 bmi2\n");
        Dmi("LENOVO", "20L8S02D00");
        AcpiBattery(_options.Charging, full: false);
    }

    // ACPI battery and adapter, nested under the embedded controller as on ThinkPads.
    private const string AcpiEc = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0A08:00/device:00/PNP0C09:00";

    private void AcpiBattery(bool charging, bool full)
    {
        string bat = $"{AcpiEc}/PNP0C0A:00/power_supply/BAT0";
        string ac = $"{AcpiEc}/ACPI0003:00/power_supply/AC";
        const long energyFull = 52100000, voltage = 12093000; // µWh, µV
        double energyStart = full ? energyFull : 41230000;
        _tree.File($"{bat}/type", "Battery");
        _tree.File($"{bat}/status", full ? "Full" : charging ? "Charging" : "Discharging");
        _tree.File($"{bat}/present", 1);
        _tree.File($"{bat}/technology", "Li-poly");
        _tree.File($"{bat}/cycle_count", 112);
        _tree.File($"{bat}/voltage_min_design", 11520000);
        _tree.File($"{bat}/voltage_now", voltage);
        _tree.File($"{bat}/power_now", full ? 0 : 7500000);
        _tree.File($"{bat}/energy_full_design", 57000000);
        _tree.File($"{bat}/energy_full", energyFull);
        _tree.File($"{bat}/energy_now", (long)energyStart);
        _tree.File($"{bat}/capacity", (long)(energyStart * 100 / energyFull));
        _tree.File($"{bat}/capacity_level", full ? "Full" : "Normal");
        _tree.File($"{bat}/alarm", 2605000, FixtureTree.Writable);
        _tree.File($"{bat}/manufacturer", "SMP");
        _tree.File($"{bat}/model_name", "5B10W13975");
        _tree.File($"{bat}/serial_number", "1234");
        _tree.File($"{bat}/uevent", $"POWER_SUPPLY_NAME=BAT0\nPOWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_STATUS={(full ? "Full" : charging ? "Charging" : "Discharging")}\nPOWER_SUPPLY_PRESENT=1");
        _tree.PowerDir(bat);
        _tree.Link($"{bat}/device", $"{AcpiEc}/PNP0C0A:00");
        _tree.Link($"{bat}/subsystem", "/sys/class/power_supply");
        _tree.Link("/sys/class/power_supply/BAT0", bat);
        _tree.File($"{ac}/type", "Mains");
        _tree.File($"{ac}/online", charging || full ? 1 : 0);
        _tree.File($"{ac}/uevent", $"POWER_SUPPLY_NAME=AC\nPOWER_SUPPLY_TYPE=Mains\nPOWER_SUPPLY_ONLINE={(charging || full ? 1 : 0)}");
        _tree.PowerDir(ac);
        _tree.Link($"{ac}/device", $"{AcpiEc}/ACPI0003:00");
        _tree.Link($"{ac}/subsystem", "/sys/class/power_supply");
        _tree.Link("/sys/class/power_supply/AC", ac);
        if (full) return; // nothing flows: the gauge stays put

        var powerNow = OpenForUpdate($"{bat}/power_now");
        var energyNow = OpenForUpdate($"{bat}/energy_now");
        var capacity = OpenForUpdate($"{bat}/capacity");
        double sign = charging ? 1 : -1;
        _gauge = (watts, joules) =>
        {
            long e = (long)(energyStart + sign * joules / 3.6e-3); // J → µWh
            WriteInPlace($"{bat}/power_now", powerNow, ((long)(watts * 1e6)).ToString(CultureInfo.InvariantCulture));
            WriteInPlace($"{bat}/energy_now", energyNow, e.ToString(CultureInfo.InvariantCulture));
            WriteInPlace($"{bat}/capacity", capacity, (e * 100 / energyFull).ToString(CultureInfo.InvariantCulture));
        };
    }

    private void BuildPhoneBattery()
    {
        _channels["battery"] = new Share(1, 0);
        Cpus(8, _ => 0, "BogoMIPS\t: 38.40\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0xd0d\nCPU revision\t: 0\n");
        // The device path differs per SoC; the class symlink and the attribute set are what readers rely on.
        string dev = "/sys/devices/platform/soc/soc:qcom,pmic_glink/power_supply";
        string bat = $"{dev}/battery", usb = $"{dev}/usb";
        const long voltage = 3850000, chargeFull = 4410000; // µV, µAh
        double chargeStart = 2822000;
        bool charging = _options.Charging;
        _tree.File($"{bat}/type", "Battery");
        _tree.File($"{bat}/status", charging ? "Charging" : "Discharging");
        _tree.File($"{bat}/present", 1);
        _tree.File($"{bat}/health", "Good");
        _tree.File($"{bat}/technology", "Li-ion");
        _tree.File($"{bat}/capacity", (long)(chargeStart * 100 / chargeFull));
        _tree.File($"{bat}/voltage_now", voltage);
        _tree.File($"{bat}/current_now", charging ? 1200000 : -650000); // this driver reports discharge as negative
        _tree.File($"{bat}/charge_now", (long)chargeStart);
        _tree.File($"{bat}/charge_counter", (long)chargeStart);
        _tree.File($"{bat}/charge_full", chargeFull);
        _tree.File($"{bat}/charge_full_design", 4500000);
        _tree.File($"{bat}/cycle_count", 87);
        _tree.File($"{bat}/temp", 281);
        _tree.File($"{bat}/uevent", $"POWER_SUPPLY_NAME=battery\nPOWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_STATUS={(charging ? "Charging" : "Discharging")}");
        _tree.PowerDir(bat);
        _tree.Link($"{bat}/subsystem", "/sys/class/power_supply");
        _tree.Link("/sys/class/power_supply/battery", bat);
        _tree.File($"{usb}/type", "USB");
        _tree.File($"{usb}/online", charging ? 1 : 0);
        _tree.File($"{usb}/present", 1);
        _tree.File($"{usb}/uevent", $"POWER_SUPPLY_NAME=usb\nPOWER_SUPPLY_TYPE=USB\nPOWER_SUPPLY_ONLINE={(charging ? 1 : 0)}");
        _tree.PowerDir(usb);
        _tree.Link($"{usb}/subsystem", "/sys/class/power_supply");
        _tree.Link("/sys/class/power_supply/usb", usb);

        var current = OpenForUpdate($"{bat}/current_now");
        var chargeNow = OpenForUpdate($"{bat}/charge_now");
        var counter = OpenForUpdate($"{bat}/charge_counter");
        double sign = charging ? 1 : -1;
        double volts = voltage * 1e-6;
        _gauge = (watts, joules) =>
        {
            long ua = (long)(sign * watts / volts * 1e6);
            long q = (long)(chargeStart + sign * joules / volts / 3600 * 1e6); // J → µAh at the (constant) voltage
            WriteInPlace($"{bat}/current_now", current, ua.ToString(CultureInfo.InvariantCulture));
            WriteInPlace($"{bat}/charge_now", chargeNow, q.ToString(CultureInfo.InvariantCulture));
            WriteInPlace($"{bat}/charge_counter", counter, q.ToString(CultureInfo.InvariantCulture));
        };
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
        lock (_lock)
        {
            foreach (var h in _handles) h.Dispose();
            _handles.Clear();
            _ledgerFile?.Dispose();
            _ledgerFile = null;
        }
    }
}
