using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Tests;

public class UnitsTests
{
    [Theory]
    [InlineData(512.0, "512 B")]
    [InlineData(1536.0, "1.50 KiB")]
    [InlineData(4.0 * 1024 * 1024 + 8192, "4.01 MiB")]
    [InlineData(254_000_000.0, "242 MiB")]
    [InlineData(3.0 * 1024 * 1024 * 1024, "3.00 GiB")]
    public void Bytes_UseBinaryUnitsAndThreeSignificantDigits(double bytes, string expected) =>
        Assert.Equal(expected, Units.Bytes(bytes));

    [Theory]
    [InlineData(950.0, "950 ns")]
    [InlineData(1234.0, "1.23 µs")]
    [InlineData(72_300.0, "72.3 µs")]
    [InlineData(14_012_345.0, "14.0 ms")]
    [InlineData(2.5e9, "2.50 s")]
    public void Time_PicksTheLargestUnitAboveOne(double ns, string expected) => Assert.Equal(expected, Units.Time(ns));

    [Fact]
    public void Energy_ShowsTheBoundInTheValuesUnit()
    {
        Assert.Equal("96.7 ± 3.93 mJ", Units.Energy(0.0967, 0.00393));
        Assert.Equal("450 µJ", Units.Energy(0.000450));
    }

    [Theory]
    [InlineData(0.0123, "12.3 mJ")]
    [InlineData(4.2e-7, "420 nJ")]
    [InlineData(6.103515625e-5, "61.0 µJ")]   // 2^-14 J, the RAPL energy unit: `sensors` shows it as the resolution
    [InlineData(262143.328850, "262,143 J")]  // a powercap counter's wrap-around (max_energy_range_uj = 262143328850)
    public void Energy_PicksAnSiPrefix(double joules, string expected) => Assert.Equal(expected, Units.Energy(joules));

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(59.9, "0:59")]
    [InlineData(61, "1:01")]
    [InlineData(3600, "1:00:00")]
    [InlineData(90000, "25:00:00")] // a day and an hour: hours keep counting
    public void ClockFaces(double seconds, string expected) => Assert.Equal(expected, Units.Clock(TimeSpan.FromSeconds(seconds)));


    [Fact]
    public void Saving_IsPositiveWhenTheFoldedValueIsSmaller()
    {
        Assert.Equal(20.0, Units.Saving(100, 80)!.Value, 9);
        Assert.Equal(-10.0, Units.Saving(100, 110)!.Value, 9);
        Assert.Null(Units.Saving(null, 80));
        Assert.Null(Units.Saving(0, 80));
        Assert.Equal("25.0%", Units.SavingText(4, 3));
    }

    [Fact]
    public void MissingValues_AreADashNeverZero()
    {
        Assert.Equal(Units.Missing, Units.Bytes(null));
        Assert.Equal(Units.Missing, Units.Time(null));
        Assert.Equal(Units.Missing, Units.Energy(null, 0.1));
        Assert.Equal(Units.Missing, Units.Percent(null));
        Assert.Equal("138,296", Units.Number(138296.4));
        Assert.Equal(Units.Missing, Units.Integer(null));
        Assert.Equal("2048", Units.Integer(2048)); // a dimension: no thousands separator
    }
}
