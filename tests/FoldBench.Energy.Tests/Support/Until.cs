using System.Diagnostics;
using FoldBench.Energy.Attribution;

namespace FoldBench.Energy.Tests.Support;

/// <summary>
/// Waits for a condition instead of a guessed time. The minute is a hang guard, never a timing: a loaded machine
/// only makes the wait longer.
/// </summary>
public static class Until
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    public static void Holds(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < HangGuard, $"waited {HangGuard.TotalSeconds:0} s and still not: {what}");
            Thread.Sleep(1); // the poll interval, leaving the cores to the threads being waited for
        }
    }

    /// <summary>
    /// Until the session's sampler holds a sample one update period past the window's end (what Measure integrates
    /// up to), or has failed. Measure's own wait is bounded; a loaded machine can starve the sampler for longer.
    /// </summary>
    public static void Covered(EnergySession session, EnergyWindow w)
    {
        long end = w.End + (long)(session.EffectiveUpdatePeriod().TotalSeconds * Stopwatch.Frequency);
        Holds(() => session.Sampler.FailureReason is not null || session.Sampler.LastTimestamp >= end,
              $"the sampler covering the window '{w.Label}' to its end");
    }
}
