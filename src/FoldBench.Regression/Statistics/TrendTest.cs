namespace FoldBench.Regression.Statistics;

/// <summary>The Mann-Kendall test's verdict on one series and the Theil-Sen slope that sizes it.</summary>
/// <param name="S">Σ sign(xⱼ − xᵢ) over all pairs i &lt; j: positive when later values tend to be larger.</param>
/// <param name="PValue">Two-sided p-value of "no monotonic trend".</param>
/// <param name="SenSlope">Median of the pairwise slopes (xⱼ − xᵢ)/(j − i), in the series' units per step.</param>
public sealed record TrendResult(double S, double PValue, double SenSlope);

/// <summary>
/// Monotonic trend in a series of iterations: the Mann-Kendall test (rank-based, so outliers and skew
/// do not matter) and the Theil-Sen slope.
/// </summary>
/// <remarks>
/// Hand-written: Perfolizer 0.6.1 has change-point detectors (ED-PELT, RQQ-PELT) but no trend test and
/// no Theil-Sen estimator. S has mean 0 and variance n(n−1)(2n+5)/18 under the null hypothesis, less
/// Σ t(t−1)(2t+5)/18 over groups of t tied values; p comes from the normal approximation with
/// continuity correction, which is close from about 8 values on (Kendall 1975; Hipel and McLeod 1994).
/// </remarks>
public static class TrendTest
{
    public static TrendResult Run(IReadOnlyList<double> series)
    {
        int n = series.Count;
        if (n < 3) return new TrendResult(0, 1, 0);
        double s = 0;
        var slopes = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n - 1; i++)
            for (int j = i + 1; j < n; j++)
            {
                double d = series[j] - series[i];
                s += Math.Sign(d);
                slopes[k++] = d / (j - i);
            }

        double variance = n * (n - 1.0) * (2 * n + 5) / 18.0;
        foreach (int t in TieGroupSizes(series)) variance -= t * (t - 1.0) * (2 * t + 5) / 18.0;
        double p = 1.0;
        if (variance > 0 && s != 0)
        {
            double z = (Math.Abs(s) - 1) / Math.Sqrt(variance);
            p = Math.Min(1.0, 2 * NormalDistribution.UpperTail(z));
        }
        return new TrendResult(s, p, SampleStats.Median(slopes));
    }

    private static IEnumerable<int> TieGroupSizes(IReadOnlyList<double> series)
    {
        var sorted = series.ToArray();
        Array.Sort(sorted);
        for (int start = 0; start < sorted.Length;)
        {
            int end = start;
            while (end + 1 < sorted.Length && sorted[end + 1] == sorted[start]) end++;
            if (end > start) yield return end - start + 1;
            start = end + 1;
        }
    }
}
