using System.Collections.Concurrent;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;
using FoldBench.Benchmarks.Correctness;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Diagnosers;

/// <summary>
/// Checks each case against its double-precision reference (<see cref="CaseChecks"/>) once BenchmarkDotNet has
/// its results, and keeps the outcome per case: after the measurement, so the check's scalar twin
/// never adds to the case's time or peak memory.
/// </summary>
public sealed class CorrectnessDiagnoser : IDiagnoser
{
    private readonly ConcurrentDictionary<BenchmarkCase, bool> _ok = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<BenchmarkCase, string> _errors = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<BenchmarkCase, QuantizationError> _int8Errors = new(ReferenceEqualityComparer.Instance);

    public IEnumerable<string> Ids => ["FoldBenchCorrectness"];
    public IEnumerable<IExporter> Exporters => [];
    public IEnumerable<IAnalyser> Analysers => [];

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters) { }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        var bc = results.BenchmarkCase;
        try
        {
            var (correct, error) = CaseChecks.Evaluate(bc);
            if (correct is bool ok) _ok[bc] = ok;
            if (error is not null) _int8Errors[bc] = error;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A check that cannot even run is a failed check, with the reason in the log.
            _ok[bc] = false;
            _errors[bc] = e.Message;
        }
        return [];
    }

    /// <summary>True/false when the case was checked; null for a case without a check or not (yet) run.</summary>
    public bool? OkFor(BenchmarkCase bc) => _ok.TryGetValue(bc, out bool v) ? v : null;

    /// <summary>An int8 case's accuracy cost against the fp32 projection; null for fp32 cases and cases not (yet) checked.</summary>
    public QuantizationError? QuantizationErrorFor(BenchmarkCase bc) => _int8Errors.TryGetValue(bc, out var e) ? e : null;

    public void DisplayResults(ILogger logger)
    {
        foreach (var (bc, ok) in _ok.Where(kv => !kv.Value))
            logger.WriteLineError($"// {bc.DisplayInfo}: output differs from its reference{(_errors.TryGetValue(bc, out var e) ? $" ({e})" : "")}" +
                (_int8Errors.TryGetValue(bc, out var q) ? $" (int8: max {q.MaxAbs:E2}, RMS {q.Rms:E2})" : ""));
        foreach (var (bc, error) in _int8Errors.Where(kv => _ok.GetValueOrDefault(kv.Key)))
            logger.WriteLine($"// {bc.DisplayInfo}: int8 against its reference: max {error.MaxAbs:E2} (relative {error.RelativeMax:E2}), RMS {error.Rms:E2}");
    }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) => [];
}
