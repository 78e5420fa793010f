using System.Collections.Concurrent;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;

namespace FoldBench.Benchmarks.Diagnosers;

/// <summary>
/// The peak working set while a case runs, not while it is set up: setup holds transient copies
/// (unpacked weights, the scalar twin of the correctness check) that a device running the model
/// would never have. Just before the actual run the GC gives back what it can and the peak is
/// reset; right after, the peak is read. In-process toolchain only (the signals arrive on the
/// benchmark's own thread).
/// </summary>
public sealed class PeakMemoryDiagnoser : IDiagnoser
{
    private readonly ConcurrentDictionary<BenchmarkCase, long> _peaks = new(ReferenceEqualityComparer.Instance);

    public IEnumerable<string> Ids => ["FoldBenchPeakMemory"];
    public IEnumerable<IExporter> Exporters => [];
    public IEnumerable<IAnalyser> Analysers => [];

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        switch (signal)
        {
            case HostSignal.BeforeActualRun:
                PeakMemory.Quiesce();
                PeakMemory.TryReset();
                break;
            case HostSignal.AfterActualRun:
                _peaks[parameters.BenchmarkCase] = PeakMemory.Read();
                break;
        }
    }

    /// <summary>The case's running peak, or null if its actual run never happened.</summary>
    public long? PeakFor(BenchmarkCase bc) => _peaks.TryGetValue(bc, out long v) ? v : null;

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results) => [];

    public void DisplayResults(ILogger logger) { }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) => [];
}
