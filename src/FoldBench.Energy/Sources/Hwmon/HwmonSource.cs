using System.Diagnostics;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Hwmon;

/// <summary>
/// Linux hwmon (/sys/class/hwmon/hwmon*): energy*_input counters (µJ), power*_input/power*_average sensors (µW) and the
/// INA3221's bus volts × current (Jetson modules). One device group is read — energy counters, then INA3221 rails, then
/// an ACPI power_meter, then amdgpu, then any other power channel; <c>--domain psys</c> puts the whole-system meters
/// first. Within it, rails are chosen by label so that a rail containing others is never summed with them.
/// </summary>
public sealed class HwmonSource : EnergySourceBase
{
    public const string SourceName = "hwmon";

    /// <summary>When a driver documents no update period (amdgpu, generic power channels): a nominal value, said so in the reason.</summary>
    public static readonly TimeSpan NominalPowerPeriod = TimeSpan.FromMilliseconds(10);

    private sealed class Rail(HwmonChannel channel, CounterFile primary, CounterFile? bus) : IDisposable
    {
        public HwmonChannel Channel { get; } = channel;
        public CounterFile Primary { get; } = primary;
        public CounterFile? Bus { get; } = bus;
        public long Start;
        public long Last;
        public PowerIntegral Integral;

        public void Dispose()
        {
            Primary.Dispose();
            Bus?.Dispose();
        }
    }

    /// <summary>One device group that could be read, with the rails chosen in it and why.</summary>
    internal sealed record Candidate(string Group, string Selection, IReadOnlyList<HwmonChannel> Channels, string Why, TimeSpan? Interval, bool SystemWide);

    private readonly List<Rail> _rails = [];
    private HwmonQuantity _quantity = HwmonQuantity.PowerMicrowatts;
    private TimeSpan _period = NominalPowerPeriod;
    private double _busVolts = 5;

    public override string Name => SourceName;
    public override SourceKind Kind => _quantity == HwmonQuantity.EnergyMicrojoules ? SourceKind.EnergyCounter : SourceKind.PowerSensor;
    public override string Unit => _quantity switch
    {
        HwmonQuantity.EnergyMicrojoules => "µJ (energy*_input)",
        HwmonQuantity.MillivoltsTimesMilliamps => "mV × mA (INA3221 in*_input × curr*_input)",
        _ => "µW (power*_average or power*_input)",
    };
    // Counters: one µJ per channel read. Sensors: one count of each reading held for one update period.
    public override double ResolutionJoules => Math.Max(1, Domains.Count) * _quantity switch
    {
        HwmonQuantity.EnergyMicrojoules => 1e-6,
        HwmonQuantity.MillivoltsTimesMilliamps => 1e-3 * _busVolts * _period.TotalSeconds,
        _ => 1e-6 * _period.TotalSeconds,
    };
    public override TimeSpan UpdatePeriod => _period;
    // A power reading integrated into joules: the window edges' bound covers the interval it had not published yet.
    public override bool IntegratesPower => _quantity != HwmonQuantity.EnergyMicrojoules;
    public override double? WrapJoules => null;
    public override string Privilege => "read access to the hwmon attributes (world-readable, except energy counters some drivers make root-only)";
    // A sensor's reading is integrated, so it is read twice per update period; a counter is only differenced.
    public override TimeSpan SampleInterval => _quantity == HwmonQuantity.EnergyMicrojoules
        ? base.SampleInterval
        : TimeSpan.FromTicks(Math.Clamp(_period.Ticks / 2, TimeSpan.FromMilliseconds(2).Ticks, TimeSpan.FromMilliseconds(250).Ticks));

    private HwmonSource() { }

    public static HwmonSource Probe(EnergyOptions options)
    {
        var source = new HwmonSource();
        source.Probing(() => source.ProbeCore(options));
        return source;
    }

    protected override void ReleaseHandles()
    {
        foreach (var r in _rails) r.Dispose();
        _rails.Clear();
    }

