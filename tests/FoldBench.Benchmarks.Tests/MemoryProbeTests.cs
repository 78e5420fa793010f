using FoldBench.Benchmarks.Sweep;
using FoldBench.Benchmarks.Suites;

namespace FoldBench.Benchmarks.Tests;

/// <summary>The memory read beside a streamed case: a real rate from the calibration's read loop.</summary>
public class MemoryProbeTests
{
    [Fact]
    public void ReadsAPositiveFiniteRate()
    {
        // 4 MiB plus a partial line: the probe reads whole 64-byte lines of it.
        double gbs = MemoryProbe.MeasureGBs((4L << 20) + 40);
        Assert.True(gbs > 0 && double.IsFinite(gbs), $"{gbs} GB/s");
    }

    [Fact]
    public void RefusesABufferSmallerThanOneLine() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryProbe.MeasureGBs(CalibrationBenchmarks.Alignment - 1));
}
