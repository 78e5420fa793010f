using System.Collections.Concurrent;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;
using FoldBench.Energy.Attribution;
using FoldBench.Results;

namespace FoldBench.Energy.BenchmarkDotNet;

/// <summary>
/// Energy per BenchmarkDotNet case. Marks each case's actual-run window (HostSignal.BeforeActualRun … AfterActualRun)
/// with a synchronous counter sample at both edges, attributes the window's energy once, when BenchmarkDotNet
/// processes the case's results, and returns it as metrics, which become the summary's energy columns. With the
/// in-process toolchains the signals arrive on the benchmark thread itself, so the edges are exact; out of process
/// they arrive over the host pipe, a few µs late.
/// </summary>
public sealed class EnergyDiagnoser : IDiagnoser, IDisposable
{
    private readonly EnergyOptions? _options;
    private readonly TimeSpan _idle;
    private readonly bool _ownsSession;
    private readonly object _startLock = new();
    private EnergySession? _session;
    private string? _unavailable;
    private readonly ConcurrentDictionary<BenchmarkCase, List<EnergyWindow>> _windows = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<BenchmarkCase, EnergyResult> _results = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<BenchmarkCase, long> _open = new(ReferenceEqualityComparer.Instance);

    /// <summary>Measures with the sources <see cref="EnergyOptions.FromEnvironment"/> finds (FOLDBENCH_* variables, else /sys).</summary>
    public EnergyDiagnoser() : this(EnergyOptions.FromEnvironment()) { }

    /// <summary>
    /// Finds the energy sources itself and starts sampling when BenchmarkDotNet validates the run; then it measures
    /// the idle baseline (at least 100 counter update periods) that net energy is taken above. Raw samples go to
    /// <c>energy/</c> under the run's artifacts folder.
    /// </summary>
    public EnergyDiagnoser(EnergyOptions options, TimeSpan? idleBaseline = null)
    {
        _options = options;
        _idle = idleBaseline ?? TimeSpan.FromSeconds(1);
        _ownsSession = true;
    }

    /// <summary>Uses a session its caller started, owns and measured the idle baseline of (FoldBench's sweep).</summary>
    public EnergyDiagnoser(EnergySession session)
    {
        _session = session;
        _idle = TimeSpan.Zero;
    }

    /// <summary>Tokens one operation of a case processes, for the net J/token column (null: no per-token figure).</summary>
    public Func<BenchmarkCase, double?>? TokensPerOp { get; init; }

    /// <summary>The session measuring; null before the run starts or when no source is usable (<see cref="UnavailableReason"/>).</summary>
    public EnergySession? Session => _session;

    /// <summary>Why there are no energy figures, when there are none.</summary>
    public string? UnavailableReason => _unavailable;

    public IEnumerable<string> Ids => ["FoldBenchEnergy"];
    public IEnumerable<IExporter> Exporters => [];
    public IEnumerable<IAnalyser> Analysers => [];

    // NoOverhead: the diagnoser takes part in the measured run itself (it only reads a counter at the window edges).
    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters)
    {
        if (_session is { IsDisposed: true })
            return [new ValidationError(true, "the FoldBench energy session was disposed before the benchmarks ran")];
        if (_ownsSession) Start(Path.Combine(validationParameters.Config.ArtifactsPath, "energy"));
        // Not critical: the benchmarks still run, with empty energy columns and this reason in the log.
        return _session is null ? [new ValidationError(false, $"no energy figures: {_unavailable}")] : [];
    }

    private void Start(string samplesDir)
    {
        lock (_startLock)
        {
            if (_session is not null || _unavailable is not null) return;
            var inventory = EnergyDiscovery.Discover(_options!);
            var session = EnergySession.Start(inventory, samplesDir);
            if (session is null)
            {
                _unavailable = inventory.UnavailableReason ?? "no energy source was usable";
                inventory.Dispose();
                return;
            }
            var minimum = TimeSpan.FromTicks(session.EffectiveUpdatePeriod().Ticks * EnergySession.MinimumUpdatePeriods);
            session.MeasureIdleBaseline(_idle > minimum ? _idle : minimum);
            _session = session;
        }
    }

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        if (_session is null) return;
        var bc = parameters.BenchmarkCase;
        switch (signal)
        {
            case HostSignal.BeforeActualRun:
                _open[bc] = _session.MarkEdge();
                break;
            case HostSignal.AfterActualRun when _open.TryRemove(bc, out long start):
                var window = new EnergyWindow(bc.DisplayInfo, start, _session.MarkEdge());
                _windows.GetOrAdd(bc, _ => []).Add(window);
                _session.RecordWindow(window);
                break;
        }
    }

    /// <summary>The actual-run windows recorded for a case (one per launch).</summary>
    public IReadOnlyList<EnergyWindow> WindowsFor(BenchmarkCase bc) =>
        _windows.TryGetValue(bc, out var list) ? list.ToArray() : [];

    /// <summary>The case's energy, attributed when BenchmarkDotNet processed its results; null if it never ran.</summary>
    public EnergyResult? ResultFor(BenchmarkCase bc) => _results.TryGetValue(bc, out var r) ? r : null;

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        if (_session is null) return [];
        var bc = results.BenchmarkCase;
        var r = _session.Measure(WindowsFor(bc), ActualOperations(results.Measurements), TokensPerOp?.Invoke(bc) ?? double.NaN);
        _results[bc] = r;
        return EnergyMetrics.From(r);
    }

    /// <summary>Operations run inside the actual-run window: the sum over Workload/Actual measurements.</summary>
    public static long ActualOperations(IEnumerable<Measurement> measurements) =>
        measurements.Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Actual).Sum(m => m.Operations);

    public void DisplayResults(ILogger logger)
    {
        if (_session is null)
        {
            logger.WriteLineInfo($"// Energy: none ({_unavailable ?? "the run did not start"})");
            return;
        }
        var info = _session.RunInfo();
        logger.WriteLineInfo($"// Energy: {info.Source}, domain {info.Domain}, idle {(info.IdleWatts is { } w ? $"{w:0.###} W" : "not measured")}, " +
                             $"update period {info.UpdatePeriodSeconds * 1e3:0.###} ms, sampler overhead {(info.SamplerOverheadFraction is { } f ? $"{f:P3}" : "unknown")}");
        foreach (var (bc, r) in _results.OrderBy(kv => kv.Key.DisplayInfo, StringComparer.Ordinal))
            if (r.Reason is not null) logger.WriteLineInfo($"//   {bc.DisplayInfo}: {r.Reason}");
    }

    /// <summary>Stops a session this diagnoser started (a given session stays its owner's to dispose).</summary>
    public void Dispose()
    {
        if (_ownsSession) _session?.Dispose();
    }
}
