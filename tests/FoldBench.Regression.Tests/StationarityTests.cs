using FoldBench.Regression.Comparison;
using FoldBench.Regression.Statistics;

namespace FoldBench.Regression.Tests;

/// <summary>The stationarity check of one side, and what a comparison does with a side that is not steady.</summary>
public class StationarityTests
{
    /// <summary>Issue 18's late tier-up: one benchmark's 15 actual iterations, ns, in the order measured.</summary>
    internal static readonly double[] TierUp = [63.0, 65.3, 65.2, 64.4, 65.6, 65.0, 65.9, 65.5, 64.7, 64.8, 52.3, 27.6, 27.9, 27.5, 27.6];

    /// <summary>The first run of the same benchmark "read 26–28 ns throughout" (values written here, in that range).</summary>
    internal static readonly double[] SteadyBase = [26.8, 27.1, 26.4, 27.9, 26.9, 27.3, 26.2, 27.6, 27.0, 26.6, 27.4, 26.9, 27.8, 26.5, 27.2];

    /// <summary>A monotonic drift: about +2 per iteration from 100 (a clock falling as the chip heats), values written here.</summary>
    internal static readonly double[] Drifting = [100.4, 101.7, 104.3, 106.1, 107.6, 110.2, 111.9, 114.3, 115.8, 118.4, 119.7, 122.1, 124.4, 125.8, 128.3];

    private static CaseComparison One(IReadOnlyList<double> b, IReadOnlyList<double> c, ComparisonOptions? o = null) =>
        Comparer.Compare(Synthetic.Set("base", Synthetic.Case("k", b)), Synthetic.Set("cur", Synthetic.Case("k", c)), o ?? new ComparisonOptions())
                .Cases.Single();

