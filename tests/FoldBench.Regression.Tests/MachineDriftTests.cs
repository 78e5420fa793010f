using FoldBench.Regression.Comparison;
using FoldBench.Regression.Loading;

namespace FoldBench.Regression.Tests;

/// <summary>Most cases moving by one factor, with no same-run reference: the machine, not the code.</summary>
public class MachineDriftTests
{
    private static readonly double[] Centers = [120, 450, 1_300, 2_700, 9_800, 31_000];

    /// <summary>Six cases, 15 iterations each with 1% noise; CURRENT's case i is BASE's × factors[i].</summary>
    private static (ResultSet Base, ResultSet Current) Pair(params double[] factors)
    {
        var b = Centers.Select((c, i) => Synthetic.Case($"k{i}", Synthetic.Normal(10 + i, 15, c, 0.01))).ToArray();
        var cur = Centers.Select((c, i) => Synthetic.Case($"k{i}", Synthetic.Normal(50 + i, 15, c * factors[i], 0.01))).ToArray();
        return (Synthetic.Set("base", b), Synthetic.Set("cur", cur));
    }

    [Fact]
    public void A_uniform_shift_of_one_point_five_five_is_machine_drift_not_six_regressions()
    {
        var (b, c) = Pair(1.55, 1.55, 1.55, 1.55, 1.55, 1.55);
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.NotNull(r.MachineDrift);
        // The common factor is the median of six ratios that are each 1.55 within the 1% noise.
        Assert.InRange(r.MachineDrift!.Factor, 1.53, 1.57);
        Assert.Equal(6, r.MachineDrift.Consistent);
        Assert.All(r.Cases, x => Assert.Equal(Verdict.Drifted, x.Verdict));
        Assert.All(r.Cases, x => Assert.InRange(x.RatioToCommonFactor!.Value, 0.98, 1.02));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, Comparer.Compare(b, c, new ComparisonOptions { FailOnUnstable = true }).ExitCode);
    }

    [Fact]
    public void A_case_that_moved_beyond_the_common_factor_is_still_slower()
    {
        // Five cases with the machine at 1.55; one also 20% slower by the code: 1.55 × 1.2 = 1.86.
        var (b, c) = Pair(1.55, 1.55, 1.55 * 1.2, 1.55, 1.55, 1.55);
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.NotNull(r.MachineDrift);
        var slow = r.Cases.Single(x => x.DisplayName == "k2");
        Assert.Equal(Verdict.Slower, slow.Verdict);
        Assert.InRange(slow.RatioToCommonFactor!.Value, 1.17, 1.23);
        Assert.Contains(slow.Notes, n => n.StartsWith("slower beyond the common factor", StringComparison.Ordinal));
        Assert.Equal(5, r.Count(Verdict.Drifted));
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void A_real_twenty_percent_slowdown_of_one_stable_case_among_unmoved_ones_fails()
    {
        var (b, c) = Pair(1, 1, 1.2, 1, 1, 1);
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.Null(r.MachineDrift);
        Assert.Equal(Verdict.Slower, r.Cases.Single(x => x.DisplayName == "k2").Verdict);
        Assert.Equal(5, r.Count(Verdict.Same));
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void Cases_that_moved_by_different_amounts_are_not_called_drift()
    {
        // Four of six 20% slower, two unmoved: the median ratio is 1.2, but only four of six (less than
        // two thirds) sit at it, so this looks like the code, and four cases fail.
        var (b, c) = Pair(1.2, 1.2, 1, 1.2, 1, 1.2);
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.Null(r.MachineDrift);
        Assert.Equal(4, r.Count(Verdict.Slower));
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void A_same_run_reference_takes_the_place_of_the_drift_check()
    {
        var (b, c) = Pair(1.55, 1.55, 1.55, 1.55, 1.55, 1.55);
        var r = Comparer.Compare(b, c, new ComparisonOptions { NormalizeTo = "k0" });
        Assert.Null(r.MachineDrift);
        Assert.All(r.Cases.Where(x => !x.IsReference), x => Assert.Equal(Verdict.Same, x.Verdict));
    }

    [Fact]
    public void Two_cases_are_too_few_to_tell_the_machine_from_the_code()
    {
        var b = Synthetic.Set("base", Synthetic.Case("a", Synthetic.Normal(1, 15, 100, 0.01)), Synthetic.Case("b", Synthetic.Normal(2, 15, 200, 0.01)));
        var c = Synthetic.Set("cur", Synthetic.Case("a", Synthetic.Normal(3, 15, 155, 0.01)), Synthetic.Case("b", Synthetic.Normal(4, 15, 310, 0.01)));
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.Null(r.MachineDrift);
        Assert.Equal(2, r.Count(Verdict.Slower));
    }
}
