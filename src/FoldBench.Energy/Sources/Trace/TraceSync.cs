using System.Diagnostics;

namespace FoldBench.Energy.Sources.Trace;

/// <summary>
/// Aligns an external meter's clock with the host: FoldBench loads every core in a fixed, asymmetric busy/idle
/// pattern, then finds the time offset at which the trace's power correlates best with that pattern.
/// </summary>
public static class TraceSync
{
    /// <summary>The pulse: alternating busy/idle segments (seconds), busy first. Asymmetric so only one shift fits.</summary>
    public static readonly IReadOnlyList<double> DefaultPattern = [1.0, 0.6, 0.4, 1.0, 1.6, 0.8];

    /// <summary>One emitted segment on the host clock (Unix seconds).</summary>
    public readonly record struct Segment(double StartUnix, double EndUnix, bool Busy);

    /// <summary>Spins every core during busy segments and sleeps during idle ones; returns what was emitted, in host Unix time.</summary>
    public static List<Segment> Emit(IReadOnlyList<double> pattern, ClockAnchor anchor)
    {
        var segments = new List<Segment>();
        for (int i = 0; i < pattern.Count; i++)
        {
            bool busy = i % 2 == 0;
            long start = Stopwatch.GetTimestamp();
            long end = start + (long)(pattern[i] * Stopwatch.Frequency);
            if (busy)
            {
                var threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
                {
                    double x = 1;
                    while (Stopwatch.GetTimestamp() < end) x = x * 1.0000001 + 1e-9;
                    GC.KeepAlive(x);
                }) { IsBackground = true, Name = "FoldBench sync pulse" }).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
            }
            else
            {
                Thread.Sleep(TimeSpan.FromSeconds(pattern[i]));
            }
            segments.Add(new Segment(anchor.ToUnix(start), anchor.ToUnix(Stopwatch.GetTimestamp()), busy));
        }
        return segments;
    }

    public sealed record Result(double OffsetSeconds, double Correlation);

    /// <summary>
    /// The offset o (trace time + o = host Unix time) maximizing the normalized correlation between the trace's
    /// power and the pulse, searched over <paramref name="searchFrom"/>..<paramref name="searchTo"/>: first in 10 ms
    /// steps (10 ms template), then in 0.5 ms steps (1 ms template) around the best. Null when the trace does not
    /// cover any candidate.
    /// </summary>
    public static Result? FindOffset(IReadOnlyList<(double Time, double Watts)> power, IReadOnlyList<Segment> pulse, double searchFrom, double searchTo)
    {
        if (power.Count < 4 || pulse.Count == 0 || searchTo < searchFrom) return null;
        double start = pulse[0].StartUnix, end = pulse[^1].EndUnix;
        // Offsets for which the whole pulse falls inside the trace.
        double lo = Math.Max(searchFrom, end - power[^1].Time), hi = Math.Min(searchTo, start - power[0].Time);
        if (hi < lo) return null;
        Result? best = null;
        for (double o = lo; o <= hi; o += 0.01)
            best = Better(best, o, Correlate(power, pulse, 0.01, o));
        if (best is null) return null;
        double center = best.OffsetSeconds;
        for (double o = Math.Max(lo, center - 0.01); o <= Math.Min(hi, center + 0.01); o += 0.0005)
            best = Better(best, o, Correlate(power, pulse, 0.001, o));
        return best;
    }

    /// <summary>Normalized correlation of the trace's power with the pulse's 0/1 template, sampled every <paramref name="step"/> s of host time.</summary>
    private static double Correlate(IReadOnlyList<(double Time, double Watts)> power, IReadOnlyList<Segment> pulse, double step, double offset)
    {
        double start = pulse[0].StartUnix;
        int n = (int)((pulse[^1].EndUnix - start) / step);
        int j = LastAtOrBefore(power, start - offset), seg = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int k = 0; k < n; k++)
        {
            double host = start + k * step;
            while (seg + 1 < pulse.Count && host >= pulse[seg].EndUnix) seg++;
            double y = pulse[seg].Busy && host >= pulse[seg].StartUnix ? 1 : 0;
            double tau = host - offset; // host time → trace time
            while (j + 1 < power.Count && power[j + 1].Time <= tau) j++;
            double p = power[j].Watts;
            sx += p; sy += y; sxx += p * p; syy += y * y; sxy += p * y;
        }
        double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
        return vx <= 0 || vy <= 0 ? double.NaN : cov / Math.Sqrt(vx * vy);
    }

    private static int LastAtOrBefore(IReadOnlyList<(double Time, double Watts)> power, double tau)
    {
        int lo = 0, hi = power.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (power[mid].Time <= tau) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    private static Result? Better(Result? best, double offset, double r) =>
        double.IsNaN(r) || (best is not null && best.Correlation >= r) ? best : new Result(offset, r);
}

/// <summary>A simultaneous reading of the Stopwatch and the wall clock: converts between host Unix seconds and Stopwatch ticks.</summary>
public sealed record ClockAnchor(long Ticks, double UnixSeconds)
{
    public static ClockAnchor Now()
    {
        long before = Stopwatch.GetTimestamp();
        double unix = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        long after = Stopwatch.GetTimestamp();
        return new ClockAnchor(before + (after - before) / 2, unix);
    }

    public double ToUnix(long ticks) => UnixSeconds + (ticks - Ticks) / (double)Stopwatch.Frequency;

    public long ToTicks(double unixSeconds) => Ticks + (long)Math.Round((unixSeconds - UnixSeconds) * Stopwatch.Frequency);
}
