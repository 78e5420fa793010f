using System.Collections.Concurrent;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;
using FoldBench.Energy.Attribution;
using FoldBench.Results;

namespace FoldBench.Energy.Diagnosers;

/// <summary>
/// Marks each benchmark's actual-run window (HostSignal.BeforeActualRun … AfterActualRun) with a synchronous
/// counter sample at both edges. With BenchmarkDotNet's in-process toolchains the signals arrive on the benchmark
/// thread itself, so the edges are exact; out of process they arrive over the host pipe, a few µs late.
/// Energy is shown by <see cref="Columns"/> (add them to the config alongside the diagnoser).
/// </summary>
public sealed class EnergyDiagnoser : IDiagnoser
{
    private readonly EnergySession _session;
    private readonly ConcurrentDictionary<BenchmarkCase, List<EnergyWindow>> _windows = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<BenchmarkCase, EnergyResult> _results = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<BenchmarkCase, long> _open = new(ReferenceEqualityComparer.Instance);

    internal EnergyDiagnoser(EnergySession session)
    {
        _session = session;
        Columns = new EnergyColumnProvider(this);
    }

    /// <summary>Tokens one operation of a case processes, for the J/token column (null: no per-token figure).</summary>
    public Func<BenchmarkCase, double?>? TokensPerOp { get; set; }

    /// <summary>Gross/net J per op, net J per token, average and net watts.</summary>
    public IColumnProvider Columns { get; }

    public IEnumerable<string> Ids => ["FoldBenchEnergy"];
    public IEnumerable<IExporter> Exporters => [];
    public IEnumerable<IAnalyser> Analysers => [];

    // NoOverhead: the diagnoser takes part in the measured run itself (it only reads a counter at the window edges).
    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        var bc = parameters.BenchmarkCase;
        switch (signal)
        {
            case HostSignal.BeforeActualRun:
                _open[bc] = _session.MarkEdge();
                break;
            case HostSignal.AfterActualRun when _open.TryRemove(bc, out long start):
                var window = new EnergyWindow(bc.DisplayInfo, start, _session.MarkEdge());
                _windows.GetOrAdd(bc, _ => []).Add(window);
                _session.LogWindow(window);
                break;
        }
    }

    /// <summary>The actual-run windows recorded for a case (one per launch).</summary>
    public IReadOnlyList<EnergyWindow> WindowsFor(BenchmarkCase bc) =>
        _windows.TryGetValue(bc, out var list) ? list.ToArray() : [];

    /// <summary>The result computed when BenchmarkDotNet processed the case (what the columns show).</summary>
    public EnergyResult? ResultFor(BenchmarkCase bc) => _results.TryGetValue(bc, out var r) ? r : null;

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        var bc = results.BenchmarkCase;
        long ops = EnergySession.ActualOperations(results.Measurements);
        _results[bc] = _session.Measure(WindowsFor(bc), ops, TokensPerOp?.Invoke(bc) ?? double.NaN);
        return [];
    }

    public void DisplayResults(ILogger logger)
    {
        var info = _session.RunInfo();
        logger.WriteLineInfo($"// Energy: {info.Source}, domain {info.Domain}, idle {(info.IdleWatts is { } w ? $"{w:0.###} W" : "not measured")}, " +
                             $"update period {info.UpdatePeriodSeconds * 1e3:0.###} ms, sampler overhead {(info.SamplerOverheadFraction is { } f ? $"{f:P3}" : "unknown")}");
        foreach (var (bc, r) in _results.OrderBy(kv => kv.Key.DisplayInfo, StringComparer.Ordinal))
            if (r.Reason is not null) logger.WriteLineInfo($"//   {bc.DisplayInfo}: {r.Reason}");
    }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters)
    {
        if (_session.Disposed)
            yield return new ValidationError(true, "the FoldBench energy session was disposed before the benchmarks ran");
    }
}
