using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FoldBench.Energy;
using FoldBench.Energy.BenchmarkDotNet;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>How the idle baseline is measured: its length, and how long the machine settles before each measurement.</summary>
/// <param name="Duration">Each idle measurement (stretched to 100 counter update periods when shorter).</param>
/// <param name="Settle">Time left idle before each measurement: the calibration's FMA loops or the last case leave the
/// CPU hot and clocked up, and idle measured at once would read that.</param>
public sealed record IdleBaseline(TimeSpan Duration, TimeSpan Settle);

/// <summary>
/// Joins an energy session with the sweep: the idle baseline before the first case and again after the last one,
/// each after the machine settled, and each case's energy as the diagnoser attributed it when BenchmarkDotNet
/// processed the case (its net figures re-derived once the idle after the sweep is in).
/// </summary>
public sealed class EnergyObserver : ISweepObserver, IDisposable
{
    private readonly EnergySession _session;
    private readonly IdleBaseline _idle;
    private readonly EnergyDiagnoser _diagnoser;

    private EnergyObserver(EnergySession session, IdleBaseline idle)
    {
        _session = session;
        _idle = idle;
        _diagnoser = new EnergyDiagnoser(session) { TokensPerOp = CaseDescriber.TokensPerOp };
    }

    /// <summary>Starts sampling the inventory's chosen source; null when none is usable (the inventory says why).</summary>
    /// <param name="samplerCpus">CPUs for the sampler thread, the benchmark's left out (null: unplaced).</param>
    public static EnergyObserver? Start(EnergyInventory inventory, string resultsDir, IdleBaseline idle, IReadOnlyList<int>? samplerCpus = null)
    {
        ArgumentNullException.ThrowIfNull(idle);
        var session = EnergySession.Start(inventory, resultsDir, samplerCpus);
        return session is null ? null : new EnergyObserver(session, idle);
    }

    public IEnumerable<IDiagnoser> Diagnosers => [_diagnoser];

    /// <summary>The session's update period × 100 at least, so the baseline itself is attributable.</summary>
    private TimeSpan IdleLength
    {
        get
        {
            var minimum = TimeSpan.FromTicks(_session.EffectiveUpdatePeriod().Ticks * EnergySession.MinimumUpdatePeriods);
            return _idle.Duration > minimum ? _idle.Duration : minimum;
        }
    }

    public void BeforeSweep(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _session.MeasureIdleBaseline(IdleLength, "before", _idle.Settle);
        summary.Energy = _session.RunInfo();
    }

    public void AfterCase(BenchmarkCase benchmarkCase, BenchmarkReport report, CaseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Energy = _diagnoser.ResultFor(benchmarkCase);
    }

    /// <summary>Idle again after the last case, then every case's net figures and bound from both idle measurements.</summary>
    public void AfterCases(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _session.MeasureIdleBaseline(IdleLength, "after", _idle.Settle);
        foreach (var c in summary.Cases)
            if (c.Energy is { } e) _session.ApplyIdle(e);
        summary.Energy = _session.RunInfo();
    }

    public void AfterSweep(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        summary.Energy = _session.RunInfo();
        if (_session.IdleReason is { } idle) summary.Caveats.Add(idle + "; net energy is not available");
        else if (_session.IdleMeasurements.Count < 2)
            summary.Caveats.Add("the idle baseline was measured before the sweep only (the run stopped early): its drift over the run is not in the net-energy bound");
    }

    public void Dispose() => _session.Dispose();
}
