using System.Globalization;

namespace FoldBench.Energy;

/// <summary>Energy and power figures for people: SI prefixes, so per-op values from nJ to J stay readable.</summary>
public static class EnergyUnits
{
    /// <summary>"1.234 mJ", "12.3 W".</summary>
    public static string Format(double v, string unit)
    {
        double a = Math.Abs(v);
        (double scale, string prefix) = a == 0 ? (1, "") : a >= 1 ? (1, "") : a >= 1e-3 ? (1e3, "m") : a >= 1e-6 ? (1e6, "µ") : (1e9, "n");
        return (v * scale).ToString("0.###", CultureInfo.InvariantCulture) + " " + prefix + unit;
    }
}
