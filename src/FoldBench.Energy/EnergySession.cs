using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoldBench.Energy.Attribution;
using FoldBench.Energy.Sampling;
using FoldBench.Energy.Sources.Trace;
using FoldBench.Energy.Sources;
using FoldBench.Platform;
using FoldBench.Results;

namespace FoldBench.Energy;

/// <summary>
/// Owns the sampler of the chosen source for one run: the idle baseline, the benchmark windows a harness marks
/// (<see cref="MarkEdge"/>, <see cref="RecordWindow"/>), and the energy of each case (<see cref="Measure"/>).
/// Knows nothing of any benchmark harness; FoldBench.Energy.BenchmarkDotNet adapts it to BenchmarkDotNet.
/// Takes ownership of the inventory.
/// </summary>
public sealed class EnergySession : IDisposable
{
    /// <summary>Windows shorter than this many update periods are not attributed (their edge error would dominate).</summary>
    public const int MinimumUpdatePeriods = 100;

    private readonly Sampler _sampler;
    private readonly List<EnergyWindow> _log = [];
    private readonly long _origin;
    private string? _lastWrittenSignature;
    private bool _disposed;

    public EnergyInventory Inventory { get; }
    public IEnergySource Source { get; }
    public string ResultsDir { get; }

    /// <summary>What every ± bound this session reports covers, and what it does not.</summary>
    public const string BoundCovers =
        "± bounds cover the counter's timing at the window edges (its update period; for a power gauge, the energy of the " +
        "interval it had not published yet), its resolution, and for net energy the idle baseline's noise and drift; they do " +
        "not cover the counter's own model error (RAPL is itself a model on many parts; a gauge or meter has its own calibration)";

    private readonly List<IdleMeasurement> _idle = [];

    /// <summary>
    /// Idle power: the mean of the measurements <see cref="MeasureIdleBaseline"/> took (before and after the sweep);
    /// null before the first, or when none could be measured.
    /// </summary>
    public double? IdleWatts { get; private set; }
    /// <summary>± bound on <see cref="IdleWatts"/>: the counter's bound, plus the idle's noise and half its drift between measurements.</summary>
    public double? IdleBoundWatts { get; private set; }
    /// <summary>Why the idle baseline is missing, when it is.</summary>
    public string? IdleReason { get; private set; } = "no idle baseline measured (call MeasureIdleBaseline before the sweep)";
    /// <summary>The idle measurements so far, in order.</summary>
    public IReadOnlyList<IdleMeasurement> IdleMeasurements { get { lock (_idle) return _idle.ToArray(); } }
    /// <summary>The settle time used before the idle measurements (the longest one asked for).</summary>
    public TimeSpan IdleSettle { get; private set; }

    internal Sampler Sampler => _sampler;

    private EnergySession(EnergyInventory inventory, IEnergySource source, string resultsDir, IReadOnlyList<int>? samplerCpus)
    {
        Inventory = inventory;
        Source = source;
        ResultsDir = resultsDir;
        _origin = Stopwatch.GetTimestamp();
        _sampler = new Sampler(source, cpus: samplerCpus);
    }

    /// <summary>"measured", "simulated" or "trace": where every figure of this session comes from.</summary>
    public string Provenance => Source.Kind == SourceKind.ExternalMeter ? EnergyProvenance.Trace : Source.Provenance;

