using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoldBench.Energy.Sources.Msr;

namespace FoldBench.Energy.Simulation;

public enum FixtureLayout { IntelLaptop, AmdServer, LaptopBattery, PhoneBattery, Xeon6Server, JetsonOrin, AmdApu, EpycHwmon, PerfPmu, RaspberryPi5 }

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
/// The layouts themselves (files, modes, links, start values, which files count what) are data:
/// <c>Simulation/Layouts/NAME.tree</c>, read by <see cref="LayoutFile"/>; this class only animates their counters.
/// </summary>
public sealed class FixtureWriter : IDisposable
{
    public static readonly IReadOnlyDictionary<string, FixtureLayout> LayoutNames = new Dictionary<string, FixtureLayout>
    {
        ["intel-laptop"] = FixtureLayout.IntelLaptop,
        ["amd-server"] = FixtureLayout.AmdServer,
        ["laptop-battery"] = FixtureLayout.LaptopBattery,
        ["phone-battery"] = FixtureLayout.PhoneBattery,
        ["xeon6-server"] = FixtureLayout.Xeon6Server,
        ["jetson-orin"] = FixtureLayout.JetsonOrin,
        ["amd-apu"] = FixtureLayout.AmdApu,
        ["epyc-hwmon"] = FixtureLayout.EpycHwmon,
        ["perf-pmu"] = FixtureLayout.PerfPmu,
        ["raspberrypi5"] = FixtureLayout.RaspberryPi5,
    };

    private abstract class Counter
    {
        public required Share Share;
        public double Joules;
        public double ModelWatts;    // the model's watts at the last tick (readings of present power publish these)
        public abstract void Publish();
    }

    /// <summary>A reading of present power: the channel's watts in counts of a unit (power*_input µW), or its current at a bus voltage (curr*_input mA).</summary>
    private sealed class ReadingCounter(FileStream file, double wattsPerCount) : Counter
    {
        public override void Publish() => WriteInPlace(file, (long)Math.Round(Share.Watts(ModelWatts) / wattsPerCount));
    }

    /// <summary>A cumulative count of a unit of joules from its start value (energy*_input µJ, a perf event's count).</summary>
    private sealed class CountCounter(FileStream file, double joulesPerCount, double start) : Counter
    {
        public override void Publish() => WriteInPlace(file, (long)(start + Joules / joulesPerCount));
    }

    /// <summary>The text `vcgencmd pmic_read_adc` prints: each rail's current (its share of the power at its voltage), then each voltage.</summary>
    private sealed class PmicOutput(FileStream file, IReadOnlyList<PmicRailSpec> rails) : Counter
    {
        public override void Publish() => WriteInPlace(file, Encoding.ASCII.GetBytes(Text(rails, ModelWatts)));
    }

    /// <summary>The pmic_read_adc text at model power <paramref name="watts"/>: currents first, then voltages, names right-aligned.</summary>
    internal static string Text(IReadOnlyList<PmicRailSpec> rails, double watts)
    {
        var sb = new StringBuilder();
        foreach (var r in rails.Where(r => r.CurrentIndex >= 0))
            sb.Append(CultureInfo.InvariantCulture, $"{r.Rail + "_A",12} current({r.CurrentIndex})={r.Share.Watts(watts) / r.Volts:0.00000000}A\n");
        foreach (var r in rails)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Rail + "_V",12} volt({r.VoltIndex})={r.Volts:0.00000000}V\n");
        return sb.ToString();
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
        var description = LayoutFile.Load(Name(layout), options.Charging);
        GaugePeriod = options.GaugePeriod ?? TimeSpan.FromSeconds(1);
        _last = _lastGauge = Stopwatch.GetTimestamp();
        Build(description, model.Watts(_last));
        Tick = TimeSpan.FromMilliseconds(_gauge is null ? 1 : 5);
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
            foreach (var c in _counters)
            {
                c.ModelWatts = w;
                c.Joules += c.Share.Watts(w) * dt;
            }
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

    // ---- counters ------------------------------------------------------------------------------------------------

