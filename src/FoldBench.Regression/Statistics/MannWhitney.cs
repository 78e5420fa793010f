namespace FoldBench.Regression.Statistics;

/// <summary>
/// The Mann-Whitney U (Wilcoxon rank-sum) test, one-sided. Rank-based, so it needs no normality and
/// shrugs off the long right tail every timing distribution has.
/// </summary>
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

    /// <summary>
    /// P(U ≥ u) under the null hypothesis, from the exact distribution of U. The count of arrangements
    /// giving each U follows c(a, b, u) = c(a−1, b, u−b) + c(a, b−1, u): the largest of the a+b values is
    /// either an x (beating all b y's) or a y (beating nothing).
    /// </summary>
    public static double ExactUpperTail(int n1, int n2, double u)
    {
        var dist = ExactDistribution.GetOrAdd((n1, n2), key => CountArrangements(key.N1, key.N2));
        double total = 0, tail = 0;
        int threshold = (int)Math.Ceiling(u - 1e-9);
        for (int v = 0; v < dist.Length; v++)
        {
            total += dist[v];
            if (v >= threshold) tail += dist[v];
        }
        return tail / total;
    }

    // A comparison run asks for the same few sample sizes over and over.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int N1, int N2), double[]> ExactDistribution = new();

    private static double[] CountArrangements(int n1, int n2)
    {
        int maxU = n1 * n2;
        // counts[b][u] for the current a, rolled over a; doubles because C(60, 30) overflows long.
        var prev = new double[n2 + 1][];
        for (int b = 0; b <= n2; b++) { prev[b] = new double[maxU + 1]; prev[b][0] = 1; } // a = 0: one arrangement, U = 0
        for (int a = 1; a <= n1; a++)
        {
            var cur = new double[n2 + 1][];
            cur[0] = new double[maxU + 1];
            cur[0][0] = 1; // b = 0: U = 0
            for (int b = 1; b <= n2; b++)
            {
                cur[b] = new double[maxU + 1];
                int top = a * b;
                for (int v = 0; v <= top; v++)
                {
                    double c = cur[b - 1][v];
                    if (v - b >= 0) c += prev[b][v - b];
                    cur[b][v] = c;
                }
            }
            prev = cur;
        }
        return prev[n2];
    }
}
