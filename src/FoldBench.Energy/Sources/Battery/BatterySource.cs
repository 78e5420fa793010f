using System.Diagnostics;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Battery;

/// <summary>
/// Linux power_supply batteries (laptops, phones, boards on battery): power_now, else current_now × voltage_now,
/// else deltas of energy_now or charge_now. Valid only while discharging: on a charger the gauge measures the
/// charger, not the workload. Several system batteries (e.g. BAT0 + BAT1) are summed.
/// </summary>
public sealed class BatterySource : EnergySourceBase
{
    public const string SourceName = "battery";
    private const string ClassPath = "/sys/class/power_supply";

    private enum Method { PowerNow, CurrentVoltage, EnergyNow, ChargeNow }

    private sealed class Cell : IDisposable
    {
        public required string Name;
        public required Method Method;
        public required CounterFile Status;
        public required CounterFile Primary;       // power_now, current_now, energy_now or charge_now
        public CounterFile? Voltage;               // voltage_now where the method needs it
        public CounterFile? Marker;                // energy_now or charge_now beside a power or current reading: it moves at every publication
        public double LastWatts = double.NaN;
        public long LastTimestamp;
        public double Cumulative;
        public long Start;                         // energy_now / charge_now at open
        public double LastVolts;
        public long LastCharge;

        public void Dispose()
        {
            Status.Dispose();
            Primary.Dispose();
            Voltage?.Dispose();
            Marker?.Dispose();
        }
    }

    private readonly List<Cell> _cells = [];
    private readonly TimeSpan _updatePeriod;
    private long[]? _markers;

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.BatteryGauge;
    public override string Unit => _cells.Count == 0 ? "µW / µA·µV / µWh / µAh" : _cells[0].Method switch
    {
        Method.PowerNow => "µW (power_now)",
        Method.CurrentVoltage => "µA × µV (current_now × voltage_now)",
        Method.EnergyNow => "µWh (energy_now deltas)",
        _ => "µAh × µV (charge_now deltas × voltage_now)",
    };
    // energy_now and charge_now count whole µWh/µAh (≈ 3.6 mJ at a few volts); power readings are integrated, not counted.
    public override double ResolutionJoules => _cells.Count == 0 ? 1e-6 : _cells.Sum(c => c.Method is Method.EnergyNow or Method.ChargeNow ? 3.6e-3 : 1e-6);
    public override TimeSpan UpdatePeriod => _updatePeriod;
    public override double? WrapJoules => null;
    public override string Privilege => "none (power_supply attributes are world-readable)";
    // power_now and current_now × voltage_now are integrated here; energy_now and charge_now are the gauge's own counters.
    public override bool IntegratesPower => _cells.Any(c => c.Method is Method.PowerNow or Method.CurrentVoltage);
    // Sample several times per gauge update so no update is missed, but not faster than 2 ms.
    public override TimeSpan SampleInterval => TimeSpan.FromTicks(Math.Clamp(_updatePeriod.Ticks / 4, TimeSpan.FromMilliseconds(2).Ticks, TimeSpan.FromMilliseconds(250).Ticks));

    private BatterySource(TimeSpan updatePeriod) => _updatePeriod = updatePeriod;

    public static BatterySource Probe(EnergyOptions options)
    {
        var source = new BatterySource(options.BatteryUpdatePeriod ?? TimeSpan.FromSeconds(1));
        source.Probing(() => source.ProbeCore(options));
        return source;
    }

    protected override void ReleaseHandles()
    {
        foreach (var c in _cells) c.Dispose();
        _cells.Clear();
    }

