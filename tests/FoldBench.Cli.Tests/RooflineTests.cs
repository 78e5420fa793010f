using FoldBench.Benchmarks.Sweep;
using FoldBench.Results;

namespace FoldBench.Cli.Tests;

/// <summary>The roofs' arithmetic with constructed calibrations: which roof bounds a case, and when the calibration is unstable.</summary>
public class RooflineTests
{
    private static Calibration Cal(RoofSet? start = null, RoofSet? end = null) => new()
    {
        FmaPeakGflops = 200,
        BandwidthGBs = 25,
        CacheBandwidthGBs = 130,
        FmaPeakGflopsByWidth = new() { ["scalar"] = 10, ["128"] = 50, ["256"] = 100, ["512"] = 200 },
        BandwidthGBsByLevel = new() { ["L1"] = 400, ["L2"] = 200, ["L3"] = 100, ["memory"] = 25 },
        CacheBytesByLevel = new() { ["L1"] = 48 << 10, ["L2"] = 1 << 20, ["L3"] = 32 << 20 },
        Start = start,
        End = end,
    };

    [Theory]
    [InlineData("scalar", 256, "scalar")]
    [InlineData("avx2", 256, "256")]
    [InlineData("avx512", 256, "512")]
    [InlineData("neon", 128, "128")]
    [InlineData("portable", 256, "256")]
    [InlineData("portable", 128, "128")]
    public void EachPathIsBoundByItsOwnWidth(string path, int portableBits, string width) =>
        Assert.Equal(width, Roofline.WidthOf(path, portableBits));

    [Theory]
    [InlineData(16 * 1024, false, "L1")]
    [InlineData(48 * 1024, false, "L1")]
    [InlineData(48 * 1024 + 1, false, "L2")]
    [InlineData((512 * 512 + 512) * 4, false, "L3")] // the kernel suite's 512×512 weights and bias: just over 1 MiB
    [InlineData(33L << 20, false, "memory")]
    [InlineData(16 * 1024, true, "memory")]
    public void WeightsLiveInTheSmallestLevelThatHoldsThem(long weightBytes, bool streamed, string level) =>
        Assert.Equal(level, Roofline.LevelFor(weightBytes, streamed, Cal().CacheBytesByLevel));

    [Fact]
    public void TheBoundIsTheLowerOfComputeAndBandwidth()
    {
        var c = Cal();
        // Intensity 0.5 FLOP/byte in L2: 0.5 × 200 GB/s = 100 GFLOP/s, under avx512's 200: bandwidth-bound.
        var r = new CaseResult { Path = "avx512", Gflops = 50, GbPerS = 100, WeightBytes = 512 << 10, Regime = "cache" };
        Roofline.Describe(r, c, 256);
        Assert.Equal(100, r.RooflineGflops);
        Assert.Equal("L2", r.RoofLevel);
        Assert.Equal(50, r.PctRoofline);
        Assert.Equal(25, r.PctMachinePeak);
        // Intensity 16 streamed: 16 × 25 GB/s = 400 GFLOP/s, above avx2's 256-bit peak of 100: compute-bound.
        var s = new CaseResult { Path = "avx2", Gflops = 80, GbPerS = 5, WeightBytes = 64 << 20, Regime = "streamed" };
        Roofline.Describe(s, c, 256);
        Assert.Equal(100, s.RooflineGflops);
        Assert.Equal("256", s.RoofWidth);
        Assert.Equal("memory", s.RoofLevel);
        Assert.Equal(80, s.PctRoofline);
        Assert.Equal(40, s.PctMachinePeak);
    }