    private void ProbeCore(EnergyOptions options)
    {
        NoteRoots(options);
        string classDir = SysText.UnderRoot(options.SysfsRoot, HwmonCatalog.ClassPath);
        if (!Directory.Exists(classDir))
        {
            SetUnusable(SourceState.Absent, $"{classDir} does not exist: no hwmon class in this kernel{HostFacts.VirtualizationNote(options.SysfsRoot, "hardware monitors")}");
            return;
        }
        var devices = HwmonCatalog.List(options);
        var candidates = Candidates(devices, options.Domain);
        var found = new List<string>();
        foreach (var d in devices)
            foreach (var c in d.Channels)
                found.Add(Describe(c, candidates.Count > 0 ? candidates[0] : null, candidates));
        FoundDomains = found;
        if (candidates.Count == 0)
        {
            string names = devices.Count == 0 ? "no devices" : string.Join(", ", devices.Select(d => $"{d.Id} '{d.Driver}'"));
            SetUnusable(SourceState.Absent,
                $"{classDir} has {names}, none with energy*_input, power*_input/power*_average or INA3221 in*_input × curr*_input{HostFacts.VirtualizationNote(options.SysfsRoot, "power sensors")}");
            return;
        }

        var chosen = candidates[0];
        var denied = new List<string>();
        foreach (var c in chosen.Channels)
        {
            var paths = c.BusPath is null ? new[] { c.Path } : [c.Path, c.BusPath];
            try
            {
                var primary = CounterFile.Open(options.Files, c.Path, GrantCommand(paths));
                CounterFile? bus = null;
                try
                {
                    if (c.BusPath is not null) bus = CounterFile.Open(options.Files, c.BusPath, GrantCommand(paths));
                }
                catch
                {
                    primary.Dispose();
                    throw;
                }
                _rails.Add(new Rail(c, primary, bus));
            }
            catch (EnergySourceException e) when (e.State == SourceState.PermissionDenied)
            {
                denied.AddRange(paths);
            }
        }
        if (denied.Count > 0)
        {
            Fail(SourceState.PermissionDenied, $"{string.Join(", ", denied)} {(denied.Count == 1 ? "is" : "are")} not readable by this user; grant read access with: {GrantCommand(denied)}");
            return;
        }

        _quantity = chosen.Channels[0].Quantity;
        _period = chosen.Interval ?? (_quantity == HwmonQuantity.EnergyMicrojoules ? TimeSpan.FromMilliseconds(1) : NominalPowerPeriod);
        Domains = _rails.Select(r => new EnergyDomain($"{r.Channel.Device}/{r.Channel.Label}", RoleOf(chosen), r.Channel.Path)).ToList();
        Selection = new DomainSelection(chosen.Selection, Enumerable.Range(0, _rails.Count).ToArray(), chosen.Why);
        long now = Stopwatch.GetTimestamp();
        foreach (var r in _rails)
        {
            if (r.Bus is not null) _busVolts = Math.Max(1e-3, r.Bus.ReadInteger("a bus voltage in mV") * 1e-3);
            double value = Sample(r, out long raw);
            r.Start = r.Last = raw;
            if (_quantity != HwmonQuantity.EnergyMicrojoules) r.Integral.Add(value, now);
        }
        string period = chosen.Interval is { } i
            ? $"update period {i.TotalMilliseconds:0.###} ms from {(chosen.Channels[0].Driver == "power_meter" ? "power1_average_interval" : "update_interval")}"
            : _quantity == HwmonQuantity.EnergyMicrojoules
                ? "counters read on demand, nominal 1 ms"
                : $"the driver documents no update period: nominal {NominalPowerPeriod.TotalMilliseconds:0} ms assumed, the bound is only as good as that";
        State = SourceState.Usable;
        Reason = $"{string.Join(" + ", Domains.Select(d => d.Name))} ({chosen.Group}) via {classDir}; {period}";
    }

    private static DomainRole RoleOf(Candidate c) => c.Selection switch
    {
        "package" => DomainRole.Package,
        "core" => DomainRole.Core,
        "psys" => DomainRole.Psys,
        _ => DomainRole.Channel,
    };

    /// <summary>
    /// Every device group that could be read, best first. Each one's rails are chosen by label: a board input alone,
    /// sockets without their cores, amdgpu's first power average (a second one averages the same package differently).
    /// </summary>
    internal static List<Candidate> Candidates(IReadOnlyList<HwmonDevice> devices, string? domain)
    {
        var counters = new List<Candidate>();
        var inas = new List<Candidate>();
        var meters = new List<Candidate>();
        var gpus = new List<Candidate>();
        var others = new List<Candidate>();

        foreach (var d in devices.Where(d => d.Channels.Any(c => c.Quantity == HwmonQuantity.EnergyMicrojoules)))
        {
            var energy = d.Channels.Where(c => c.Quantity == HwmonQuantity.EnergyMicrojoules).ToList();
            var sockets = energy.Where(c => RailContainment.IsSocket(c.Label)).ToList();
            var cores = energy.Where(c => RailContainment.IsCore(c.Label)).ToList();
            string group = $"{d.Id} {d.Driver}";
            if (domain == "core" && cores.Count > 0)
                counters.Add(new(group, "core", cores, "the per-core counters only (EcoreNNN); the sockets that contain them are left out", d.UpdateInterval, false));
            else if (sockets.Count > 0)
                counters.Add(new(group, "package", sockets, "sum of the socket counters (EsocketN); each contains its cores' counters (EcoreNNN), which are left out", d.UpdateInterval, false));
            else
                counters.Add(new(group, "rails", energy, "sum of the device's energy counters: no label says one contains another", d.UpdateInterval, false));
        }

        var inaChannels = devices.Where(d => d.Driver == "ina3221").SelectMany(d => d.Channels).ToList();
        if (inaChannels.Count > 0)
        {
            var interval = devices.Where(d => d.Driver == "ina3221").Select(d => d.UpdateInterval).Max();
            var inputs = inaChannels.Where(c => RailContainment.IsBoardInput(c.Label)).ToList();
            string group = string.Join(" + ", inaChannels.Select(c => c.Device).Distinct()) + " ina3221";
            if (inputs.Count > 0)
                inas.Add(new(group, "psys", inputs.Take(1).ToList(),
                    $"{inputs[0].Label} is the module's whole input and contains the other rails ({string.Join(", ", inaChannels.Except(inputs).Select(c => c.Label))}), which are not added to it", interval, true));
            else
                inas.Add(new(group, "rails", inaChannels, "sum of the INA3221 rails: none of them is labelled as the input the others sit behind", interval, false));
        }

        foreach (var d in devices.Where(d => d.Driver == "power_meter" && d.Channels.Count > 0))
            meters.Add(new($"{d.Id} power_meter", "psys", d.Channels.Take(1).ToList(), "the ACPI power meter: the whole system as the platform measures it", d.UpdateInterval, true));

        foreach (var d in devices.Where(d => d.Driver == "amdgpu" && d.Channels.Any(c => c.Quantity == HwmonQuantity.PowerMicrowatts)))
            gpus.Add(new($"{d.Id} amdgpu", "package", d.Channels.Where(c => c.Quantity == HwmonQuantity.PowerMicrowatts).Take(1).ToList(),
                "amdgpu's first power channel (on an APU, PPT: cores, graphics and SoC together); a second one averages the same package differently and is not added", d.UpdateInterval, false));

        foreach (var d in devices.Where(d => d.Driver is not ("ina3221" or "power_meter" or "amdgpu") && d.Channels.Count > 0 && d.Channels.All(c => c.Quantity == HwmonQuantity.PowerMicrowatts)))
            others.Add(new($"{d.Id} {d.Driver}", "rails", d.Channels, "sum of the device's power channels: no label says one contains another", d.UpdateInterval, false));

        return domain == "psys"
            ? [.. meters, .. inas.Where(c => c.SystemWide), .. counters, .. gpus, .. inas.Where(c => !c.SystemWide), .. others]
            : [.. counters, .. gpus, .. inas, .. meters, .. others];
    }

