using System.Diagnostics;
using FoldBench.Energy.Sampling;

namespace FoldBench.Energy.Attribution;

/// <summary>The energy of one window, or why there is none.</summary>
/// <param name="Joules">Energy between the edges, interpolated at both.</param>
/// <param name="BoundJoules">± bound: at each edge the truth lies between the last sample at or before it and the
/// first sample one update period after it (a counter lags by at most one update), plus one resolution step; for a
/// source that integrates a published power reading, plus the energy of each edge's unobserved interval.</param>
public sealed record WindowEnergy(double? Joules, double? BoundJoules, double Seconds, string? Reason)
{
    public bool Ok => Joules is not null;
}

/// <summary>Integrates cumulative counters over windows on the Stopwatch clock.</summary>
public static class WindowIntegrator
{
    /// <param name="publications">For a source that integrates a published power reading (<c>IntegratesPower</c>): the
    /// timestamps at which it published (raw values changed). Null for an energy counter.</param>
    public static WindowEnergy Integrate(SampleSeries s, long start, long end, TimeSpan updatePeriod, double resolutionJoules, long[]? publications = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        double seconds = (end - start) / (double)Stopwatch.Frequency;
        if (end <= start) return new WindowEnergy(null, null, seconds, "empty window");
        var a = Edge(s, start, updatePeriod, "start");
        if (a.Reason is not null) return new WindowEnergy(null, null, seconds, a.Reason);
        var b = Edge(s, end, updatePeriod, "end");
        if (b.Reason is not null) return new WindowEnergy(null, null, seconds, b.Reason);
        double joules = b.Value - a.Value;
        double bound = (a.Hi - a.Lo) + (b.Hi - b.Lo) + 2 * resolutionJoules;
        if (publications is not null)
            bound += UnobservedJoules(s, start, updatePeriod, publications) + UnobservedJoules(s, end, updatePeriod, publications);
        return new WindowEnergy(joules, bound, seconds, null);
    }

    /// <summary>
    /// A power reading published every T is integrated as it stands, so at an edge the integral misses (or adds) the
    /// energy of the interval the gauge had not published yet: from the start of the span its last publication before
    /// the edge averaged (one period before it) to its first publication after the edge. What the power did in there
    /// is unknown; the bound takes that whole interval at the highest power the gauge reported around it.
    /// </summary>
    public static double UnobservedJoules(SampleSeries s, long t, TimeSpan updatePeriod, long[] publications)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(publications);
        long period = (long)(updatePeriod.TotalSeconds * Stopwatch.Frequency);
        int k = LastAtOrBefore(publications, t);
        long last = k >= 0 ? publications[k] : t - period;
        long next = k + 1 < publications.Length ? publications[k + 1] : t + period;
        long from = last - period, to = Math.Max(next, t + period);
        // The highest power reported from one period before that interval to one period after it (a published value
        // shows in full only from the sample after the publication: the integral is a trapezoid).
        int i0 = Math.Max(0, LastAtOrBefore(s.Ticks, from - period));
        double highest = 0;
        for (int i = i0; i + 1 < s.Count && s.Ticks[i] <= to + period; i++)
        {
            long dt = s.Ticks[i + 1] - s.Ticks[i];
            if (dt > 0) highest = Math.Max(highest, (s.Joules[i + 1] - s.Joules[i]) / (dt / (double)Stopwatch.Frequency));
        }
        return highest * ((to - from) / (double)Stopwatch.Frequency);
    }

    private readonly record struct EdgeValue(double Value, double Lo, double Hi, string? Reason);

    private static EdgeValue Edge(SampleSeries s, long t, TimeSpan updatePeriod, string which)
    {
        int i = LastAtOrBefore(s.Ticks, t);
        if (i < 0) return new EdgeValue(0, 0, 0, $"no energy sample at or before the window {which}");
        if (i + 1 >= s.Count) return new EdgeValue(0, 0, 0, $"no energy sample after the window {which}");
        long settle = t + (long)(updatePeriod.TotalSeconds * Stopwatch.Frequency);
        int j = i + 1;
        while (j < s.Count && s.Ticks[j] < settle) j++;
        if (j >= s.Count) return new EdgeValue(0, 0, 0, $"no energy sample one update period after the window {which}");
        double f = (t - s.Ticks[i]) / (double)(s.Ticks[i + 1] - s.Ticks[i]);
        double value = s.Joules[i] + f * (s.Joules[i + 1] - s.Joules[i]);
        return new EdgeValue(value, s.Joules[i], s.Joules[j], null);
    }

    /// <summary>Index of the last sample at or before <paramref name="t"/>, or -1.</summary>
    public static int LastAtOrBefore(long[] ticks, long t)
    {
        int lo = 0, hi = ticks.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ticks[mid] <= t) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