    [Fact]
    public void AMeasuredFootprintBoundsTheWeightsThatAreReReadEveryOperation()
    {
        // 1,050,624 bytes (512×512 weights and bias) are just over this L2: the level rule would send them to L3
        // (100 GB/s), but a buffer of exactly that size read at 150 GB/s, so intensity 0.5 is bound at 75 GFLOP/s.
        var c = Cal();
        c.BandwidthGBsByFootprint = new() { ["1050624"] = 150 };
        var r = new CaseResult { Suite = "kernels", Path = "avx512", Gflops = 60, GbPerS = 120, WeightBytes = 1_050_624, Regime = "cache" };
        Roofline.Describe(r, c, 256);
        Assert.Equal(75, r.RooflineGflops);
        Assert.Equal("footprint 1.00 MiB", r.RoofLevel);
        Assert.Equal(80, r.PctRoofline);
        // A model step whose 80 MiB of weights exceed the caches ("streamed") still re-reads the same weights: its footprint bounds it.
        c.BandwidthGBsByFootprint["83886080"] = 57.5;
        var m = new CaseResult { Suite = "projections", Path = "avx512", Gflops = 23, GbPerS = 46, WeightBytes = 80 << 20, Regime = "streamed" };
        Roofline.Describe(m, c, 256);
        Assert.Equal(28.75, m.RooflineGflops);
        Assert.Equal("footprint 80.0 MiB", m.RoofLevel);
        // Without a measurement of its footprint a case falls back to the level that holds it.
        var other = new CaseResult { Suite = "kernels", Path = "avx512", Gflops = 50, GbPerS = 100, WeightBytes = 512 << 10, Regime = "cache" };
        Roofline.Describe(other, c, 256);
        Assert.Equal("L2", other.RoofLevel);
    }

    [Fact]
    public void StreamedKernelsRotateThroughMemoryWhateverTheirFootprint()
    {
        // A streamed kernel case reads a different copy of its weights each call (≥ 256 MiB in all): memory bounds it,
        // even when the calibration measured a buffer the size of one copy.
        var c = Cal();
        c.BandwidthGBsByFootprint = new() { ["1050624"] = 150 };
        var r = new CaseResult { Suite = "kernels", Path = "avx512", Gflops = 10, GbPerS = 20, WeightBytes = 1_050_624, Regime = "streamed" };
        Roofline.Describe(r, c, 256);
        Assert.Equal("memory", r.RoofLevel);
        Assert.Equal(12.5, r.RooflineGflops); // 0.5 FLOP/byte × 25 GB/s
        Assert.Null(Roofline.FootprintOf("peers", "streamed", 1_050_624));
        Assert.Equal(1_050_624, Roofline.FootprintOf("peers", "cache", 1_050_624));
        Assert.Equal(1_050_624, Roofline.FootprintOf("encoder", "streamed", 1_050_624));
    }

    [Fact]
    public void AFootprintThatMovesBetweenStartAndEndIsNotDriftButItsRoofIsTheBetterOfTheTwo()
    {
        // A footprint near a cache's capacity reads at a rate that depends on where its pages land, allocation by
        // allocation: its start and end differ without the machine changing, while the levels hold.
        var start = Set(200, 25, 0.01);
        var end = Set(200, 25, 0.01);
        start.BandwidthGBsByFootprint["1050624"] = 140;
        end.BandwidthGBsByFootprint["1050624"] = 155;
        var c = Cal(start, end);
        c.BandwidthGBsByFootprint = Roofline.Best(start.BandwidthGBsByFootprint, end.BandwidthGBsByFootprint);
        Roofline.Judge(c, []);
        Assert.True(c.Stable);
        Assert.Equal(155, c.BandwidthGBsByFootprint["1050624"]);
    }

    [Fact]
    public void APeerLibraryIsBoundByTheWidestWidth()
    {
        // OpenBLAS picks its own kernels: at intensity 16 streamed, 16 × 25 = 400 GB/s-bound is above the 512-bit 200,
        // so its bound is 200 GFLOP/s (the machine peak), not a path's width.
        var r = new CaseResult { Path = "openblas", Gflops = 150, GbPerS = 9.375, WeightBytes = 64 << 20, Regime = "streamed" };
        Roofline.Describe(r, Cal(), 256);
        Assert.Equal("512", r.RoofWidth);
        Assert.Equal(200, r.RooflineGflops);
        Assert.Equal(75, r.PctRoofline);
    }

    [Fact]
    public void MachinePeakIsTheWidestWidth()
    {
        Assert.Equal(200, Roofline.MachinePeak(Cal()));
        var arm = new Calibration { FmaPeakGflops = 7, FmaPeakGflopsByWidth = new() { ["scalar"] = 9, ["128"] = 40 } };
        Assert.Equal(40, Roofline.MachinePeak(arm));
        Assert.Equal(7, Roofline.MachinePeak(new Calibration { FmaPeakGflops = 7 })); // results written before the widths
    }