    /// <summary>Lays out the layout's tree and opens its counters at their start values (or near their wrap).</summary>
    private void Build(LayoutFile layout, double w0)
    {
        foreach (var entry in layout.Entries) _tree.Create(entry);
        foreach (var (name, share) in layout.Channels) _channels[name] = share;
        foreach (var c in layout.Counters)
        {
            long range = layout.Number(c.Path[..c.Path.LastIndexOf('/')] + "/max_energy_range_uj");
            double start = Initial(range, c.Share.Watts(w0) * 1e6, layout.Number(c.Path));
            _counters.Add(new PowercapCounter(OpenForUpdate(c.Path), range, start) { Share = c.Share });
        }
        var msr = new Dictionary<int, FileStream>();
        FileStream[] MsrFiles(int[] cpus) => cpus.Select(n => msr.TryGetValue(n, out var f) ? f : msr[n] = MsrFile(n)).ToArray();
        foreach (var r in layout.MsrRegisters)
            foreach (var f in MsrFiles(r.Cpus)) RandomAccess.Write(f.SafeFileHandle, BitConverter.GetBytes(r.Value), r.Register);
        foreach (var c in layout.MsrCounters)
        {
            var files = MsrFiles(c.Cpus);
            // A whole 8-byte read at the register must succeed, as on the real device.
            foreach (var f in files)
                if (f.Length < c.Register + 8L) f.SetLength(c.Register + 8L);
            double unit = MsrRegisters.EnergyUnitJoules(c.PowerUnit);
            ulong start = (ulong)Initial(MsrRegisters.CounterRange, c.Share.Watts(w0) / unit, c.Start);
            _counters.Add(new MsrCounter(files, c.Register, unit, start) { Share = c.Share });
        }
        if (layout.Gauge is { } g) _gauge = Gauge(layout, g);
        foreach (var r in layout.Readings)
        {
            double wattsPerCount = r.BusPath is null ? r.Unit : r.Unit * layout.Number(r.BusPath) * r.BusUnit;
            _counters.Add(new ReadingCounter(OpenForUpdate(r.Path), wattsPerCount) { Share = r.Share, ModelWatts = w0 });
        }
        foreach (var c in layout.Counts)
        {
            var file = c.Start is null ? OpenForUpdate(c.Path) : CreateGenerated(c.Path);
            _counters.Add(new CountCounter(file, c.Unit, c.Start ?? layout.Number(c.Path)) { Share = c.Share });
        }
        foreach (var n in layout.Nodes)
        {
            CreateGenerated(n.Path);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_tree.At(n.Path), n.Mode);
        }
        foreach (var rails in layout.PmicRails.GroupBy(r => r.Path))
            _counters.Add(new PmicOutput(CreateGenerated(rails.Key), rails.ToList()) { Share = new Share(0, 0), ModelWatts = w0 });
    }

    /// <summary>A file the writer generates outside the layout's tree (under foldbench-sim/): what a syscall or a tool would hand over.</summary>
    private FileStream CreateGenerated(string kernelPath)
    {
        string path = _tree.At(kernelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Track(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1));
    }

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

    private static void WriteInPlace(FileStream f, long value) =>
        WriteInPlace(f, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture) + "\n"));

    /// <summary>The layout's start value, or (NearWrap) 0.4 s of the start power before the wrap.</summary>
    private double Initial(double range, double unitsPerSecond, double start) =>
        _options.NearWrap ? Math.Max(0, range - unitsPerSecond * 0.4) : start;

    /// <summary>A sparse /dev/cpu/N/msr file: reads at offset = register address return 8 little-endian bytes.</summary>
    private FileStream MsrFile(int cpu)
    {
        string path = _tree.At($"/dev/cpu/{cpu}/msr");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var f = Track(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // crw------- like the real node
        return f;
    }

    /// <summary>The battery's publish step: (average watts since the last publish, cumulative joules) → its attribute files.
    /// It starts from the layout's values and counts up when charging, down otherwise.</summary>
    private Action<double, double> Gauge(LayoutFile layout, GaugeSpec g)
    {
        double sign = _options.Charging ? 1 : -1;
        switch (g.Kind)
        {
            case GaugeKind.Energy:
            {
                double energyStart = layout.Number($"{g.Dir}/energy_now"), energyFull = layout.Number($"{g.Dir}/energy_full"); // µWh
                var powerNow = OpenForUpdate($"{g.Dir}/power_now");
                var energyNow = OpenForUpdate($"{g.Dir}/energy_now");
                var capacity = OpenForUpdate($"{g.Dir}/capacity");
                return (watts, joules) =>
                {
                    long e = (long)(energyStart + sign * joules / 3.6e-3); // J → µWh
                    WriteInPlace(powerNow, (long)(watts * 1e6));
                    WriteInPlace(energyNow, e);
                    WriteInPlace(capacity, (long)(e * 100 / energyFull));
                };
            }
            default:
            {
                double chargeStart = layout.Number($"{g.Dir}/charge_now"); // µAh
                double volts = layout.Number($"{g.Dir}/voltage_now") * 1e-6;
                var current = OpenForUpdate($"{g.Dir}/current_now");
                var chargeNow = OpenForUpdate($"{g.Dir}/charge_now");
                var counter = OpenForUpdate($"{g.Dir}/charge_counter");
                return (watts, joules) =>
                {
                    long q = (long)(chargeStart + sign * joules / volts / 3600 * 1e6); // J → µAh at the (constant) voltage
                    WriteInPlace(current, (long)(sign * watts / volts * 1e6));
                    WriteInPlace(chargeNow, q);
                    WriteInPlace(counter, q);
                };
            }
        }
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
