using System.Globalization;
using FoldBench.Regression.Statistics;
using FoldBench.Results.Formatting;

namespace FoldBench.Regression.Comparison;

/// <summary>The sentences that name a side's step or drift and its likely causes (shared by every output form).</summary>
public static class StationarityText
{
    /// <summary>"CURRENT steps down at iteration 11 of 15 (64.8 ns → 27.6 ns); likely …".</summary>
    /// <param name="tiering">Whether the side ran with tiered compilation (null: its file does not say).</param>
    public static string Describe(string side, StationarityResult s, int count, bool? tiering)
    {
        var seg = s.Segments;
        string levels = string.Join(" → ", seg.Select(x => Units.Time(x.Median)));
        bool down = seg.Count > 1 && Enumerable.Range(1, seg.Count - 1).All(i => seg[i].Median < seg[i - 1].Median);
        bool up = seg.Count > 1 && Enumerable.Range(1, seg.Count - 1).All(i => seg[i].Median > seg[i - 1].Median);
        string what = s.Shape switch
        {
            SeriesShape.Step => $"{side} steps {(down ? "down" : "up")} at iteration {seg[1].Start + 1} of {count} ({levels})",
            SeriesShape.Steps => $"{side} changes level {seg.Count - 1} times, at iterations {string.Join(", ", seg.Skip(1).Select(x => x.Start + 1))} of {count} ({levels})",
            SeriesShape.Drift => $"{side} drifts {((s.DriftFraction ?? 0) > 0 ? "up" : "down")} {Units.FractionAsShortPercent(Math.Round(Math.Abs(s.DriftFraction ?? 0), 2))} " +
                                 $"over its {count} iterations (Mann-Kendall p = {(s.Trend?.PValue ?? 1).ToString("0.####", CultureInfo.InvariantCulture)})",
            _ => $"{side} steady",
        };
        return $"{what}; likely {Causes(s, down, up, tiering)}";
    }

    private static string Causes(StationarityResult s, bool down, bool up, bool? tiering)
    {
        if (s.Shape == SeriesShape.Drift)
            return (s.DriftFraction ?? 0) > 0
                ? "throttling (the clock falling as the chip heats) or load building up on the machine"
                : "a warm-up still in progress (JIT tiering, caches, the CPU clock)";
        if (down)
            return tiering switch
            {
                true => "tier-0 code measured before the step: tiered compilation was on and the JIT promoted the method mid-measurement (call counting or OSR); or a warm-up that ended late",
                false => "a warm-up that ended late (caches, the CPU clock); tiered compilation was off",
                null => "the JIT promoting the method mid-measurement (tiered compilation or OSR: tier-0 code measured before the step), or a warm-up that ended late",
            };
        if (up) return "other load on the machine from then on, or thermal or power throttling";
        return "load that came and went, or throttling";
    }

    /// <summary>"CURRENT iterations 12–15 of 15 (its steady level after the step down)".</summary>
    public static string SteadyLevel(string side, StationarityResult s, Segment level, int count)
    {
        var seg = s.Segments;
        int k = 0;
        for (int i = 1; i < seg.Count; i++) if (seg[i].Median < seg[k].Median) k = i;
        string where = k == seg.Count - 1 ? "after the step down" : k == 0 ? "before the step up" : "its fastest level";
        if (seg.Count > 2) where = k == seg.Count - 1 ? "after the last step down" : k == 0 ? "before the first step up" : "its fastest level, between steps";
        return $"{side} iterations {level.Start + 1}–{level.End} of {count} ({where})";
    }
}