    [Fact]
    public void SpreadIsBestOverMedian()
    {
        Assert.Equal(0.1, Roofline.Spread([90, 100, 80]), 12);
        Assert.Equal(0, Roofline.Spread([5]));
        Assert.Equal(0.3, Roofline.Spread([60, 100, 80, 40]), 12); // median 70, best 100
    }

    private static RoofSet Set(double fma512, double memory, double spread) => new()
    {
        FmaPeakGflopsByWidth = new() { ["512"] = fma512 },
        BandwidthGBsByLevel = new() { ["memory"] = memory },
        SpreadByRoof = new() { ["fma-512"] = spread, ["read-memory"] = spread },
    };

    [Fact]
    public void StartAndEndWithinTheNoiseAreStable()
    {
        var c = Cal(Set(200, 25, 0.05), Set(195, 24.5, 0.03));
        Roofline.Judge(c, []);
        Assert.True(c.Stable);
        Assert.Null(c.UnstableReason);
        Assert.Equal(0.05, c.NoiseFraction);
        Assert.Equal(0.025, c.DriftFraction!.Value, 12);
    }

    [Fact]
    public void RoundsTooNoisyToTrustAreUnstableEvenWhenStartAndEndAgreeWithinThatNoise()
    {
        // A loaded machine: rounds spread 40%, start and end 40% apart. The drift alone is "within the noise".
        var c = Cal(Set(200, 25, 0.40), Set(120, 24, 0.40));
        Roofline.Judge(c, []);
        Assert.False(c.Stable);
        Assert.Contains("spread by up to 40.0% (over 10%)", c.UnstableReason);
    }

    [Fact]
    public void StartAndEndBeyondTheNoiseAreUnstable()
    {
        var c = Cal(Set(200, 30, 0.01), Set(199, 20, 0.01));
        Roofline.Judge(c, []);
        Assert.False(c.Stable);
        Assert.Equal(Roofline.NoiseFloor, c.NoiseFraction); // the floor, since the rounds' spread is smaller
        Assert.Contains("read memory 30.0 → 20.0 GB/s", c.UnstableReason);
        Assert.DoesNotContain("FMA 512", c.UnstableReason);
    }

    [Fact]
    public void ACaseAboveItsRoofMakesTheCalibrationUnstable()
    {
        var c = Cal(Set(200, 25, 0.05), Set(200, 25, 0.05));
        var ok = new CaseResult { Name = "ok", Path = "avx2", Gflops = 90, GbPerS = 10, WeightBytes = 1 << 20, Regime = "cache" };
        var over = new CaseResult { Name = "avx2 M=64", Path = "avx2", Gflops = 120, GbPerS = 10, WeightBytes = 1 << 20, Regime = "cache" };
        Roofline.Describe(ok, c, 256);
        Roofline.Describe(over, c, 256);
        Roofline.Judge(c, [ok]);
        Assert.True(c.Stable);
        Roofline.Judge(c, [ok, over]);
        Assert.False(c.Stable);
        Assert.Contains("\"avx2 M=64\" at 120%", c.UnstableReason);
    }

    /// <summary>A streamed avx512 case at 0.5 FLOP/byte (9 GFLOP/s reading 18 GB/s), rated with <paramref name="c"/>.</summary>
    private static CaseResult StreamedM1(Calibration c, double beside, string name = "avx512 M=1 streamed")
    {
        var r = new CaseResult { Name = name, Suite = "kernels", Path = "avx512", Gflops = 9, GbPerS = 18, WeightBytes = 1 << 20,
            Regime = "streamed", MemoryBesideGBs = beside };
        Roofline.Describe(r, c, 256);
        return r;
    }

