using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoldBench.Energy.IO;
using FoldBench.Energy.Sources;
using FoldBench.Platform;

namespace FoldBench.Energy.Sampling;

/// <summary>
/// A background thread that reads one source at its sample interval and keeps every raw sample. Benchmark
/// windows take an extra synchronous sample at their edges (<see cref="SampleNow"/>), so each edge has a sample
/// within one read of it. The thread measures its own CPU time: that is the sampler's cost. A read that fails with
/// anything but the source's own "this counter is gone" (<see cref="IOException"/>, which ends the source) is a
/// recorded gap: the sample is skipped and sampling goes on. The thread can be kept off the benchmark's CPU.
/// </summary>
public sealed class Sampler : IDisposable
{
    private readonly object _lock = new();
    private readonly List<EnergyReading> _samples = new(4096);
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly AutoResetEvent _wake = new(false);
    private readonly List<long> _requests = [];   // Stopwatch ticks of requested extra samples
    private volatile bool _stopping;
    private Thread? _thread;
    private long _startTicks, _stopTicks;
    private long _cpuTicks;             // sampler thread CPU time so far (TimeSpan ticks)
    private bool _cpuMeasured;
    private long _readTicks, _reads;    // Stopwatch ticks spent inside Read, on any thread
    private readonly List<string> _gaps = [];
    private int _consecutiveErrors;
    private readonly IReadOnlyList<int>? _cpus;

    /// <summary>Consecutive failed reads after which the source counts as failed rather than hiccuping.</summary>
    public const int MaxConsecutiveErrors = 100;

    public IEnergySource Source { get; }
    public TimeSpan Interval { get; }

    /// <summary>Where the sampler thread runs: "CPUs 0-2", "not placed (…)", or null before it starts or when no CPUs were given.</summary>
    public string? Placement { get; private set; }
    /// <summary>The sampler thread's kernel id (Linux), once it runs.</summary>
    public int? ThreadId { get; private set; }

    /// <summary>Set when the source failed mid-run (vanished, unreadable, garbage, started charging).</summary>
    public string? FailureReason { get; private set; }
    /// <summary>Stopwatch ticks of the failure.</summary>
    public long? FailedAt { get; private set; }
    public bool Running => _thread is not null && _stopTicks == 0;

    /// <param name="cpus">CPUs the sampler thread runs on (the benchmark's CPU left out); null: wherever it is started.</param>
    public Sampler(IEnergySource source, TimeSpan? interval = null, IReadOnlyList<int>? cpus = null)
    {
        Source = source;
        Interval = interval ?? source.SampleInterval;
        _cpus = cpus is { Count: > 0 } ? cpus : null;
    }

    /// <summary>Reads that failed without ending the source, each "at S s: Type: message" (the first 20).</summary>
    public IReadOnlyList<string> Gaps { get { lock (_lock) return _gaps.ToArray(); } }
    public int GapCount { get { lock (_lock) return _gapCount; } }
    private int _gapCount;

    public void Start()
    {
        if (_thread is not null) throw new InvalidOperationException("the sampler is already started");
        _startTicks = Stopwatch.GetTimestamp();
        _thread = new Thread(Loop) { IsBackground = true, Name = $"FoldBench energy sampler ({Source.Name})" };
        _thread.Start();
    }

    public void Stop()
    {
        if (_thread is null || _stopTicks != 0) return;
        _stopping = true;
        _stop.Set();
        _wake.Set();
        _thread.Join();
        _stopTicks = Stopwatch.GetTimestamp();
    }