    [Fact]
    public void Mann_Kendall_matches_hand_computed_values()
    {
        // 1..10: all 45 pairs rise, S = 45; Var(S) = 10·9·25/18 = 125; z = (45 − 1)/√125 = 3.9355;
        // p = 2·P(Z ≥ 3.9355) = 8.303e-5. Every pairwise slope is 1, so the Theil-Sen slope is 1.
        var t = TrendTest.Run([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        Assert.Equal(45, t.S);
        Assert.Equal(8.303e-5, t.PValue, 1e-7);
        Assert.Equal(1, t.SenSlope);

        // 1, 1, 2, 2: pairs (1,1) and (2,2) tie, the four others rise: S = 4. Var(S) = 4·3·13/18 minus
        // 2·(2·1·9/18) for the two tie groups = 8.667 − 2 = 6.667; z = 3/√6.667 = 1.1619; p = 0.2453.
        var tied = TrendTest.Run([1, 1, 2, 2]);
        Assert.Equal(4, tied.S);
        Assert.Equal(0.2453, tied.PValue, 1e-4);
    }

    [Fact]
    public void The_issue_tier_up_is_a_step_down_at_iteration_11_with_too_few_iterations_after_it()
    {
        var s = Stationarity.Analyze(TierUp, 0.05, 0.3);
        Assert.Equal(SeriesShape.Step, s.Shape);
        Assert.Equal(2, s.Segments.Count);
        // Iterations 1–10 (median of 63.0 … 65.9 sorted: (65.0 + 65.2)/2 = 65.1), then 11–15
        // (52.3, 27.6, 27.9, 27.5, 27.6: median 27.6).
        Assert.Equal(10, s.Segments[1].Start);
        Assert.Equal(65.1, s.Segments[0].Median, 9);
        Assert.Equal(27.6, s.Segments[1].Median, 9);
        // 52.3 is nearer 65.1 than 27.6, so it is still on its way down: 4 steady iterations are left, fewer
        // than the 5 needed to judge them on their own.
        Assert.Null(s.SteadyLevel);
        Assert.True(Stationarity.LevelChangeP(TierUp) < Stationarity.Alpha);
    }

    [Fact]
    public void A_steady_run_and_a_drifting_run_are_told_apart()
    {
        Assert.Equal(SeriesShape.Steady, Stationarity.Analyze(SteadyBase, 0.05, 0.3).Shape);

        var d = Stationarity.Analyze(Drifting, 0.05, 0.3);
        Assert.Equal(SeriesShape.Drift, d.Shape);
        Assert.Null(d.SteadyLevel);
        // Every pair rises: S = 105, p far below 0.01; the Theil-Sen line climbs about 2 per iteration,
        // 28 over the run, against a median of 114.3: about +25%.
        Assert.Equal(105, d.Trend!.S);
        Assert.InRange(d.DriftFraction!.Value, 0.22, 0.27);
    }

    [Fact]
    public void A_step_down_with_enough_iterations_after_it_leaves_a_steady_level()
    {
        double[] warm = [61, 60, 62, 59, 60, 30.2, 29.8, 30.1, 30.4, 29.9, 30.0, 30.3, 29.7, 30.1, 30.2];
        var s = Stationarity.Analyze(warm, 0.05, 0.3);
        Assert.Equal(SeriesShape.Step, s.Shape);
        Assert.Equal(new Segment(5, 15, 30.1), s.SteadyLevel);
    }

    [Fact]
    public void Steady_series_are_rarely_taken_for_a_change()
    {
        // 400 seeded series each of 15 and 40 iterations with 5% Gaussian noise, and 400 of two interleaved
        // modes 20% apart: the check runs at α = 0.01 with a permutation test, so about 1% may be flagged.
        int flagged = 0, total = 0;
        foreach (int n in new[] { 15, 40 })
            for (int seed = 0; seed < 400; seed++)
            {
                total += 2;
                if (!Stationarity.Analyze(Synthetic.Normal(seed, n, 1000, 0.05), 0.05, 0.3).IsSteady) flagged++;
                if (!Stationarity.Analyze(Synthetic.Bimodal(seed, n, 1000, 0.2, 0.5, 0.01), 0.05, 0.3).IsSteady) flagged++;
            }
        Assert.InRange(flagged, 0, total * 2 / 100);
    }

    [Fact]
    public void The_issue_tier_up_pair_is_unstable_never_slower()
    {
        var r = One(SteadyBase, TierUp);
        Assert.Equal(Verdict.Unstable, r.Verdict);
        Assert.Contains(r.Notes, n => n.StartsWith("CURRENT steps down at iteration 11 of 15 (65.1 ns → 27.6 ns); likely", StringComparison.Ordinal));
        Assert.Contains(r.Notes, n => n.Contains("tier-0 code measured before the step", StringComparison.Ordinal));
        Assert.Contains(r.Notes, n => n.StartsWith("not judged: CURRENT is not one steady state", StringComparison.Ordinal));
        Assert.Equal(TierUp, r.CurrentSeries);
        Assert.Equal(SeriesShape.Step, r.CurrentStationarity!.Shape);

        var report = Comparer.Compare(Synthetic.Set("base", Synthetic.Case("k", SteadyBase)), Synthetic.Set("cur", Synthetic.Case("k", TierUp)), new ComparisonOptions());
        Assert.Equal(0, report.ExitCode);
        var strict = Comparer.Compare(Synthetic.Set("base", Synthetic.Case("k", SteadyBase)), Synthetic.Set("cur", Synthetic.Case("k", TierUp)), new ComparisonOptions { FailOnUnstable = true });
        Assert.Equal(3, strict.ExitCode);
    }

    [Fact]
    public void A_drifting_side_is_unstable_never_slower()
    {
        double[] steady = [100.2, 99.8, 100.5, 99.6, 100.1, 100.4, 99.9, 100.0, 100.3, 99.7, 100.2, 99.9, 100.1, 100.6, 99.8];
        var r = One(steady, Drifting);
        Assert.Equal(Verdict.Unstable, r.Verdict);
        Assert.Contains(r.Notes, n => n.StartsWith("CURRENT drifts up", StringComparison.Ordinal) && n.Contains("throttling", StringComparison.Ordinal));
    }

    [Fact]
    public void A_warm_up_that_settled_is_judged_on_its_steady_level_and_says_so()
    {
        double[] warm = [61, 60, 62, 59, 60, 30.2, 29.8, 30.1, 30.4, 29.9, 30.0, 30.3, 29.7, 30.1, 30.2];
        double[] steady = [30.0, 30.3, 29.8, 30.1, 30.2, 29.9, 30.4, 30.0, 29.7, 30.1, 30.2, 29.9, 30.3, 30.0, 29.8];
        var r = One(steady, warm);
        Assert.Equal(Verdict.Same, r.Verdict);
        Assert.Equal("CURRENT iterations 6–15 of 15 (after the step down)", r.JudgedOn);
        Assert.Contains(r.Notes, n => n == "judged on CURRENT iterations 6–15 of 15 (after the step down)");

        // The same warm-up on code 20% slower: the steady level is 36, and that is a regression.
        var slow = One(steady, warm.Select((v, i) => i < 5 ? v : v * 1.2).ToArray());
        Assert.Equal(Verdict.Slower, slow.Verdict);
    }

    [Fact]
    public void Load_that_arrives_mid_run_is_judged_before_it_arrived()
    {
        // 8 iterations at 120 (a real 20% slowdown), then load: 7 iterations around 200.
        double[] loaded = [120.3, 119.8, 120.6, 119.9, 120.1, 120.4, 119.7, 120.2, 199, 203, 198, 201, 205, 197, 202];
        double[] steady = [100.2, 99.8, 100.5, 99.6, 100.1, 100.4, 99.9, 100.0, 100.3, 99.7, 100.2, 99.9, 100.1, 100.6, 99.8];
        var r = One(steady, loaded);
        Assert.Equal(Verdict.Slower, r.Verdict);
        Assert.Equal("CURRENT iterations 1–8 of 15 (before the step up)", r.JudgedOn);
        Assert.Contains(r.Notes, n => n.StartsWith("CURRENT steps up at iteration 9 of 15", StringComparison.Ordinal) && n.Contains("other load", StringComparison.Ordinal));
    }
}
