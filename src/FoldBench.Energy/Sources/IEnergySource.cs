namespace FoldBench.Energy.Sources;

/// <summary>
/// One energy counter (or meter) behind a small interface. A source is created by probing: it either
/// holds open handles and reads, or it says exactly why it cannot (<see cref="State"/> + <see cref="Reason"/>).
/// Reads are not thread-safe; the sampler serializes them.
/// </summary>
public interface IEnergySource : IDisposable
{
    /// <summary>"powercap-rapl", "msr-rapl", "battery", "windows-emi", "external-trace".</summary>
    string Name { get; }

    /// <summary>What kind of counter: cumulative energy register, battery gauge, Windows meter, external meter trace.</summary>
    SourceKind Kind { get; }

    SourceState State { get; }

    /// <summary>Why the source is (not) usable, in words; for permission-denied, the exact command that grants access.</summary>
    string? Reason { get; }

    /// <summary>The domains read on every sample, in the order of <see cref="EnergyReading.Joules"/>: only those the
    /// selection needs, so a sample costs as few reads as possible.</summary>
    IReadOnlyList<EnergyDomain> Domains { get; }

    /// <summary>Every domain the probe found, with a note where one is skipped (duplicate, contained in another…).</summary>
    IReadOnlyList<string> FoundDomains { get; }

    /// <summary>The raw unit as the source exposes it, e.g. "µJ (energy_uj)", "2^-14 J (MSR 0x606)".</summary>
    string Unit { get; }

    /// <summary>The quantization of one reading of the selected sum: one count of each domain read, added up, joules.</summary>
    double ResolutionJoules { get; }

    /// <summary>How often the underlying counter changes (nominal: RAPL ~1 ms, battery gauges ~1 s).</summary>
    TimeSpan UpdatePeriod { get; }

    /// <summary>The range after which the raw counter wraps, joules; null when it does not wrap.</summary>
    double? WrapJoules { get; }

    /// <summary>The access a reader needs, e.g. "read access to energy_uj (root-only since Linux 5.10)".</summary>
    string Privilege { get; }

    /// <summary>True when the figures are modelled rather than measured.</summary>
    bool Estimated { get; }

    /// <summary>
    /// Where the figures come from: "measured" (this machine's hardware), "simulated" (counters read under a fixture
    /// root, e.g. what `foldbench sensors simulate` writes) or "trace" (an external meter's log);
    /// <see cref="FoldBench.Results.EnergyProvenance"/> holds the names. Sources that read under the configured roots
    /// set it from them (<see cref="EnergySourceBase.NoteRoots"/>).
    /// </summary>
    string Provenance => FoldBench.Results.EnergyProvenance.Measured;

    /// <summary>
    /// True when the cumulative joules are integrated from a published power (or current) reading rather than read
    /// from an energy counter. Such a reading lags the truth by up to an update period, and what the power did in
    /// that unobserved interval is unknown, so each window edge's bound covers the energy of that interval.
    /// </summary>
    bool IntegratesPower => false;

    /// <summary>The source's preferred sampling interval, derived from its update period.</summary>
    TimeSpan SampleInterval { get; }

    /// <summary>The sum of domains to attribute, chosen so nothing is counted twice.</summary>
    DomainSelection Selection { get; }

    /// <summary>
    /// Cumulative joules per domain since the source was opened (wrap-arounds already unrolled), with a
    /// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> timestamp. Throws <see cref="IO.EnergySourceException"/>
    /// when a counter vanishes, becomes unreadable or holds garbage mid-run.
    /// </summary>
    EnergyReading Read();
}

public enum SourceKind
{
    EnergyCounter, BatteryGauge, WindowsMeter, ExternalMeter,
    /// <summary>A sensor of present power (hwmon power*_input, INA3221 volts × amps, a PMIC's rails), integrated between reads.</summary>
    PowerSensor,
}

public enum SourceState { Usable, Absent, PermissionDenied, Charging, Malformed, UnsupportedOs }

public static class SourceStates
{
    /// <summary>The lower-case names summary.json uses.</summary>
    public static string ToName(this SourceState s) => s switch
    {
        SourceState.Usable => "usable",
        SourceState.Absent => "absent",
        SourceState.PermissionDenied => "permission-denied",
        SourceState.Charging => "charging",
        SourceState.Malformed => "malformed",
        SourceState.UnsupportedOs => "unsupported-os",
        _ => s.ToString().ToLowerInvariant(),
    };
}

/// <summary>The role a domain plays in the containment hierarchy psys ⊇ package ⊇ core/uncore (dram separate).</summary>
public enum DomainRole { Package, Core, Uncore, Dram, Psys, Battery, Meter, Channel }

/// <param name="Name">e.g. "package-0", "package-0/core", "dram-0", "psys", "BAT0".</param>
/// <param name="Role">Where it sits in the hierarchy.</param>
/// <param name="Path">The file or register read, for provenance.</param>
public sealed record EnergyDomain(string Name, DomainRole Role, string Path);

/// <summary>A set of domains whose sum is attributed, with the reason that set counts nothing twice.</summary>
/// <param name="Name">"package" (sum of package-N), "package+dram", "psys", "core", "battery", "meter", …</param>
public sealed record DomainSelection(string Name, IReadOnlyList<int> Indices, string Why)
{
    public double Sum(double[] joules)
    {
        double s = 0;
        foreach (int i in Indices) s += joules[i];
        return s;
    }
}

/// <summary>One sample: cumulative joules per domain, the raw values behind them, and when it was taken.</summary>
/// <param name="Timestamp">Stopwatch ticks (the one monotonic clock shared with benchmark windows).</param>
/// <param name="Joules">Cumulative, unwrapped joules per domain since the source was opened.</param>
/// <param name="Raw">The raw values as read (counter counts, µW, µA…), for provenance.</param>
public sealed record EnergyReading(long Timestamp, double[] Joules, long[] Raw)
{
    /// <summary>
    /// Raw values read only to see when the device publishes (a gauge's energy_now beside the power_now it integrates:
    /// the power can stay the same across publications, the remaining energy cannot); null when a source has none.
    /// </summary>
    public long[]? Markers { get; init; }
}
