using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.QuantileEstimators;

namespace FoldBench.Regression.Statistics;

/// <summary>
/// Order statistics of one measurement set (robust ones: timing data is skewed and has outliers), from
/// Perfolizer; the geometric mean of ratios is FoldBench's own.
/// </summary>
public static class SampleStats
{
    public static double Median(IReadOnlyList<double> values) => Quantile(values, 0.5);

    /// <summary>Linear-interpolation quantile (Hyndman-Fan type 7, the R and NumPy default).</summary>
    public static double Quantile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) throw new ArgumentException("quantile of an empty set", nameof(values));
        return HyndmanFanQuantileEstimator.Type7.Quantile(values, Math.Clamp(p, 0, 1));
    }

    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : Moments.Create(values).Mean;

    /// <summary>Sample standard deviation (n − 1); 0 for fewer than two values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values) =>
        values.Count < 2 ? 0 : Moments.Create(values).StandardDeviation;

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
