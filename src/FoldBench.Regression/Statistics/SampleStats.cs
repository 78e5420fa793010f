namespace FoldBench.Regression.Statistics;

/// <summary>Order statistics of one measurement set (robust ones: timing data is skewed and has outliers).</summary>
public static class SampleStats
{
    public static double Median(IReadOnlyList<double> values) => Quantile(values, 0.5);

    /// <summary>Linear-interpolation quantile (type 7, the R and NumPy default).</summary>
    public static double Quantile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) throw new ArgumentException("quantile of an empty set", nameof(values));
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return QuantileOfSorted(sorted, p);
    }

    public static double QuantileOfSorted(double[] sorted, double p)
    {
        if (sorted.Length == 1) return sorted[0];
        double h = (sorted.Length - 1) * Math.Clamp(p, 0, 1);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Sample standard deviation (n − 1).</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        double ss = 0;
        foreach (var v in values) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (values.Count - 1));
    }

    /// <summary>Geometric mean of positive ratios (the fair average of speed-ups and slow-downs).</summary>
    public static double GeometricMean(IEnumerable<double> ratios)
    {
        double logSum = 0;
        int n = 0;
        foreach (var r in ratios)
        {
            if (!(r > 0) || double.IsInfinity(r)) continue;
            logSum += Math.Log(r);
            n++;
        }
        return n == 0 ? double.NaN : Math.Exp(logSum / n);
    }
}