    private static string Describe(HwmonChannel c, Candidate? chosen, List<Candidate> all)
    {
        string label = $"{c.Device} {c.Driver} {c.Label} ({c.Channel})";
        if (chosen is not null && chosen.Channels.Contains(c)) return label;
        if (RailContainment.IsCore(c.Label) && chosen?.Selection == "package") return $"{label} (inside its socket, skipped)";
        if (c.Driver == "ina3221" && chosen is not null && chosen.Channels.Any(x => x.Driver == "ina3221" && RailContainment.IsBoardInput(x.Label)))
            return $"{label} (inside {chosen.Channels[0].Label}, skipped)";
        var other = all.FirstOrDefault(a => a.Channels.Contains(c));
        return other is null ? $"{label} (not added: it measures what the chosen channel does again)" : $"{label} (not chosen: {chosen?.Group} is preferred)";
    }

    /// <summary>Reads one rail: watts for a sensor (its raw µW), or joules since probing for a counter (its raw µJ).</summary>
    private double Sample(Rail r, out long raw)
    {
        switch (r.Channel.Quantity)
        {
            case HwmonQuantity.EnergyMicrojoules:
            {
                raw = r.Primary.ReadInteger("a count of µJ");
                if (raw < r.Last) throw EnergySourceException.Malformed(r.Primary.Path, raw.ToString(), $"a count of µJ that never decreases (it was {r.Last})");
                r.Last = raw;
                return (raw - r.Start) * 1e-6;
            }
            case HwmonQuantity.MillivoltsTimesMilliamps:
            {
                long ma = r.Primary.ReadInteger("a current in mA");
                long mv = r.Bus!.ReadInteger("a bus voltage in mV");
                raw = ma * mv; // µW
                return Math.Abs(raw) * 1e-6;
            }
            default:
                raw = r.Primary.ReadInteger("a power in µW");
                if (raw < 0) throw EnergySourceException.Malformed(r.Primary.Path, raw.ToString(), "a non-negative power in µW");
                return raw * 1e-6;
        }
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        // Sensors are integrated at the midpoint of this read, the instant the sample's own timestamp stands for.
        long before = Stopwatch.GetTimestamp();
        for (int i = 0; i < _rails.Count; i++) joules[i] = Sample(_rails[i], out raw[i]);
        if (_quantity == HwmonQuantity.EnergyMicrojoules) return;
        long mid = before + (Stopwatch.GetTimestamp() - before) / 2;
        for (int i = 0; i < _rails.Count; i++) joules[i] = _rails[i].Integral.Add(joules[i], mid);
    }

    /// <summary>The exact command that grants read access (until reboot), and the udev rule that keeps it.</summary>
    public static string GrantCommand(IEnumerable<string> files) =>
        $"`sudo chmod o+r {string.Join(' ', files)}` (until reboot; to keep it, add the udev rule " +
        "`SUBSYSTEM==\"hwmon\", ACTION==\"add\", RUN+=\"/bin/sh -c 'chmod o+r /sys%p/energy*_input /sys%p/power*_*'\"` to /etc/udev/rules.d/99-hwmon-read.rules)";
}
