namespace FoldBench.Energy.Tests;

public class EnergyUnitsTests
{
    [Theory]
    [InlineData(0.0123, "J", "12.3 mJ")]
    [InlineData(4.2e-7, "J", "420 nJ")]
    [InlineData(17.25, "W", "17.25 W")]
    [InlineData(-0.002, "W", "-2 mW")]
    public void Values_use_si_prefixes(double value, string unit, string expected) =>
        Assert.Equal(expected, EnergyUnits.Format(value, unit));
}
