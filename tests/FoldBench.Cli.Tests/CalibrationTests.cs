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

    [Fact]
    public void ReadsStartOnA64ByteLine()
    {
        // The offset lands the data on a cache line whatever the array's own address (unaligned 64-byte loads cost two lines).
        for (int i = 0; i < 8; i++)
        {
            var a = GC.AllocateUninitializedArray<float>(1000 + i, pinned: true);
            int off = CalibrationBenchmarks.AlignedOffset(a);
            Assert.InRange(off, 0, 15);
            unsafe
            {
                fixed (float* p = &a[off]) Assert.Equal(0, (long)p % 64);
            }
        }
    }

    [Fact]
    public void TheCalibrationReadsEachFootprintOnceBesideTheLevels()
    {
        var config = BenchmarkDotNet.Configs.ManualConfig.CreateEmpty().AddJob(BenchmarkDotNet.Jobs.Job.Dry);
        var caches = FoldBench.Benchmarks.Sweep.CacheInfo.WithSweep(new Dictionary<int, long> { [1] = 48L << 10, [2] = 1L << 20 });
        var roofs = FoldBench.Benchmarks.Sweep.CalibrationRun.Cases(config, caches, [1_050_624, 268_288, 1_050_624, 32]);
        var reads = roofs.Where(r => r.Roof.StartsWith("read-", StringComparison.Ordinal)).Select(r => r.Roof).ToList();
        // Levels first, then each distinct footprint once, smallest first; a footprint under one line is not a buffer.
        Assert.Equal(["read-L1", "read-L2", "read-4MiB", "read-16MiB", "read-memory", "read-fp-268288", "read-fp-1050624"], reads);
        var fp = roofs.Single(r => r.Roof == "read-fp-1050624").Case;
        Assert.Equal(1_050_624L, Convert.ToInt64(fp.Parameters["BufferBytes"], System.Globalization.CultureInfo.InvariantCulture));
    }
}