    [Fact]
    public void AStreamedCaseIsAlsoRatedAgainstTheMemoryReadBesideIt()
    {
        var c = Cal(Set(200, 25, 0.01), Set(200, 25, 0.01));
        // Memory-bound (0.5 FLOP/byte): the bound with the run's roof is 12.5, with the 20 GB/s read beside the case 10.
        var slowPhase = StreamedM1(c, 20);
        Assert.Equal(72, slowPhase.PctRoofline!.Value, 9);
        Assert.Equal(90, slowPhase.PctRooflineBeside!.Value, 9);
        // Compute-bound (16 FLOP/byte): 16 × 20 GB/s is still above the 512-bit peak, so both bounds are the peak.
        var computeBound = new CaseResult { Name = "avx512 M=64 streamed", Suite = "kernels", Path = "avx512", Gflops = 150, GbPerS = 9.375,
            WeightBytes = 1 << 20, Regime = "streamed", MemoryBesideGBs = 20 };
        Roofline.Describe(computeBound, c, 256);
        Assert.Equal(75, computeBound.PctRooflineBeside!.Value, 9);
        Assert.Equal(computeBound.PctRoofline!.Value, computeBound.PctRooflineBeside.Value, 9);
        // An int8 case is bound by its int8 peak, with the rate beside it in place of memory's.
        c.Int8PeakGopsByPath = new() { ["int8-avxvnni"] = 400 };
        var int8 = new CaseResult { Name = "int8 M=4 streamed", Suite = "kernels", Path = "int8-avxvnni", Precision = "int8", Gflops = 120,
            GbPerS = 15, WeightBytes = 1 << 18, Regime = "streamed", MemoryBesideGBs = 20 };
        Roofline.Describe(int8, c, 256);
        Assert.Equal(60, int8.PctRoofline!.Value, 9);          // 8 op/byte × 25 = 200
        Assert.Equal(75, int8.PctRooflineBeside!.Value, 9);    // 8 op/byte × 20 = 160
        // A cache-resident case is not bound by memory: no rate beside it applies.
        var cached = new CaseResult { Name = "cached", Suite = "kernels", Path = "avx512", Gflops = 50, GbPerS = 100,
            WeightBytes = 512 << 10, Regime = "cache", MemoryBesideGBs = 20 };
        Roofline.Describe(cached, c, 256);
        Assert.NotNull(cached.PctRoofline);
        Assert.Null(cached.PctRooflineBeside);
        // Without the rate: nothing.
        var older = new CaseResult { Name = "older", Suite = "kernels", Path = "avx512", Gflops = 9, GbPerS = 18, WeightBytes = 1 << 20, Regime = "streamed" };
        Roofline.Describe(older, c, 256);
        Assert.Null(older.PctRooflineBeside);
    }

    [Fact]
    public void SlowMemoryBesideACaseIsNamedButLeavesTheRoofsStable()
    {
        var c = Cal(Set(200, 25, 0.01), Set(200, 25, 0.01));
        var cases = new[] { StreamedM1(c, 23, "within"), StreamedM1(c, 20, "slow"), StreamedM1(c, 19, "slower") };
        Roofline.Judge(c, cases);
        Assert.True(c.Stable, c.UnstableReason);
        // More than 10% below the 25 GB/s roof (under 22.5), slowest first; 23 is within.
        Assert.Equal(["slower", "slow"], Roofline.SlowMemoryCases(c, cases).Select(r => r.Name));
        // A larger run noise widens the margin.
        c.NoiseFraction = 0.21;
        Assert.Equal(["slower"], Roofline.SlowMemoryCases(c, cases).Select(r => r.Name));
    }

    [Fact]
    public void ACaseAboveTheBoundSetBesideItMakesTheCalibrationUnstable()
    {
        // 9 GFLOP/s at 0.5 FLOP/byte reads 18 GB/s: a probe beside it that read 16 GB/s read too low.
        var c = Cal(Set(200, 25, 0.01), Set(200, 25, 0.01));
        var r = StreamedM1(c, 16);
        Assert.Equal(112.5, r.PctRooflineBeside!.Value, 9);
        Roofline.Judge(c, [r]);
        Assert.False(c.Stable);
        Assert.Contains("\"avx512 M=1 streamed\" at 112% with 16.0 GB/s): that probe read too low", c.UnstableReason);
    }

