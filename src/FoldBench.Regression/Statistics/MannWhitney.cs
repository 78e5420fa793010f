using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;

namespace FoldBench.Regression.Statistics;

/// <summary>
/// The Mann-Whitney U (Wilcoxon rank-sum) test, one-sided. Rank-based, so it needs no normality and
/// shrugs off the long right tail every timing distribution has.
/// </summary>
/// <remarks>
/// The exact null distribution is Perfolizer's. U with midranks and the tie-corrected normal
/// approximation stay hand-written: Perfolizer 0.6.1's <c>MannWhitneyTest</c> and its normal and
/// Edgeworth approximations take U as a whole number and have no tie correction, and recorded
/// timings (rounded to the clock's resolution) do tie.
/// </remarks>
public static class MannWhitney
{
    /// <summary>Samples up to this size per side, without ties, get the exact null distribution.</summary>
    public const int ExactLimit = 30;

    /// <summary>
    /// p-value of the one-sided alternative "values in <paramref name="x"/> tend to be larger than those in
    /// <paramref name="y"/>" (P(X &gt; Y) &gt; ½).
    /// </summary>
    public static double PValueGreater(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n1 = x.Count, n2 = y.Count;
        if (n1 == 0 || n2 == 0) throw new ArgumentException("the Mann-Whitney test needs samples on both sides");

        var (u, tieCorrection, hasTies) = StatisticU(x, y);
        if (!hasTies && n1 <= ExactLimit && n2 <= ExactLimit)
            return ExactUpperTail(n1, n2, u);

        // Normal approximation with tie correction and continuity correction.
        double n = n1 + n2;
        double mean = n1 * (double)n2 / 2.0;
        double variance = n1 * (double)n2 / 12.0 * ((n + 1) - tieCorrection / (n * (n - 1)));
        if (variance <= 0) return 1.0; // every value tied: U cannot move, so there is no evidence at all
        double z = (u - mean - 0.5) / Math.Sqrt(variance);
        return NormalDistribution.UpperTail(z);
    }

    /// <summary>
    /// U for x: the number of pairs (xᵢ, yⱼ) with xᵢ &gt; yⱼ, ties counting one half. Also returns Σ(t³ − t)
    /// over tie groups of the pooled sample, which the normal approximation's variance needs.
    /// </summary>
    public static (double U, double TieCorrection, bool HasTies) StatisticU(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n1 = x.Count, n2 = y.Count, n = n1 + n2;
        var pooled = new (double Value, bool FromX)[n];
        for (int i = 0; i < n1; i++) pooled[i] = (x[i], true);
        for (int j = 0; j < n2; j++) pooled[n1 + j] = (y[j], false);
        Array.Sort(pooled, (a, b) => a.Value.CompareTo(b.Value));

        double rankSumX = 0, tieCorrection = 0;
        bool hasTies = false;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && pooled[end + 1].Value == pooled[start].Value) end++;
            double midRank = (start + end) / 2.0 + 1.0; // ranks are 1-based
            int groupX = 0;
            for (int k = start; k <= end; k++) if (pooled[k].FromX) groupX++;
            rankSumX += groupX * midRank;
            int t = end - start + 1;
            if (t > 1) { hasTies = true; tieCorrection += (double)t * t * t - t; }
            start = end + 1;
        }
        double u = rankSumX - n1 * (n1 + 1) / 2.0;
        return (u, tieCorrection, hasTies);
    }

    /// <summary>P(U ≥ u) under the null hypothesis, from the exact distribution of U (Perfolizer's Löffler recurrence).</summary>
    public static double ExactUpperTail(int n1, int n2, double u)
    {
        // Perfolizer's Cdf(n, m, u) is P(U < u); u is whole here because the exact path is taken only without ties.
        int whole = (int)Math.Ceiling(u - 1e-9);
        return whole <= 0 ? 1.0 : Math.Max(0.0, 1.0 - MannWhitneyLoefflerExactCdf.Instance.Cdf(n1, n2, whole));
    }
}
