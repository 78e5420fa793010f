using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FoldBench.Energy;
using FoldBench.Energy.BenchmarkDotNet;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// Joins an energy session with the sweep: the idle baseline before the first case, and each case's
/// energy as the diagnoser attributed it when BenchmarkDotNet processed the case.
/// </summary>
public sealed class EnergyObserver : ISweepObserver, IDisposable
{
    private readonly EnergySession _session;
    private readonly TimeSpan _idle;
    private readonly EnergyDiagnoser _diagnoser;

    private EnergyObserver(EnergySession session, TimeSpan idle)
    {
        _session = session;
        _idle = idle;
        _diagnoser = new EnergyDiagnoser(session) { TokensPerOp = CaseDescriber.TokensPerOp };
    }

    /// <summary>Starts sampling the inventory's chosen source; null when none is usable (the inventory says why).</summary>
    public static EnergyObserver? Start(EnergyInventory inventory, string resultsDir, TimeSpan idleBaseline)
    {
        var session = EnergySession.Start(inventory, resultsDir);
        return session is null ? null : new EnergyObserver(session, idleBaseline);
    }

    public IEnumerable<IDiagnoser> Diagnosers => [_diagnoser];

    public void BeforeSweep(RunSummary summary)
    {
        // At least 100 update periods, so the baseline itself is attributable.
        var minimum = TimeSpan.FromTicks(_session.EffectiveUpdatePeriod().Ticks * EnergySession.MinimumUpdatePeriods);
        _session.MeasureIdleBaseline(_idle > minimum ? _idle : minimum);
        summary.Energy = _session.RunInfo();
    }

    public void AfterCase(BenchmarkCase benchmarkCase, BenchmarkReport report, CaseResult result) =>
        result.Energy = _diagnoser.ResultFor(benchmarkCase);

    public void AfterSweep(RunSummary summary)
    {
        summary.Energy = _session.RunInfo();
        if (_session.IdleReason is { } idle) summary.Caveats.Add(idle + "; net energy is not available");
    }

    public void Dispose() => _session.Dispose();
}