    [Fact]
    public void AFasterReadBesideACaseRaisesTheMemoryRoofAndASlowerOneDoesNot()
    {
        var caches = CacheInfo.FromSizes("test", new Dictionary<int, long> { [1] = 48 << 10, [2] = 1 << 20 });
        RoofSet Roofs(double memory) => new()
        {
            FmaPeakGflopsByWidth = new() { ["512"] = 200 },
            BandwidthGBsByLevel = new() { ["L1"] = 400, ["L2"] = 200, ["memory"] = memory },
        };
        var plain = CalibrationRun.Combine(caches, Roofs(40), Roofs(42), "quick");
        Assert.Equal(42, plain.BandwidthGBs);
        Assert.DoesNotContain("beside", plain.Method);
        var raised = CalibrationRun.Combine(caches, Roofs(40), Roofs(42), "quick", memoryBeside: 44.5);
        Assert.Equal(44.5, raised.BandwidthGBs);
        Assert.Equal(44.5, raised.BandwidthGBsByLevel!["memory"]);
        Assert.Equal(400, raised.BandwidthGBsByLevel["L1"]);
        Assert.Contains("a read beside a streamed case was faster, and is its roof", raised.Method);
        // The start and end sets stay as measured: their drift is judged on what they read.
        Assert.Equal(42, raised.End!.BandwidthGBsByLevel["memory"]);
        var slower = CalibrationRun.Combine(caches, Roofs(40), Roofs(42), "quick", memoryBeside: 30);
        Assert.Equal(42, slower.BandwidthGBs);
    }

    [Fact]
    public void CacheLevelsComeFromSysfsDataAndUnifiedCaches()
    {
        string root = Path.Combine(Path.GetTempPath(), "foldbench-cache-" + Guid.NewGuid().ToString("N"));
        void Index(int i, string level, string type, string size)
        {
            var d = Directory.CreateDirectory(Path.Combine(root, $"index{i}")).FullName;
            File.WriteAllText(Path.Combine(d, "level"), level + "\n");
            File.WriteAllText(Path.Combine(d, "type"), type + "\n");
            File.WriteAllText(Path.Combine(d, "size"), size + "\n");
        }
        Index(0, "1", "Data", "48K");
        Index(1, "1", "Instruction", "32K");
        Index(2, "2", "Unified", "1024K");
        Index(3, "3", "Unified", "32768K");
        var d = CacheInfo.Describe(root, useCpuid: false);
        Assert.Equal("sysfs", d.Source);
        Assert.Equal(["L1", "L2", "L3", "memory"], d.Levels.Select(l => l.Name));
        Assert.Equal([48L << 10, 1L << 20, 32L << 20, 0], d.Levels.Select(l => l.CapacityBytes));
        Assert.Equal([24L << 10, 512L << 10, 16L << 20, 256L << 20], d.Levels.Select(l => l.BufferBytes));
    }

    [Fact]
    public void WithoutACacheDescriptionTheLevelsAreASizeSweep()
    {
        var d = CacheInfo.Describe(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N")), useCpuid: false);
        Assert.Equal("size sweep", d.Source);
        Assert.Equal(["16KiB", "256KiB", "1MiB", "4MiB", "16MiB", "memory"], d.Levels.Select(l => l.Name));
        Assert.All(d.Levels.SkipLast(1), l => Assert.Equal(l.CapacityBytes, l.BufferBytes));
    }

    [Fact]
    public void KnownL1AndL2AreFollowedByTheSweepAboveThem()
    {
        // As on the Zen 5 VM: legacy CPUID leaves give L1d 48 KiB and L2 1 MiB; nothing trustworthy above.
        var d = CacheInfo.WithSweep(new Dictionary<int, long> { [1] = 48L << 10, [2] = 1L << 20 });
        Assert.Equal(["L1", "L2", "4MiB", "16MiB", "memory"], d.Levels.Select(l => l.Name));
        // L1 read through half of it (24 KiB); L2 through half of 1 MiB, which is above L1; memory through 256 MiB.
        Assert.Equal([24L << 10, 512L << 10, 4L << 20, 16L << 20, 256L << 20], d.Levels.Select(l => l.BufferBytes));
        Assert.StartsWith("cpuid legacy leaves", d.Source);
    }

    [Fact]
    public void StreamedWeightsRotateThroughAtLeast256MiB()
    {
        // 1 MiB sets (K = N = 512) through a 256 MiB rotation: 256 sets, so no set is re-read while still in a 32 MiB L3.
        Assert.Equal(256, FoldBench.Benchmarks.Suites.KernelBenchmarks.StreamedSetCount(1L << 20, CacheInfo.MemoryBuffer(16L << 20)));
        Assert.Equal(512L << 20, CacheInfo.MemoryBuffer(128L << 20));
    }
}
