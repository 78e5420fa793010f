using System.Globalization;

namespace FoldBench.Results.Formatting;

/// <summary>
/// Human units for report cells, chart axes, comparison tables and the model report. One place, so
/// a table and the chart beside it never disagree about what "MiB" or "ms" means. Bytes are binary
/// (KiB = 1024 B). It lives in FoldBench.Results, the one project that Reporting, Regression, Energy,
/// Model and the command line all reference and that itself references nothing.
/// </summary>
public static class Units
{
    /// <summary>An absent value in a report cell.</summary>
    public const string Missing = "—";
    /// <summary>A value that could not be computed (NaN) in a comparison line.</summary>
    public const string NotAvailable = "n/a";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A scale for a set of values: divide by <see cref="Divisor"/> and label with <see cref="Symbol"/>.</summary>
    public readonly record struct Scale(double Divisor, string Symbol);

    private static readonly Scale[] ByteScales = [new(1, "B"), new(1024, "KiB"), new(1024.0 * 1024, "MiB"), new(1024.0 * 1024 * 1024, "GiB")];
    private static readonly Scale[] TimeScalesNs = [new(1, "ns"), new(1e3, "µs"), new(1e6, "ms"), new(1e9, "s")];
    private static readonly Scale[] EnergyScalesJ = [new(1e-9, "nJ"), new(1e-6, "µJ"), new(1e-3, "mJ"), new(1, "J")];

    /// <summary>The largest unit in which <paramref name="magnitude"/> is still ≥ 1.</summary>
    private static Scale Pick(Scale[] scales, double magnitude)
    {
        double m = Math.Abs(magnitude);
        var pick = scales[0];
        foreach (var s in scales)
            if (m >= s.Divisor) pick = s;
        return pick;
    }

    public static Scale ByteScale(double magnitude) => Pick(ByteScales, magnitude);
    public static Scale TimeScale(double nanoseconds) => Pick(TimeScalesNs, nanoseconds);
    public static Scale EnergyScale(double joules) => Pick(EnergyScalesJ, joules);

    /// <summary>Three significant digits below 1000 ("1.23", "12.3", "123"), whole numbers above ("1,234").</summary>
    public static string Sig3(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return Missing;
        double a = Math.Abs(v);
        string fmt = a >= 1000 ? "#,0" : a >= 100 || a == 0 ? "0" : a >= 10 ? "0.0" : a >= 1 ? "0.00" : "0.00#";
        if (a > 0 && a < 0.01) return v.ToString("0.##E+0", Inv);
        return v.ToString(fmt, Inv);
    }

    public static string Bytes(double? bytes)
    {
        if (bytes is not double b) return Missing;
        var s = ByteScale(b);
        return $"{Sig3(b / s.Divisor)} {s.Symbol}";
    }

    public static string Time(double? nanoseconds)
    {
        if (nanoseconds is not double ns) return Missing;
        var s = TimeScale(ns);
        return $"{Sig3(ns / s.Divisor)} {s.Symbol}";
    }

    public static string Energy(double? joules)
    {
        if (joules is not double j) return Missing;
        var s = EnergyScale(j);
        return $"{Sig3(j / s.Divisor)} {s.Symbol}";
    }

    /// <summary>Energy with its ± bound in the same unit as the value.</summary>
    public static string Energy(double? joules, double? uncertainty)
    {
        if (joules is not double j) return Missing;
        if (uncertainty is not double u) return Energy(j);
        var s = EnergyScale(j);
        return $"{Sig3(j / s.Divisor)} ± {Sig3(u / s.Divisor)} {s.Symbol}";
    }

    public static string Watts(double? watts) => watts is double w ? $"{Sig3(w)} W" : Missing;

    /// <summary>A value that is already a percentage (0–100).</summary>
    public static string Percent(double? percent) => percent is double p ? p.ToString("0.0", Inv) + "%" : Missing;

    /// <summary>A fraction (0.05) shown as a percentage ("5.0%").</summary>
    public static string FractionAsPercent(double? fraction) => fraction is double f ? Percent(f * 100) : Missing;

    public static string Number(double? v) => v is double d ? Sig3(d) : Missing;

    /// <summary>Plain decimal with a fixed number of decimals ("93.1").</summary>
    public static string Fixed(double? v, int decimals) => v is double d ? d.ToString("F" + decimals, Inv) : Missing;

    /// <summary>How much smaller <paramref name="folded"/> is than <paramref name="baseline"/>, in % (negative: larger).</summary>
    public static double? Saving(double? baseline, double? folded) =>
        baseline is double b && folded is double f && b != 0 ? (b - f) / b * 100 : null;

    public static string SavingText(double? baseline, double? folded) => Saving(baseline, folded) is double s ? Percent(s) : Missing;

    /// <summary>
    /// A time with up to three decimals in its unit ("0.42 ns", "12.345 µs", "4.5 ms"): comparisons,
    /// where two close values must not round to the same text. NaN is <see cref="NotAvailable"/>.
    /// </summary>
    public static string TimeDecimals(double nanoseconds)
    {
        if (double.IsNaN(nanoseconds)) return NotAvailable;
        var s = TimeScale(nanoseconds);
        return (nanoseconds / s.Divisor).ToString("0.###", Inv) + " " + s.Symbol;
    }

    /// <summary>A whole count with thousands separators: "1,234,567". NaN is <see cref="NotAvailable"/>.</summary>
    public static string Count(double n) => double.IsNaN(n) ? NotAvailable : n.ToString("#,0", Inv);

    public static string Count(long n) => n.ToString("#,0", Inv);

    /// <summary>A ratio to three decimals: "1.042". NaN is <see cref="NotAvailable"/>.</summary>
    public static string Ratio(double r) => double.IsNaN(r) ? NotAvailable : r.ToString("0.000", Inv);

    /// <summary>A fraction (0.05) as a percentage with at most two decimals and no trailing zeros ("5%", "2.5%").</summary>
    public static string FractionAsShortPercent(double fraction) => (fraction * 100).ToString("0.##", Inv) + "%";

    /// <summary>A duration on a clock face: "4:07", or "1:02:09" from an hour on (progress displays).</summary>
    public static string Clock(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        long hours = (long)t.TotalHours;
        return hours >= 1 ? string.Create(Inv, $"{hours}:{t.Minutes:00}:{t.Seconds:00}") : string.Create(Inv, $"{t.Minutes}:{t.Seconds:00}");
    }

    /// <summary>A whole number as typed, no separators ("512": a dimension, not a count); null is <see cref="Missing"/>.</summary>
    public static string Integer(int? v) => v is int i ? i.ToString(Inv) : Missing;

    /// <summary>A plain number with no trailing zeros ("0.05", "1"), as options are typed.</summary>
    public static string Plain(double v) => v.ToString(Inv);
}
