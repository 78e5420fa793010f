namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// What the sweep tells whoever shows its progress: the command line draws a live bar on a terminal
/// and plain lines in a log, a test records the calls. The runner only reports facts (which case,
/// how far, how long); it never writes to a console itself.
/// </summary>
public interface ISweepProgress
{
    /// <summary>A line about the run as a whole: calibration, the roofs it measured, a warning.</summary>
    void Note(string line);

    /// <summary>The sweep proper starts: <paramref name="total"/> cases follow.</summary>
    void SweepStarted(int total);

    /// <summary>A case is about to run (also one that turns out unavailable on this machine).</summary>
    void CaseStarting(SweepStep step);

    /// <summary>Every case has run (or the sweep stopped early after <paramref name="done"/> of <paramref name="total"/>).</summary>
    void SweepFinished(int done, int total, TimeSpan elapsed);
}

/// <summary>One step of the sweep: case <see cref="Index"/> (0-based) of <see cref="Total"/>, after <see cref="Elapsed"/> of the sweep.</summary>
public readonly record struct SweepStep(int Index, int Total, string Label, TimeSpan Elapsed)
{
    /// <summary>An estimate of the time left (see <see cref="SweepEstimate.Remaining"/>); null before the first case finished.</summary>
    public TimeSpan? Remaining => SweepEstimate.Remaining(Index, Total, Elapsed);
}

/// <summary>The sweep's time-left estimate, in one place for every display.</summary>
public static class SweepEstimate
{
    /// <summary>
    /// An estimate, not a measurement: the mean time of the <paramref name="done"/> finished cases times the
    /// cases left. Cases differ (a streamed 2048-wide kernel takes longer than a cached 512-wide one), so it
    /// drifts as the sweep moves between suites. Null while nothing has finished (no basis yet).
    /// </summary>
    public static TimeSpan? Remaining(int done, int total, TimeSpan elapsed)
    {
        if (done <= 0 || total < done) return null;
        return elapsed / done * (total - done);
    }
}

/// <summary>Shows nothing (a caller that wants only the results).</summary>
public sealed class SilentSweepProgress : ISweepProgress
{
    public static readonly SilentSweepProgress Instance = new();
    private SilentSweepProgress() { }
    public void Note(string line) { }
    public void SweepStarted(int total) { }
    public void CaseStarting(SweepStep step) { }
    public void SweepFinished(int done, int total, TimeSpan elapsed) { }
}