    private void ProbeCore(EnergyOptions options)
    {
        NoteRoots(options);
        string classDir = SysText.UnderRoot(options.SysfsRoot, ClassPath);
        if (!Directory.Exists(classDir))
        {
            SetUnusable(SourceState.Absent, $"{classDir} does not exist: no power_supply class{HostFacts.VirtualizationNote(options.SysfsRoot, "a battery")}");
            return;
        }
        var batteries = new List<string>();
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateFileSystemEntries(classDir).Where(Directory.Exists).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            string? type = SysText.TryRead(options.Files, Path.Combine(dir, "type"));
            if (type != "Battery") continue;
            // Wireless mice and keyboards report scope=Device: their batteries do not power this machine.
            if (SysText.TryRead(options.Files, Path.Combine(dir, "scope")) == "Device") { found.Add($"{name} (device battery, skipped)"); continue; }
            if (SysText.TryRead(options.Files, Path.Combine(dir, "present")) == "0") { found.Add($"{name} (not present)"); continue; }
            batteries.Add(dir);
            found.Add(name);
        }
        FoundDomains = found;
        if (batteries.Count == 0)
        {
            SetUnusable(SourceState.Absent, $"{classDir} has no system battery (no entry with type=Battery){HostFacts.VirtualizationNote(options.SysfsRoot, "a battery")}");
            return;
        }

        var states = new List<(string Name, string Status)>();
        foreach (var dir in batteries)
        {
            string name = Path.GetFileName(dir);
            string statusPath = Path.Combine(dir, "status");
            var status = CounterFile.Open(options.Files, statusPath, $"`sudo chmod o+r {statusPath}`");
            string state = status.ReadText().Trim();
            states.Add((name, state));
            if (state == "Charging")
            {
                status.Dispose();
                Fail(SourceState.Charging, ChargingReason(name, state));
                return;
            }
            _cells.Add(OpenCell(options, dir, name, status));
        }
        // Dual-battery laptops drain one pack at a time: the other reads Unknown or Not charging (idle) and is read
        // too, since the embedded controller may switch packs mid-run. With no pack discharging the machine runs on
        // its adapter (all packs "Not charging" at a charge threshold, or "Full"), which no battery measures.
        if (!states.Any(x => x.Status == "Discharging"))
        {
            Fail(SourceState.Charging, NoneDischargingReason(states));
            return;
        }

