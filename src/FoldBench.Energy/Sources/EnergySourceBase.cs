using System.Diagnostics;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources;

/// <summary>
/// Common plumbing: the descriptive properties, and a read that timestamps the midpoint of the reads
/// (so the timestamp is within half a read of every counter it covers).
/// </summary>
public abstract class EnergySourceBase : IEnergySource
{
    public abstract string Name { get; }
    public abstract SourceKind Kind { get; }
    public SourceState State { get; protected set; } = SourceState.Absent;
    public string? Reason { get; protected set; }
    public IReadOnlyList<EnergyDomain> Domains { get; protected set; } = [];
    public IReadOnlyList<string> FoundDomains { get; protected set; } = [];
    public abstract string Unit { get; }
    public abstract double ResolutionJoules { get; }
    public abstract TimeSpan UpdatePeriod { get; }
    public abstract double? WrapJoules { get; }
    public abstract string Privilege { get; }
    public virtual bool Estimated => false;
    public string Provenance { get; protected set; } = FoldBench.Results.EnergyProvenance.Measured;
    public virtual bool IntegratesPower => false;
    // Ten update periods, 10 ms to 1 s: window edges get their own samples (EnergySession.MarkEdge), so the periodic
    // rate only has to keep provenance and outrun wrap-arounds (minutes away), at a fraction of a percent of a core.
    public virtual TimeSpan SampleInterval =>
        TimeSpan.FromTicks(Math.Clamp(UpdatePeriod.Ticks * 10, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
    public DomainSelection Selection { get; protected set; } = new("none", [], "no domains");

    public virtual EnergyReading Read()
    {
        if (State != SourceState.Usable)
            throw new EnergySourceException(State, $"{Name} is not usable: {Reason}");
        var joules = new double[Domains.Count];
        var raw = new long[Domains.Count];
        long before = Stopwatch.GetTimestamp();
        ReadInto(joules, raw);
        long after = Stopwatch.GetTimestamp();
        return new EnergyReading(before + (after - before) / 2, joules, raw);
    }

    /// <summary>Fills cumulative joules and raw values for every domain.</summary>
    protected abstract void ReadInto(double[] joules, long[] raw);

    /// <summary>
    /// Marks the source "simulated" when it reads under a root other than the machine's own: the sysfs root (sys/,
    /// proc/), and for a source that opens /dev/cpu/N/msr also the MSR root. A new source that reads files under the
    /// configured roots calls this from its probe.
    /// </summary>
    protected void NoteRoots(EnergyOptions options, bool readsDevCpu = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool simulated = !options.IsRealSysfsRoot || readsDevCpu && !options.IsRealDevCpuRoot;
        Provenance = simulated ? FoldBench.Results.EnergyProvenance.Simulated : FoldBench.Results.EnergyProvenance.Measured;
    }

    protected void SetUnusable(SourceState state, string reason)
    {
        State = state;
        Reason = reason;
    }

    /// <summary>
    /// Runs a source's probe: a probe that throws <see cref="EnergySourceException"/> leaves the
    /// source unusable with that state and reason, and nothing it opened left open.
    /// </summary>
    protected void Probing(Action probe)
    {
        try
        {
            probe();
        }
        catch (EnergySourceException e)
        {
            Fail(e.State, e.Message);
        }
    }

    /// <summary>Closes whatever probing opened and records why the source is unusable.</summary>
    protected void Fail(SourceState state, string reason)
    {
        ReleaseHandles();
        SetUnusable(state, reason);
    }

    /// <summary>Closes and forgets the files or handles a probe opened.</summary>
    protected virtual void ReleaseHandles() { }

    public virtual void Dispose() => ReleaseHandles();
}

/// <summary>Turns a wrapping raw counter into a monotonic cumulative count.</summary>
internal struct WrapUnroller(ulong range)
{
    private ulong _last;
    private bool _started;
    private double _total;

    public ulong Range { get; } = range;

    /// <summary>Adds the delta since the previous raw value, assuming at most one wrap in between
    /// (the sampler reads far more often than the fastest wrap: minutes at full power).</summary>
    public double Advance(ulong raw)
    {
        if (!_started) { _started = true; _last = raw; return 0; }
        ulong delta = raw >= _last ? raw - _last : raw + Range - _last;
        _last = raw;
        _total += delta;
        return _total;
    }

    public readonly double Total => _total;
}