    private void Loop()
    {
        ThreadId = ThreadAffinity.CurrentThreadId();
        if (_cpus is not null)
            Placement = ThreadAffinity.TrySetCurrentThread(_cpus) is { } why ? $"not placed ({why})" : $"CPUs {ThreadAffinity.Format(_cpus)}";
        TimeSpan? cpuStart = ThreadCpuClock.TryNow();
        _cpuMeasured = cpuStart is not null;
        TakeSample();
        long interval = (long)(Interval.TotalSeconds * Stopwatch.Frequency);
        long next = Stopwatch.GetTimestamp() + interval;
        while (!_stopping)
        {
            // Sleep until the next periodic sample, or until an extra sample a window edge asked for.
            long due = next;
            lock (_requests)
                foreach (long r in _requests) due = Math.Min(due, r);
            long wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                // Whole milliseconds, rounded up: a sub-millisecond timeout rounds to 0 and would spin.
                _wake.WaitOne((int)Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency));
                continue;
            }
            if (TakeSample() is null && FailureReason is not null) break;
            long now = Stopwatch.GetTimestamp();
            lock (_requests) _requests.RemoveAll(r => r <= now);
            if (now >= next) next = now + interval;
            if (cpuStart is { } c0 && ThreadCpuClock.TryNow() is { } c1) Volatile.Write(ref _cpuTicks, (c1 - c0).Ticks);
        }
        if (cpuStart is { } s && ThreadCpuClock.TryNow() is { } e) Volatile.Write(ref _cpuTicks, (e - s).Ticks);
    }

    /// <summary>Reads the source now (serialized with the background thread); null once the source has failed.</summary>
    public EnergyReading? SampleNow() => TakeSample();

    /// <summary>
    /// Asks the background thread for one extra sample at <paramref name="ticks"/> (Stopwatch time). A window edge
    /// asks for one an update period after itself: that sample closes the edge's error bracket, so the periodic rate
    /// can stay low (the integral needs only the edges; samples in between add provenance, not accuracy).
    /// </summary>
    public void RequestSampleAt(long ticks)
    {
        lock (_requests) _requests.Add(ticks);
        _wake.Set();
    }

    private EnergyReading? TakeSample()
    {
        lock (_lock)
        {
            if (FailureReason is not null) return null;
            long before = Stopwatch.GetTimestamp();
            try
            {
                var r = Source.Read();
                _consecutiveErrors = 0;
                // An external trace returns its newest row again when nothing new arrived: keep timestamps strictly increasing.
                if (_samples.Count == 0 || r.Timestamp > _samples[^1].Timestamp) _samples.Add(r);
                return r;
            }
            catch (EnergySourceException e) when (Source.Kind == SourceKind.ExternalMeter && e.State == SourceState.Absent && _samples.Count == 0)
            {
                return null; // the meter has not logged its first row yet
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                FailureReason = e.Message;
                FailedAt = Stopwatch.GetTimestamp();
                return null;
            }
            catch (Exception e)
            {
                // A reply the reader could not parse (a short EMI buffer throws FormatException), or any other reader
                // fault: a gap in the samples, never a crash of the sampler thread or the benchmark's window edge.
                long at = Stopwatch.GetTimestamp();
                _gapCount++;
                if (_gaps.Count < 20)
                    _gaps.Add($"at {(at - _startTicks) / (double)Stopwatch.Frequency:0.###} s: {e.GetType().Name}: {e.Message}");
                if (++_consecutiveErrors >= MaxConsecutiveErrors)
                {
                    FailureReason = $"{_consecutiveErrors} reads in a row failed, the last with {e.GetType().Name}: {e.Message}";
                    FailedAt = at;
                }
                return null;
            }
            finally
            {
                _readTicks += Stopwatch.GetTimestamp() - before;
                _reads++;
            }
        }
    }

    /// <summary>A copy of the samples as (timestamp, joules of the selected domains).</summary>
    public SampleSeries Series()
    {
        lock (_lock)
        {
            var ts = new long[_samples.Count];
            var j = new double[_samples.Count];
            for (int i = 0; i < _samples.Count; i++)
            {
                ts[i] = _samples[i].Timestamp;
                j[i] = Source.Selection.Sum(_samples[i].Joules);
            }
            return new SampleSeries(ts, j);
        }
    }

    public int Count { get { lock (_lock) return _samples.Count; } }

    /// <summary>Timestamp of the newest sample, or null.</summary>
    public long? LastTimestamp { get { lock (_lock) return _samples.Count == 0 ? null : _samples[^1].Timestamp; } }

    /// <summary>Sampler thread CPU time over wall time since start; null where no thread clock exists.</summary>
    public double? OverheadFraction
    {
        get
        {
            if (!_cpuMeasured || _startTicks == 0) return null;
            long end = _stopTicks != 0 ? _stopTicks : Stopwatch.GetTimestamp();
            double wall = (end - _startTicks) / (double)Stopwatch.Frequency;
            return wall <= 0 ? null : TimeSpan.FromTicks(Volatile.Read(ref _cpuTicks)).TotalSeconds / wall;
        }
    }

    /// <summary>Mean wall time of one Read (all threads), seconds.</summary>
    public double? MeanReadSeconds { get { lock (_lock) return _reads == 0 ? null : _readTicks / (double)Stopwatch.Frequency / _reads; } }

    /// <summary>
    /// The median interval between publications of the counter, when it is resolvable: clearly longer than the median
    /// interval between samples actually taken (a starved sampler sees a change at every sample, which says nothing
    /// about the counter). Null otherwise. A gauge slower than its nominal period shows up here. Publications are
    /// read from the raw register values (<see cref="PublicationTicks"/>), not the joules: a power reading integrated
    /// into joules changes the total at every sample, however rarely the gauge publishes.
    /// </summary>
    public TimeSpan? ObservedUpdatePeriod()
    {
        var changes = PublicationTicks();
        if (changes.Length < 5) return null;
        long[] ticks;
        lock (_lock) ticks = _samples.Select(x => x.Timestamp).ToArray();
        double changeGap = MedianGap(changes), sampleGap = MedianGap(ticks);
        return changeGap > 1.5 * sampleGap ? TimeSpan.FromSeconds(changeGap) : null;
    }

    /// <summary>
    /// Timestamps of the samples at which the counter published something new: the raw value of a selected domain, or
    /// one of the reading's <see cref="EnergyReading.Markers"/> (a gauge's energy_now beside its power_now), differs
    /// from the sample before.
    /// </summary>
    public long[] PublicationTicks()
    {
        var changes = new List<long>();
        lock (_lock)
        {
            var selected = Source.Selection.Indices;
            for (int i = 1; i < _samples.Count; i++)
            {
                EnergyReading a = _samples[i - 1], b = _samples[i];
                bool changed = selected.Any(k => k < a.Raw.Length && k < b.Raw.Length && a.Raw[k] != b.Raw[k]);
                if (!changed && a.Markers is { } ma && b.Markers is { } mb) changed = !ma.AsSpan().SequenceEqual(mb);
                if (changed) changes.Add(b.Timestamp);
            }
        }
        return [.. changes];
    }

    private static double MedianGap(long[] ticks)
    {
        var gaps = new double[ticks.Length - 1];
        for (int i = 1; i < ticks.Length; i++) gaps[i - 1] = (ticks[i] - ticks[i - 1]) / (double)Stopwatch.Frequency;
        Array.Sort(gaps);
        return gaps[gaps.Length / 2];
    }

    /// <summary>Writes every raw sample: Stopwatch ticks, seconds since <paramref name="originTicks"/>, joules and raw value per domain.</summary>
    public void WriteCsv(string path, long originTicks)
    {
        var sb = new StringBuilder();
        var domains = Source.Domains;
        sb.Append(CultureInfo.InvariantCulture, $"# source={Source.Name} selection={Source.Selection.Name} unit={Source.Unit} stopwatch_frequency={Stopwatch.Frequency}\n");
        EnergyReading[] copy;
        lock (_lock) copy = _samples.ToArray();
        // A gauge's publication markers (energy_now beside power_now) get their own columns: they show when it published.
        bool markers = copy.Length > 0 && copy[0].Markers is { } m0 && m0.Length == domains.Count;
        sb.Append("timestamp_ticks,seconds");
        foreach (var d in domains) sb.Append(CultureInfo.InvariantCulture, $",{Csv(d.Name)}_j");
        foreach (var d in domains) sb.Append(CultureInfo.InvariantCulture, $",{Csv(d.Name)}_raw");
        if (markers) foreach (var d in domains) sb.Append(CultureInfo.InvariantCulture, $",{Csv(d.Name)}_marker");
        sb.Append('\n');
        foreach (var r in copy)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.Timestamp},{(r.Timestamp - originTicks) / (double)Stopwatch.Frequency:0.000000}");
            foreach (var j in r.Joules) sb.Append(CultureInfo.InvariantCulture, $",{j:R}");
            foreach (var v in r.Raw) sb.Append(CultureInfo.InvariantCulture, $",{v}");
            if (markers) foreach (var v in r.Markers ?? new long[domains.Count]) sb.Append(CultureInfo.InvariantCulture, $",{v}");
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static string Csv(string name) => name.Replace('/', '_').Replace(',', '_');

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
        _wake.Dispose();
    }
}

/// <summary>Samples as parallel arrays: Stopwatch ticks and cumulative joules of the selected domains.</summary>
public sealed record SampleSeries(long[] Ticks, double[] Joules)
{
    public int Count => Ticks.Length;
}