        Domains = _cells.Select(c => new EnergyDomain(c.Name, DomainRole.Battery, c.Primary.Path)).ToList();
        if (_cells.Any(c => c.Marker is not null)) _markers = new long[_cells.Count];
        Selection = new DomainSelection("battery", Enumerable.Range(0, _cells.Count).ToArray(),
            _cells.Count == 1 ? "the whole machine as seen by its battery" : "sum of the system batteries (each powers the whole machine in turn)");
        var joules = new double[_cells.Count];
        ReadInto(joules, new long[_cells.Count]);
        State = SourceState.Usable;
        Reason = $"{string.Join(" + ", _cells.Select(c => $"{c.Name} {Describe(c.Method)}"))} while discharging; sign taken as magnitude (drivers differ: some report negative current while discharging); gauge update period {_updatePeriod.TotalSeconds:0.###} s";
    }

    public static string ChargingReason(string battery, string status) =>
        $"{battery} status is '{status}': the battery only measures the machine while discharging — unplug the charger (status must read 'Discharging')";

    private static string NoneDischargingReason(IEnumerable<(string Name, string Status)> states) =>
        $"no pack is discharging ({string.Join(", ", states.Select(x => $"{x.Name} '{x.Status}'"))}): the machine runs on its adapter, " +
        "which the batteries do not measure — unplug the charger (one pack must read 'Discharging')";

    private static string Describe(Method m) => m switch
    {
        Method.PowerNow => "power_now",
        Method.CurrentVoltage => "current_now × voltage_now",
        Method.EnergyNow => "energy_now deltas",
        _ => "charge_now deltas × voltage_now",
    };

    private static Cell OpenCell(EnergyOptions options, string dir, string name, CounterFile status)
    {
        string P(string f) => Path.Combine(dir, f);
        CounterFile Open(string f) => CounterFile.Open(options.Files, P(f), $"`sudo chmod o+r {P(f)}`");
        // The gauge's remaining energy (or charge) moves at every publication even while the power it reports does not:
        // read beside a power reading, it shows how often the gauge really publishes.
        CounterFile? Marker() =>
            File.Exists(P("energy_now")) ? Open("energy_now") : File.Exists(P("charge_now")) ? Open("charge_now") : File.Exists(P("charge_counter")) ? Open("charge_counter") : null;
        try
        {
            if (File.Exists(P("power_now")))
                return new Cell { Name = name, Method = Method.PowerNow, Status = status, Primary = Open("power_now"), Marker = Marker() };
            if (File.Exists(P("current_now")) && File.Exists(P("voltage_now")))
                return new Cell { Name = name, Method = Method.CurrentVoltage, Status = status, Primary = Open("current_now"), Voltage = Open("voltage_now"), Marker = Marker() };
            if (File.Exists(P("energy_now")))
                return new Cell { Name = name, Method = Method.EnergyNow, Status = status, Primary = Open("energy_now") };
            // Android gauges often name the coulomb counter charge_counter.
            string? charge = File.Exists(P("charge_now")) ? "charge_now" : File.Exists(P("charge_counter")) ? "charge_counter" : null;
            if (charge is not null && File.Exists(P("voltage_now")))
                return new Cell { Name = name, Method = Method.ChargeNow, Status = status, Primary = Open(charge), Voltage = Open("voltage_now") };
        }
        catch
        {
            status.Dispose();
            throw;
        }
        status.Dispose();
        throw new EnergySourceException(SourceState.Malformed, $"{dir} exposes none of power_now, current_now + voltage_now, energy_now, charge_now + voltage_now");
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        // Every pack's status first: a charging pack, or none discharging, ends the source before anything is integrated.
        bool discharging = false;
        foreach (var c in _cells)
        {
            string status = c.Status.ReadText().Trim();
            if (status == "Charging")
                throw new EnergySourceException(SourceState.Charging, $"{c.Name} switched to 'Charging' mid-run: energy after this point is not measurable");
            discharging |= status == "Discharging";
        }
        if (!discharging)
            throw new EnergySourceException(SourceState.Charging,
                $"no pack is discharging any more ({string.Join(", ", _cells.Select(c => c.Name))}): the machine switched to its adapter mid-run; energy after this point is not measurable");
        for (int i = 0; i < _cells.Count; i++)
        {
            var c = _cells[i];
            long now = Stopwatch.GetTimestamp();
            switch (c.Method)
            {
                case Method.PowerNow:
                {
                    long v = c.Primary.ReadInteger("µW");
                    raw[i] = v;
                    Integrate(c, Math.Abs(v) * 1e-6, now);
                    break;
                }
                case Method.CurrentVoltage:
                {
                    long a = c.Primary.ReadInteger("µA");
                    long v = c.Voltage!.ReadInteger("µV");
                    if (v <= 0) throw EnergySourceException.Malformed(c.Voltage.Path, v.ToString(), "a positive voltage in µV");
                    raw[i] = a;
                    Integrate(c, Math.Abs(a) * 1e-6 * (v * 1e-6), now);
                    break;
                }
                case Method.EnergyNow:
                {
                    long e = c.Primary.ReadInteger("µWh");
                    raw[i] = e;
                    if (c.LastTimestamp == 0) c.Start = e;
                    c.Cumulative = (c.Start - e) * 3.6e-3; // µWh → J
                    break;
                }
                case Method.ChargeNow:
                {
                    long q = c.Primary.ReadInteger("µAh");
                    double volts = c.Voltage!.ReadInteger("µV") * 1e-6;
                    raw[i] = q;
                    if (c.LastTimestamp != 0)
                        c.Cumulative += Math.Abs(c.LastCharge - q) * 1e-6 * 3600 * (volts + c.LastVolts) / 2;
                    c.LastCharge = q;
                    c.LastVolts = volts;
                    break;
                }
            }
            c.LastTimestamp = now;
            joules[i] = c.Cumulative;
            if (_markers is not null) _markers[i] = c.Marker?.ReadInteger("µWh or µAh") ?? 0;
        }
    }

    /// <summary>Adds the publication markers (energy_now / charge_now beside a power reading) to the reading.</summary>
    public override EnergyReading Read()
    {
        var r = base.Read();
        return _markers is null ? r : r with { Markers = (long[])_markers.Clone() };
    }

    /// <summary>Trapezoid between this reading and the previous one: the gauge reports power, not energy.</summary>
    private static void Integrate(Cell c, double watts, long now)
    {
        if (!double.IsNaN(c.LastWatts))
            c.Cumulative += (c.LastWatts + watts) / 2 * ((now - c.LastTimestamp) / (double)Stopwatch.Frequency);
        c.LastWatts = watts;
    }
}
