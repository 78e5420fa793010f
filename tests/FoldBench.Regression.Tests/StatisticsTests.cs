using FoldBench.Regression.Statistics;

namespace FoldBench.Regression.Tests;

public class StatisticsTests
{
    [Fact]
    public void Erfc_matches_reference_values()
    {
        Assert.Equal(1.0, NormalDistribution.Erfc(0), 12);
        Assert.Equal(0.157299207050285, NormalDistribution.Erfc(1), 12);
        Assert.Equal(2.2090496998585438e-05, NormalDistribution.Erfc(3), 15);
        Assert.Equal(1.0, 1.541725790028002e-08 / NormalDistribution.Erfc(4), 10);
        Assert.Equal(1.842700792949715, NormalDistribution.Erfc(-1), 6);
        Assert.Equal(0.0249978951482204, NormalDistribution.UpperTail(1.96), 6);
        Assert.Equal(0.5, NormalDistribution.Cdf(0), 9);
    }

    [Fact]
    public void Exact_test_gives_the_textbook_tail_probabilities()
    {
        // 3 vs 3, complete separation: 1 arrangement in C(6,3) = 20.
        Assert.Equal(1.0 / 20, MannWhitney.PValueGreater([4, 5, 6], [1, 2, 3]), 12);
        Assert.Equal(1.0, MannWhitney.PValueGreater([1, 2, 3], [4, 5, 6]), 12);
        // x = {2, 5, 6} beats y = {1, 3, 4} in 7 of 9 pairs; U ≥ 7 happens in 4 of the 20 arrangements (U = 9, 8, 7, 7).
        Assert.Equal(7, MannWhitney.StatisticU([2, 5, 6], [1, 3, 4]).U);
        Assert.Equal(4.0 / 20, MannWhitney.PValueGreater([2, 5, 6], [1, 3, 4]), 12);
    }

    [Fact]
    public void Normal_approximation_agrees_with_the_exact_distribution()
    {
        var x = Synthetic.Normal(1, 25, 103, 0.04);
        var y = Synthetic.Normal(2, 25, 100, 0.04);
        var (u, _, hasTies) = MannWhitney.StatisticU(x, y);
        Assert.False(hasTies);
        double exact = MannWhitney.ExactUpperTail(25, 25, u);
        double mean = 25 * 25 / 2.0, sd = Math.Sqrt(25 * 25 * 51 / 12.0);
        double approx = NormalDistribution.UpperTail((u - mean - 0.5) / sd);
        Assert.InRange(Math.Abs(exact - approx), 0, 0.005);
        Assert.Equal(exact, MannWhitney.PValueGreater(x, y), 12);
    }

    [Fact]
    public void Ties_are_ranked_by_midrank()
    {
        var (u, tie, hasTies) = MannWhitney.StatisticU([1, 2, 2], [2, 3]);
        // Pairs x > y: none strictly; ties (2,2) twice count ½ each.
        Assert.Equal(1.0, u);
        Assert.True(hasTies);
        Assert.Equal(3 * 3 * 3 - 3, tie);
        Assert.Equal(1.0, MannWhitney.PValueGreater([5, 5, 5, 5], [5, 5, 5, 5])); // all tied: no evidence
    }

    [Theory]
    [InlineData(3, 3, false)]
    [InlineData(3, 4, true)]
    [InlineData(2, 5, true)]
    [InlineData(2, 4, false)]
    [InlineData(1, 19, false)]
    [InlineData(1, 20, true)]
    public void Significance_is_reachable_only_with_enough_samples(int n1, int n2, bool reachable) =>
        Assert.Equal(reachable, EquivalenceTest.CanReachSignificance(n1, n2, 0.05));

    [Fact]
    public void Median_and_quantiles_interpolate()
    {
        Assert.Equal(2.5, SampleStats.Median([4, 1, 3, 2]));
        Assert.Equal(3, SampleStats.Median([5, 1, 3]));
        Assert.Equal(1.75, SampleStats.Quantile([1, 2, 3, 4], 0.25));
        Assert.Equal(2.0, SampleStats.GeometricMean([1, 4]), 12);
    }

    [Fact]
    public void Modality_finds_two_clusters_and_only_one_in_plain_noise()
    {
        int falseNormal = 0, falseShared = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            Assert.Equal(2, Modality.CountModes(Synthetic.Bimodal(seed, 30, 100, 0.15, 0.5, 0.01)));
            Assert.Equal(2, Modality.CountModes(Synthetic.Bimodal(seed, 40, 100, 0.2, 0.25, 0.01)));
            if (Modality.CountModes(Synthetic.Normal(seed, 30, 100, 0.03)) > 1) falseNormal++;
            if (Modality.CountModes(Synthetic.SharedMachine(new Random(seed), 30, 100, 1.0)) > 1) falseShared++;
        }
        // A warning, not a verdict: a few percent of false flags on unimodal data is the documented rate.
        Assert.InRange(falseNormal, 0, 10);
        Assert.InRange(falseShared, 0, 10);
        Assert.Equal(1, Modality.CountModes([1, 2, 3]));               // too few to tell
        Assert.Equal(1, Modality.CountModes(Enumerable.Repeat(7.0, 20).ToList()));
        // Three evenly spaced clusters need about 30 samples each before the over-smoothing bandwidth separates them.
        Assert.Equal(3, Modality.CountModes([.. Synthetic.Normal(1, 30, 100, 0.005), .. Synthetic.Normal(2, 30, 160, 0.005), .. Synthetic.Normal(3, 30, 220, 0.005)]));
        Assert.Equal("bimodal", Modality.Describe(2));
    }
}