    /// <summary>
    /// Starts sampling the inventory's chosen source; null when nothing is usable (see
    /// <see cref="EnergyInventory.UnavailableReason"/>). An external trace without a given offset is synchronized
    /// first with the sync pulse (about 5 s of busy/idle on every core).
    /// </summary>
    /// <param name="samplerCpus">CPUs for the sampler thread: every CPU but the benchmark's, so the sampler never shares
    /// its core. Null: the thread runs wherever its creator may (on Linux it inherits the creator's pin).</param>
    public static EnergySession? Start(EnergyInventory inventory, string resultsDir, IReadOnlyList<int>? samplerCpus = null)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var source = inventory.Chosen;
        if (source is null) return null;
        if (source is ExternalTraceSource trace && trace.NeedsSync && !Synchronize(inventory, trace)) return null;
        var session = new EnergySession(inventory, source, resultsDir, samplerCpus);
        session._sampler.Start();
        return session;
    }

    private static bool Synchronize(EnergyInventory inventory, ExternalTraceSource trace)
    {
        var csv = trace.Csv!;
        csv.Poll();
        double before = csv.Rows.Count > 0 ? csv.Rows[^1].Time : double.NegativeInfinity;
        var pulse = TraceSync.Emit(TraceSync.DefaultPattern, trace.Anchor);
        double length = pulse[^1].EndUnix - pulse[0].StartUnix;
        // Wait (up to 15 s) until the meter has logged past the pulse: rows spanning its length plus 1 s after it.
        var deadline = Stopwatch.GetTimestamp() + 15 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            csv.Poll();
            if (csv.Rows.Count > 0 && csv.Rows[^1].Time - Math.Max(before, csv.Rows[0].Time) >= length + 1) break;
            Thread.Sleep(100);
        }
        // A Unix-clock meter is off by clock skew only (search ±30 s); a relative clock can be anywhere.
        var (from, to) = csv.UnixClock ? (-30.0, 30.0) : (double.NegativeInfinity, double.PositiveInfinity);
        var found = TraceSync.FindOffset(trace.PowerSeries(), pulse, from, to);
        if (found is null || found.Correlation < 0.7)
        {
            inventory.Reject(trace, found is null
                ? "sync pulse not found: the trace does not cover it (is the meter logging to the file?); give --trace-offset"
                : $"sync pulse not found (best correlation {found.Correlation:0.00} < 0.7): give --trace-offset");
            return false;
        }
        trace.SetOffset(found.OffsetSeconds, $"sync pulse found: offset {found.OffsetSeconds:0.000} s, correlation {found.Correlation:0.00}");
        return true;
    }

    /// <summary>
    /// Measures idle power with the process idle and the sampler running (the same conditions as the sweep), after
    /// letting the machine settle for <paramref name="settle"/> (a CPU just out of a heavy loop is still hot and clocked
    /// up). Call it before the sweep and again after it: the baseline is their mean, and its bound takes in their drift
    /// and each one's noise. Use a duration of at least 100 update periods (RAPL: ≥ 0.1 s; a battery gauge: minutes).
    /// </summary>
    /// <param name="when">A label: "before", "after" (default: the measurement's number).</param>
    public void MeasureIdleBaseline(TimeSpan duration, string? when = null, TimeSpan settle = default)
    {
        if (settle > TimeSpan.Zero)
        {
            Thread.Sleep(settle);
            if (settle > IdleSettle) IdleSettle = settle;
        }
        int count;
        lock (_idle) count = _idle.Count;
        string label = when ?? (count + 1).ToString(CultureInfo.InvariantCulture);
        long start = MarkEdge();
        Thread.Sleep(duration);
        long end = MarkEdge();
        var window = new EnergyWindow($"idle-{label}", start, end);
        lock (_log) _log.Add(window);
        var e = MeasureWindows([window], out string? reason);
        if (e is null)
        {
            // One idle that failed keeps the others; with none at all, net energy has no baseline.
            if (IdleWatts is null) IdleReason = $"idle baseline not measured: {reason}";
            return;
        }
        var m = new IdleMeasurement
        {
            When = label,
            Seconds = window.Seconds,
            Watts = e.Value.Joules / window.Seconds,
            BoundWatts = e.Value.Bound / window.Seconds,
            NoiseWatts = IdleNoise(window),
        };
        lock (_idle)
        {
            _idle.Add(m);
            // The mean of all measurements; its bound: the worst counter bound and noise, plus half the drift (range).
            IdleWatts = _idle.Average(x => x.Watts);
            double drift = _idle.Max(x => x.Watts) - _idle.Min(x => x.Watts);
            IdleBoundWatts = _idle.Max(x => x.BoundWatts) + _idle.Max(x => x.NoiseWatts ?? 0) + drift / 2;
        }
        IdleReason = null;
    }

    /// <summary>Half the range of the idle's power over four equal sub-windows, when each is long enough to attribute.</summary>
    private double? IdleNoise(EnergyWindow w)
    {
        const int parts = 4;
        long step = (w.End - w.Start) / parts;
        if (step / (double)Stopwatch.Frequency < MinimumUpdatePeriods * EffectiveUpdatePeriod().TotalSeconds) return null;
        var series = _sampler.Series();
        var publications = Source.IntegratesPower ? _sampler.PublicationTicks() : null;
        var watts = new List<double>();
        for (int k = 0; k < parts; k++)
        {
            long a = w.Start + k * step, b = k == parts - 1 ? w.End : a + step;
            var e = WindowIntegrator.Integrate(series, a, b, EffectiveUpdatePeriod(), Source.ResolutionJoules, publications);
            if (!e.Ok) return null;
            watts.Add(e.Joules!.Value / e.Seconds);
        }
        return (watts.Max() - watts.Min()) / 2;
    }

    /// <summary>
    /// Takes a synchronous sample and returns its timestamp: a window edge that has a sample right at it. It also asks
    /// the sampler thread for one more sample just over an update period later, which closes the edge's error bracket.
    /// </summary>
    public long MarkEdge()
    {
        var r = _sampler.SampleNow();
        long edge = Math.Max(r?.Timestamp ?? 0, Stopwatch.GetTimestamp());
        long settle = (long)(Source.UpdatePeriod.TotalSeconds * 1.05 * Stopwatch.Frequency) + Stopwatch.Frequency / 20000;
        _sampler.RequestSampleAt(edge + settle);
        return edge;
    }

    /// <summary>Keeps a measured window for samples/windows.csv.</summary>
    public void RecordWindow(EnergyWindow w)
    {
        lock (_log) _log.Add(w);
    }

    /// <summary>
    /// The update period attribution uses. RAPL's is fixed by the hardware (~1 ms) and a trace's is its row interval,
    /// so those are taken as stated. A battery gauge's or an EMI provider's is not documented anywhere: when the
    /// counter is seen to change more slowly than its nominal period, the observed period is used.
    /// </summary>
    public TimeSpan EffectiveUpdatePeriod()
    {
        var nominal = Source.UpdatePeriod;
        if (Source.Kind is not (SourceKind.BatteryGauge or SourceKind.WindowsMeter)) return nominal;
        return _sampler.ObservedUpdatePeriod() is { } seen && seen > nominal ? seen : nominal;
    }

    /// <summary>
    /// Energy for a case from its windows: gross and net joules per op and per token, average watts and the bound.
    /// Not attributable (joules null, reason given) when a window is shorter than 100 update periods, the source failed,
    /// or the counter did not advance.
    /// </summary>
    /// <param name="operations">Total operations run inside the windows.</param>
    /// <param name="tokensPerOp">Tokens one operation processes (NaN or ≤ 0: no per-token figures).</param>
    public EnergyResult Measure(IReadOnlyList<EnergyWindow> windows, long operations, double tokensPerOp)
    {
        var result = new EnergyResult
        {
            Source = EnergyInventory.Label(Source),
            Domain = Source.Selection.Name,
            // A simulated counter is modelled, not metered: readers that know only Estimated see that too.
            Estimated = Source.Estimated || Provenance == EnergyProvenance.Simulated,
            Provenance = Provenance,
            WindowSeconds = windows.Sum(w => w.Seconds),
        };
        if (windows.Count == 0) return NotAttributable(result, "no actual-run window was recorded for this case (was the harness adapter, e.g. the BenchmarkDotNet EnergyDiagnoser, attached?)");
        if (operations <= 0) return NotAttributable(result, $"no operations were counted in the window ({operations})");
        var e = MeasureWindows(windows, out string? reason);
        if (e is null) return NotAttributable(result, reason!);
        var (joules, bound) = e.Value;
        double seconds = result.WindowSeconds;
        bool perToken = double.IsFinite(tokensPerOp) && tokensPerOp > 0;

        result.Attributable = true;
        result.Operations = operations;
        result.TokensPerOp = perToken ? tokensPerOp : null;
        result.AverageWatts = joules / seconds;
        result.GrossJoulesPerOp = joules / operations;
        result.GrossJoulesPerToken = perToken ? joules / (operations * tokensPerOp) : null;
        result.GrossUncertaintyJoulesPerOp = bound / operations;
        ApplyIdle(result);
        return result;
    }

    /// <summary>
    /// (Re)derives a result's net figures and its total bound from its gross ones and the idle baseline as it stands
    /// now: the sweep attributes each case as it finishes, then calls this again once the idle after the sweep is in.
    /// </summary>
    public void ApplyIdle(EnergyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Attributable || result.GrossJoulesPerOp is not { } grossPerOp || result.Operations is not { } ops || ops <= 0) return;
        double seconds = result.WindowSeconds;
        double joules = grossPerOp * ops;
        double totalBound = (result.GrossUncertaintyJoulesPerOp ?? 0) * ops;
        double? tokens = result.TokensPerOp is { } tpo ? ops * tpo : null;
        result.IdleWatts = IdleWatts;
        if (IdleWatts is { } idle)
        {
            double net = joules - idle * seconds;
            totalBound += (IdleBoundWatts ?? 0) * seconds;
            result.NetWatts = result.AverageWatts - idle;
            result.NetJoulesPerOp = net / ops;
            result.NetJoulesPerToken = tokens is { } t ? net / t : null;
            if (result.Reason?.StartsWith("net energy unavailable", StringComparison.Ordinal) == true) result.Reason = null;
        }
        else
        {
            result.NetWatts = result.NetJoulesPerOp = result.NetJoulesPerToken = null;
            result.Reason = $"net energy unavailable: {IdleReason}";
        }
        result.UncertaintyJoulesPerOp = totalBound / ops;
        result.UncertaintyJoulesPerToken = tokens is { } n ? totalBound / n : null;
    }

    private static EnergyResult NotAttributable(EnergyResult r, string reason)
    {
        r.Attributable = false;
        r.Reason = reason;
        return r;
    }

    /// <summary>Sum of joules and bounds over windows, or null with the reason.</summary>
    private (double Joules, double Bound)? MeasureWindows(IReadOnlyList<EnergyWindow> windows, out string? reason)
    {
        var period = EffectiveUpdatePeriod();
        double minimum = MinimumUpdatePeriods * period.TotalSeconds;
        foreach (var w in windows)
        {
            if (w.Seconds < minimum)
            {
                reason = $"window of {w.Seconds:0.####} s is shorter than {MinimumUpdatePeriods}× the counter's update period ({period.TotalMilliseconds:0.###} ms → at least {minimum:0.###} s): not attributable; lengthen the iteration time";
                return null;
            }
        }
        long lastEnd = windows.Max(w => w.End);
        // A power gauge's edge bound looks at what it publishes up to two periods after the edge.
        WaitForCoverage(lastEnd + (long)((Source.IntegratesPower ? 2 : 1) * period.TotalSeconds * Stopwatch.Frequency));
        if (_sampler.FailedAt is { } failed && failed <= lastEnd + (long)(period.TotalSeconds * Stopwatch.Frequency) * 2)
        {
            reason = $"the source failed mid-run: {_sampler.FailureReason}";
            return null;
        }
        var series = _sampler.Series();
        var publications = Source.IntegratesPower ? _sampler.PublicationTicks() : null;
        double joules = 0, bound = 0;
        foreach (var w in windows)
        {
            var e = WindowIntegrator.Integrate(series, w.Start, w.End, period, Source.ResolutionJoules, publications);
            if (!e.Ok)
            {
                reason = _sampler.FailureReason is { } f ? $"{e.Reason} (the source failed: {f})" : e.Reason;
                return null;
            }
            joules += e.Joules!.Value;
            bound += e.BoundJoules!.Value;
        }
        if (joules <= 0)
        {
            reason = $"the counter did not advance over {windows.Sum(w => w.Seconds):0.###} s (stuck or emulated counter): no energy is reported rather than 0 W";
            return null;
        }
        reason = null;
        return (joules, bound);
    }

    /// <summary>Waits (bounded) until the sampler holds a sample at or after <paramref name="ticks"/>.</summary>
    private void WaitForCoverage(long ticks)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(2.0, 3 * EffectiveUpdatePeriod().TotalSeconds + 3 * _sampler.Interval.TotalSeconds) * Stopwatch.Frequency);
        while (_sampler.FailureReason is null && (_sampler.LastTimestamp ?? 0) < ticks && Stopwatch.GetTimestamp() < deadline)
            Thread.Sleep(_sampler.Interval > TimeSpan.FromMilliseconds(5) ? TimeSpan.FromMilliseconds(5) : _sampler.Interval);
    }

    /// <summary>The run-level record for summary.json; also (re)writes the raw sample files.</summary>
    public EnergyRunInfo RunInfo()
    {
        var files = WriteSamples();
        return new EnergyRunInfo
        {
            Source = EnergyInventory.Label(Source),
            Domain = Source.Selection.Name,
            Provenance = Provenance,
            UnavailableReason = _sampler.FailureReason is { } f ? $"the source failed mid-run: {f}" : null,
            IdleWatts = IdleWatts,
            IdleBoundWatts = IdleBoundWatts,
            IdleMeasurements = [.. IdleMeasurements],
            IdleSettleSeconds = IdleSettle > TimeSpan.Zero ? IdleSettle.TotalSeconds : null,
            BoundCovers = BoundCovers,
            UpdatePeriodSeconds = EffectiveUpdatePeriod().TotalSeconds,
            SamplerOverheadFraction = _sampler.OverheadFraction,
            SamplerPlacement = _sampler.Placement,
            SamplerGaps = _sampler.GapCount,
            SamplerGapReasons = [.. _sampler.Gaps],
            SampleFiles = files,
        };
    }

    /// <summary>Writes samples/&lt;source&gt;.csv and samples/windows.csv (atomically, only when something changed).</summary>
    public List<string> WriteSamples()
    {
        string name = SafeFileName(Source is ExternalTraceSource t ? $"{Source.Name}-{Path.GetFileNameWithoutExtension(t.FilePath)}" : Source.Name);
        var files = new List<string> { $"samples/{name}.csv", "samples/windows.csv" };
        string signature;
        lock (_log) signature = $"{_sampler.Count}/{_log.Count}";
        if (signature == _lastWrittenSignature) return files;
        string dir = Path.Combine(ResultsDir, "samples");
        _sampler.WriteCsv(Path.Combine(dir, $"{name}.csv"), _origin);
        var sb = new StringBuilder("label,start_ticks,end_ticks,start_s,seconds\n");
        lock (_log)
            foreach (var w in _log)
                sb.Append(CultureInfo.InvariantCulture, $"\"{w.Label.Replace("\"", "\"\"")}\",{w.Start},{w.End},{(w.Start - _origin) / (double)Stopwatch.Frequency:0.000000},{w.Seconds:0.000000}\n");
        AtomicFile.WriteAllText(Path.Combine(dir, "windows.csv"), sb.ToString());
        _lastWrittenSignature = signature;
        return files;
    }

    private static string SafeFileName(string s) => new(s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _sampler.Stop();
        if (Directory.Exists(ResultsDir) || _sampler.Count > 0)
        {
            try { WriteSamples(); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        _sampler.Dispose();
        Inventory.Dispose();
    }

    public bool IsDisposed => _disposed;
}
