using FoldBench.Benchmarks.Suites;

namespace FoldBench.Cli.Tests;

/// <summary>The bandwidth calibration must read every element exactly once, whatever the length.</summary>
public class CalibrationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(255)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void ReadSumCountsEveryElementOnce(int length)
    {
        // Small integers keep every partial sum exact in fp32 (total < 2^24), so equality is exact.
        var rng = new Random(length);
        var data = new float[length];
        long expected = 0;
        for (int i = 0; i < length; i++)
        {
            int v = rng.Next(1, 8);
            data[i] = v;
            expected += v;
        }
        Assert.Equal(expected, (long)CalibrationBenchmarks.ReadSum(data));
    }

    [Fact]
    public void ReadSumSeesEachQuarterAndTheTail()
    {
        // One marked element at a time: a stream or tail that is skipped (or read twice) shows.
        var data = new float[4 * 96 + 3];
        for (int i = 0; i < data.Length; i++)
        {
            Array.Clear(data);
            data[i] = 1;
            Assert.True(CalibrationBenchmarks.ReadSum(data) == 1f, $"element {i} read {CalibrationBenchmarks.ReadSum(data)} times");
        }
    }
}
