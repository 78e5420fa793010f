using System.Diagnostics;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Trace;

/// <summary>
/// An external power meter (bench supply, USB meter, Monsoon/Joulescope class) logging CSV while the run goes.
/// Its clock is mapped onto the host's by an offset: given (trace time + offset = host Unix time), or found by the
/// sync pulse (<see cref="TraceSync"/>). Watts rows are integrated (trapezoid) into cumulative joules.
/// </summary>
public sealed class ExternalTraceSource : IEnergySource
{
    public const string SourceName = "external-trace";

    /// <summary>An external meter's log, mapped onto this host's clock.</summary>
    public string Provenance => FoldBench.Results.EnergyProvenance.Trace;

    private readonly TraceCsv? _csv;
    private readonly string _path;
    private int _consumed;
    private double _cumulative;
    private double _lastTime = double.NaN, _lastValue, _firstJoules = double.NaN;
    private EnergyReading? _last;
    private double _resolution;

    public string Name => SourceName;
    public SourceState State { get; private set; } = SourceState.Absent;
    public string? Reason { get; private set; }
    public IReadOnlyList<EnergyDomain> Domains { get; private set; } = [];
    public IReadOnlyList<string> FoundDomains { get; private set; } = [];
    public DomainSelection Selection { get; private set; } = new("none", [], "no domains");
    public bool Estimated => false;
    public string FilePath => _path;
    public SourceKind Kind => SourceKind.ExternalMeter;
    public string Unit => _csv?.Kind == TraceCsv.ValueKind.Joules ? "J (cumulative, CSV)" : "W (CSV rows, integrated)";
    public double ResolutionJoules => _resolution;
    /// <summary>The meter's row interval (median of the rows seen so far).</summary>
    public TimeSpan UpdatePeriod => MedianRowInterval();
    public double? WrapJoules => null;
    public string Privilege => "read access to the trace file";
    // Polling the file is cheap; each sample keeps only the newest row, so poll often to keep the edge brackets short.
    public TimeSpan SampleInterval => TimeSpan.FromMilliseconds(5);

    /// <summary>Trace time + offset = host Unix time; null until given or found by the sync pulse.</summary>
    public double? OffsetSeconds { get; private set; }
    public string? SyncNote { get; private set; }
    public ClockAnchor Anchor { get; } = ClockAnchor.Now();
    public bool NeedsSync => OffsetSeconds is null;
    public TraceCsv? Csv => _csv;

    private ExternalTraceSource(string path, double? offset)
    {
        _path = path;
        OffsetSeconds = offset;
        if (!File.Exists(path))
        {
            SetUnusable(SourceState.Absent, $"trace file {path} does not exist (start the meter's CSV logging before the run)");
            return;
        }
        try
        {
            _csv = new TraceCsv(path);
            _csv.Poll();
            if (!_csv.HasHeader)
            {
                SetUnusable(SourceState.Malformed, $"{path} has no header line yet (expected e.g. 'time_s,watts')");
                return;
            }
        }
        catch (UnauthorizedAccessException)
        {
            SetUnusable(SourceState.PermissionDenied, $"{path} is not readable by this user: `chmod o+r {path}`");
            return;
        }
        catch (FormatException e)
        {
            SetUnusable(SourceState.Malformed, e.Message);
            return;
        }
        Domains = [new EnergyDomain("meter", DomainRole.Meter, path)];
        FoundDomains = [$"meter ({(_csv.Kind == TraceCsv.ValueKind.Watts ? "watts" : "cumulative joules")}, {(_csv.UnixClock ? "Unix clock" : "relative clock")}, {_csv.Rows.Count} rows so far)"];
        Selection = new DomainSelection("meter", [0], "the meter's single channel: whatever it is wired to measure");
        State = SourceState.Usable;
        Reason = $"{path}: {(offset is { } o ? $"offset {o:0.###} s given" : "offset to be found by the sync pulse")}";
    }

    public static ExternalTraceSource Probe(string path, double? offsetSeconds) => new(path, offsetSeconds);

    /// <summary>Fixes the clock mapping once the sync pulse found it.</summary>
    public void SetOffset(double offsetSeconds, string note)
    {
        OffsetSeconds = offsetSeconds;
        SyncNote = note;
    }

    /// <summary>The trace's power (watts; joules rows differentiated) on the meter clock, for the sync search.</summary>
    public List<(double Time, double Watts)> PowerSeries()
    {
        _csv!.Poll();
        var rows = _csv.Rows;
        if (_csv.Kind == TraceCsv.ValueKind.Watts) return rows.ToList();
        var power = new List<(double, double)>(rows.Count);
        for (int i = 1; i < rows.Count; i++)
            power.Add((rows[i].Time, (rows[i].Value - rows[i - 1].Value) / (rows[i].Time - rows[i - 1].Time)));
        return power;
    }

    /// <summary>
    /// Consumes the rows appended since the last read and returns the newest one on the Stopwatch clock (the
    /// sampler drops a reading whose timestamp did not advance). Throws when no row has arrived yet.
    /// </summary>
    public EnergyReading Read()
    {
        if (State != SourceState.Usable || _csv is null) throw new EnergySourceException(State, $"{Name} is not usable: {Reason}");
        if (OffsetSeconds is not { } offset) throw new InvalidOperationException("the trace's clock offset is not known yet (sync pulse not run)");
        try
        {
            _csv.Poll();
        }
        catch (FormatException e)
        {
            throw new EnergySourceException(SourceState.Malformed, e.Message, e);
        }
        var rows = _csv.Rows;
        for (; _consumed < rows.Count; _consumed++)
        {
            var (t, v) = rows[_consumed];
            if (_csv.Kind == TraceCsv.ValueKind.Watts)
            {
                if (!double.IsNaN(_lastTime)) _cumulative += (_lastValue + v) / 2 * (t - _lastTime);
            }
            else
            {
                if (double.IsNaN(_firstJoules)) _firstJoules = v;
                double step = v - _firstJoules - _cumulative;
                if (step > 0 && (_resolution == 0 || step < _resolution)) _resolution = step;
                _cumulative = v - _firstJoules;
            }
            _lastTime = t;
            _lastValue = v;
        }
        if (double.IsNaN(_lastTime)) throw new EnergySourceException(SourceState.Absent, $"{_path} has no data rows yet: is the meter logging?");
        long ticks = Anchor.ToTicks(_lastTime + offset);
        if (_last is null || _last.Timestamp != ticks)
            _last = new EnergyReading(ticks, [_cumulative], [(long)Math.Round(_lastValue * 1e6)]);
        return _last;
    }

    private TimeSpan MedianRowInterval()
    {
        var rows = _csv?.Rows;
        if (rows is null || rows.Count < 2) return TimeSpan.FromMilliseconds(1);
        int n = Math.Min(rows.Count - 1, 1000);
        var gaps = new double[n];
        for (int i = 0; i < n; i++) gaps[i] = rows[rows.Count - n + i].Time - rows[rows.Count - n + i - 1].Time;
        Array.Sort(gaps);
        return TimeSpan.FromSeconds(gaps[n / 2]);
    }

    private void SetUnusable(SourceState state, string reason)
    {
        State = state;
        Reason = reason;
    }

    public void Dispose() => _csv?.Dispose();
}
