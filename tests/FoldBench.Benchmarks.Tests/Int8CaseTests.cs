using BenchmarkDotNet.Configs;
using FoldBench.Benchmarks.Correctness;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Tests;

/// <summary>
/// `--precision fp32,int8` in the kernels and projections suites: the cases, their accounting, their check, their roofline.
/// Hand-derived figures (int8 stores N×K one-byte weights, N fp32 scales and N fp32 biases):
/// <list type="bullet">
/// <item>a kernel case at K = N = 16: 256 + 16·4 + 16·4 = 384 bytes of weights; at M = 4 it moves 384 + 4·16·4·2 = 896 bytes
///   for 2·4·16·16 = 2,048 operations: intensity 2,048 / 896 = 2.2857;</item>
/// <item>ondevice-144 (D = 144, L = 16, chunk 2 + 1 right-context token = 3 rows): 4·L = 64 projections;
///   N = 1: 64·(20,736 + 8·144) = 1,400,832 bytes, 2·64·3·20,736 = 7,962,624 operations;
///   N = 2 (shared (D/2)² blocks): 64·(5,184 + 8·72) = 368,640 bytes, 2·64·6·5,184 = 3,981,312 operations;
///   activations 64·3·144·4·2 = 221,184 bytes either way.</item>
/// </list>
/// </summary>
public class Int8CaseTests
{
    private static readonly SweepSettings Settings = new()
    {
        KernelPaths = ["scalar", "portable"],
        KernelM = [4],
        KernelKN = [16],
        Presets = ["ondevice-144"],
        ChunkTokens = [2],
        Folds = [1, 2],
    };

    private static readonly SweepSettings Both = Settings with { Precisions = [Precision.Fp32, Precision.Int8] };

    /// <summary>The rnnt suite's cells: chunk 2, folds 1 and 2, on the scalar path (int8: int8-scalar, which every CPU runs).</summary>
    private static readonly SweepSettings Rnnt = Settings with { StepChunkTokens = [2], ModelPath = "scalar" };

    [Theory]
    [InlineData(SuiteNames.Kernels)]
    [InlineData(SuiteNames.Projections)]
    [InlineData(SuiteNames.Attention)]
    [InlineData(SuiteNames.Encoder)]
    public void Fp32_only_runs_have_no_precision_parameter_and_keep_their_names(string suite)
    {
        var fp32 = SuiteCases.For(suite, Settings, DefaultConfig.Instance);
        Assert.All(fp32, c => Assert.DoesNotContain(c.Parameters.Items, p => p.Name == SuiteCases.PrecisionParameterName));
        Assert.All(fp32, c => Assert.Equal(Precision.Fp32, SuiteCases.PrecisionOf(c)));
        Assert.All(fp32, c => Assert.DoesNotContain("int8", CaseDescriber.ShortName(suite, c), StringComparison.Ordinal));

        var both = SuiteCases.For(suite, Both, DefaultConfig.Instance);
        Assert.Equal(2 * fp32.Count, both.Count);
        // Precision innermost: each fp32 case, then its int8 twin; the fp32 one keeps its fp32-only short name.
        Assert.Equal(Enumerable.Range(0, fp32.Count).SelectMany(_ => new[] { Precision.Fp32, Precision.Int8 }), both.Select(SuiteCases.PrecisionOf));
        for (int i = 0; i < fp32.Count; i++)
        {
            Assert.Equal(CaseDescriber.ShortName(suite, fp32[i]), CaseDescriber.ShortName(suite, both[2 * i]));
            Assert.Equal(CaseDescriber.ShortName(suite, fp32[i]) + " int8", CaseDescriber.ShortName(suite, both[2 * i + 1]));
        }
    }

    [Fact]
    public void The_precision_parameter_helper_is_empty_unless_int8_is_asked_for()
    {
        Assert.Empty(SuiteCases.PrecisionParameter(Settings));
        var (name, type, values) = Assert.Single(SuiteCases.PrecisionParameter(Both));
        Assert.Equal("Precision", name);
        Assert.Equal(typeof(string), type);
        Assert.Equal(["fp32", "int8"], values);
    }

    [Fact]
    public void Portable_at_int8_is_unavailable_with_its_reason_never_replaced()
    {
        var cases = SuiteCases.For(SuiteNames.Kernels, Both, DefaultConfig.Instance);
        var portable = cases.Where(c => CaseDescriber.Param<string>(c, "Path") == "portable").ToList();
        Assert.Null(SuiteCases.Unavailable(SuiteNames.Kernels, portable.First(c => SuiteCases.PrecisionOf(c) == Precision.Fp32)));
        string? why = SuiteCases.Unavailable(SuiteNames.Kernels, portable.First(c => SuiteCases.PrecisionOf(c) == Precision.Int8));
        Assert.NotNull(why);
        Assert.Contains("no int8 counterpart", why, StringComparison.Ordinal);
        var scalarInt8 = cases.First(c => CaseDescriber.Param<string>(c, "Path") == "scalar" && SuiteCases.PrecisionOf(c) == Precision.Int8);
        Assert.Null(SuiteCases.Unavailable(SuiteNames.Kernels, scalarInt8));
        var row = CaseDescriber.Unavailable(SuiteNames.Kernels, portable.First(c => SuiteCases.PrecisionOf(c) == Precision.Int8), why!);
        Assert.Equal("int8", row.Precision);
        Assert.Equal("portable", row.Path);
    }

    [Theory]
    [InlineData(SuiteNames.Projections)]
    [InlineData(SuiteNames.Attention)]
    [InlineData(SuiteNames.Encoder)]
    [InlineData(SuiteNames.Rnnt)]
    public void Int8_model_suite_cases_on_several_threads_are_available(string suite)
    {
        var cases = SuiteCases.For(suite, Both with { Threads = [1, 2] }, DefaultConfig.Instance);
        var int8 = cases.Where(c => SuiteCases.PrecisionOf(c) == Precision.Int8).ToList();
        Assert.Contains(int8, c => CaseDescriber.ThreadsOf(c) == 2);
        Assert.All(int8, c => Assert.Null(SuiteCases.Unavailable(suite, c)));
    }

    /// <summary>
    /// The rnnt suite at fp32 and int8: its four parts of one cell run together, so precision sits outside them (each cell's
    /// fp32 parts, then its int8 parts); the fp32 cases keep the names of fp32-only runs and their int8 twins add " int8".
    /// </summary>
    [Fact]
    public void The_rnnt_suite_runs_each_cell_at_both_precisions_and_fp32_keeps_its_names()
    {
        var fp32 = SuiteCases.For(SuiteNames.Rnnt, Rnnt, DefaultConfig.Instance);
        Assert.Equal(2 * 4, fp32.Count);   // folds × parts
        Assert.All(fp32, c => Assert.DoesNotContain(c.Parameters.Items, p => p.Name == SuiteCases.PrecisionParameterName));
        Assert.All(fp32, c => Assert.DoesNotContain("int8", CaseDescriber.ShortName(SuiteNames.Rnnt, c), StringComparison.Ordinal));

        var both = SuiteCases.For(SuiteNames.Rnnt, Rnnt with { Precisions = Both.Precisions }, DefaultConfig.Instance);
        Assert.Equal(2 * fp32.Count, both.Count);
        Assert.Equal(Enumerable.Range(0, 2).SelectMany(_ => Enumerable.Repeat(Precision.Fp32, 4).Concat(Enumerable.Repeat(Precision.Int8, 4))),
            both.Select(SuiteCases.PrecisionOf));
        var fp32Names = fp32.Select(c => CaseDescriber.ShortName(SuiteNames.Rnnt, c)).ToList();
        Assert.Equal(fp32Names, both.Where(c => SuiteCases.PrecisionOf(c) == Precision.Fp32).Select(c => CaseDescriber.ShortName(SuiteNames.Rnnt, c)));
        Assert.Equal(fp32Names.Select(n => n + " int8"), both.Where(c => SuiteCases.PrecisionOf(c) == Precision.Int8).Select(c => CaseDescriber.ShortName(SuiteNames.Rnnt, c)));
        Assert.Contains("rnnt ondevice-144 T=2 fold=2 joiner int8", both.Select(c => CaseDescriber.ShortName(SuiteNames.Rnnt, c)));
    }

    /// <summary>
    /// An int8 rnnt case is counted at int8: each part's weights as stored and its quantized rows (RnntStepCost at int8, whose
    /// figures the model tests derive by hand), its int8 path recorded beside its fp32 one.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_int8_rnnt_case_counts_its_parts_at_int8(int fold)
    {
        var cases = SuiteCases.For(SuiteNames.Rnnt, Rnnt with { Folds = [fold], Precisions = Both.Precisions }, DefaultConfig.Instance);
        var c = FoldBench.Model.ModelPresets.Get("ondevice-144").WithChunk(2);
        var o = new FoldBench.Model.FoldingOptions(fold);
        foreach (var bc in cases)
        {
            string part = CaseDescriber.RnntPart(bc);
            var precision = SuiteCases.PrecisionOf(bc);
            var cost = FoldBench.Model.RnntStepCost.Compute(c, o, 1, precision).Part(part);
            var r = CaseDescriber.Accounting(SuiteNames.Rnnt, bc);
            Assert.Equal(cost.WeightBytes, r.WeightBytes);
            Assert.Equal(cost.Flops, r.Gflops!.Value, 6);              // operations per op (nominal 1 ns)
            Assert.Equal(cost.BytesMovedPerStep, r.GbPerS!.Value, 6);  // bytes moved per op
            Assert.Equal(precision.Name(), r.Precision);
            if (precision == Precision.Int8)
            {
                Assert.Equal("int8-scalar", r.Path);
                Assert.Equal("scalar", r.Fp32Path);
                Assert.True(cost.QuantizedRowBytesPerStep > 0, part);
            }
        }
        // Every part stores fewer bytes at int8 (the predictor's fp32 embedding table keeps it above a quarter).
        foreach (var part in new[] { "step", "encoder", "predictor", "joiner" })
        {
            var pair = cases.Where(bc => CaseDescriber.RnntPart(bc) == part).ToDictionary(SuiteCases.PrecisionOf, bc => CaseDescriber.Accounting(SuiteNames.Rnnt, bc));
            Assert.True(pair[Precision.Int8].WeightBytes < pair[Precision.Fp32].WeightBytes, part);
        }
    }

    [Fact]
    public void An_int8_rnnt_case_is_checked_within_the_int8_bound_and_reports_its_error()
    {
        var cases = SuiteCases.For(SuiteNames.Rnnt, Rnnt with { Folds = [2], Precisions = Both.Precisions }, DefaultConfig.Instance);
        var int8 = cases.First(bc => SuiteCases.PrecisionOf(bc) == Precision.Int8);
        var (correct, error) = CaseChecks.Evaluate(int8);
        Assert.True(correct);
        Assert.NotNull(error);
        Assert.True(error!.MaxAbs > 0);
        Assert.Null(CaseChecks.Evaluate(cases.First(bc => SuiteCases.PrecisionOf(bc) == Precision.Fp32)).Error);
    }

    [Fact]
    public void The_streamed_regime_rotates_four_times_as_many_int8_sets_to_fill_the_same_working_set()
    {
        const long target = 256L << 20;
        long fp32Set = Suites.KernelBenchmarks.SetBytes(512, Precision.Fp32), int8Set = Suites.KernelBenchmarks.SetBytes(512, Precision.Int8);
        Assert.Equal(4 * int8Set, fp32Set);
        int fp32 = Suites.KernelBenchmarks.StreamedSetCount(fp32Set, target), int8 = Suites.KernelBenchmarks.StreamedSetCount(int8Set, target);
        Assert.Equal(4 * fp32, int8);
        Assert.True(int8 * int8Set >= target);
    }

    [Theory]
    [InlineData(RegimeNames.Cache)]
    [InlineData(RegimeNames.Streamed)]
    public void An_int8_kernel_operation_allocates_nothing(string regime)
    {
        // Counted on this thread only: BenchmarkDotNet's process-wide count also sees the test platform's threads.
        var bench = new Suites.KernelBenchmarks { Path = "scalar", M = 4, KN = 16, Regime = regime, Precision = "int8" };
        bench.Setup();
        bench.Project();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 8; i++) bench.Project();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(1, "shared")]
    [InlineData(2, "shared")]
    [InlineData(2, "block-diagonal")]
    public void An_int8_projections_step_allocates_nothing(int fold, string sharing)
    {
        var bench = new Suites.ProjectionBenchmarks { Preset = "ondevice-144", ChunkTokens = 2, Fold = fold, Sharing = sharing, Path = "scalar", Precision = "int8" };
        bench.Setup();
        bench.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        bench.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        bench.StopThreads();
    }

    [Fact]
    public void An_int8_kernel_case_counts_int8_weights_scales_and_bias()
    {
        var cases = SuiteCases.For(SuiteNames.Kernels, Both with { KernelPaths = ["scalar"] }, DefaultConfig.Instance);
        var cache = cases.Where(c => CaseDescriber.Param<string>(c, "Regime") == RegimeNames.Cache).ToList();
        var fp32 = CaseDescriber.Accounting(SuiteNames.Kernels, cache.Single(c => SuiteCases.PrecisionOf(c) == Precision.Fp32));
        var int8 = CaseDescriber.Accounting(SuiteNames.Kernels, cache.Single(c => SuiteCases.PrecisionOf(c) == Precision.Int8));
        Assert.Equal((16 * 16 + 16) * 4L, fp32.WeightBytes);
        Assert.Equal(384L, int8.WeightBytes);
        Assert.Equal("int8", int8.Precision);
        Assert.Equal("int8-scalar", int8.Path);
        Assert.Equal("scalar", int8.Fp32Path);
        Assert.Equal("fp32", fp32.Precision);
        Assert.Null(fp32.Fp32Path);
        Assert.Equal(2048, int8.Gflops!.Value, 9);       // operations per op (nominal 1 ns)
        Assert.Equal(896, int8.GbPerS!.Value, 9);        // bytes moved per op
        Assert.Equal(2048.0 / 896, int8.Gflops.Value / int8.GbPerS.Value, 12);
        Assert.Equal(384L, CaseDescriber.Footprint(SuiteNames.Kernels, cache.Single(c => SuiteCases.PrecisionOf(c) == Precision.Int8)));
    }

    [Theory]
    [InlineData(1, 1_400_832L, 7_962_624.0)]
    [InlineData(2, 368_640L, 3_981_312.0)]
    public void An_int8_projections_case_counts_every_layers_int8_projections(int fold, long weightBytes, double ops)
    {
        var cases = SuiteCases.For(SuiteNames.Projections, Both with { Folds = [fold] }, DefaultConfig.Instance);
        var r = CaseDescriber.Accounting(SuiteNames.Projections, cases.Single(c => SuiteCases.PrecisionOf(c) == Precision.Int8));
        Assert.Equal(weightBytes, r.WeightBytes);
        Assert.Equal(ops, r.Gflops!.Value, 6);
        Assert.Equal(weightBytes + 221_184.0, r.GbPerS!.Value, 6);
        Assert.Equal((weightBytes + 221_184.0) / 2, r.BytesPerToken!.Value, 6);
    }

    [Fact]
    public void The_int8_kernel_check_passes_on_every_supported_path_and_states_the_error()
    {
        foreach (var path in QuantizedPaths.Supported)
        {
            var r = CaseChecks.KernelInt8(path, 5, 40);
            Assert.True(r.Exact, path.Name());
            Assert.True(r.WithinBound, path.Name());
            Assert.True(r.Error.MaxAbs > 0 && r.Error.Rms > 0 && r.Error.Rms <= r.Error.MaxAbs, path.Name());
            // Uniform [-1, 1] inputs, 8-bit both sides: a percent or so of the output range, never near it.
            Assert.InRange(r.Error.RelativeMax, 1e-5, 0.05);
        }
    }

    [Fact]
    public void The_int8_projections_check_passes_shared_and_block_diagonal()
    {
        var c = FoldBench.Model.ModelPresets.Get("ondevice-144").WithChunk(2);
        var shared = new FoldBench.Model.FoldingOptions(2);
        var blocks = shared with { Sharing = FoldBench.Model.WeightSharing.BlockDiagonal };
        foreach (var o in new[] { FoldBench.Model.FoldingOptions.Unfolded, shared, blocks })
        {
            var r = CaseChecks.ProjectionsInt8(c, o, KernelPath.Scalar);
            Assert.True(r.Correct, o.ToString());
            Assert.True(r.Error.MaxAbsReference > 0);
        }
    }

    [Fact]
    public void The_int8_comparison_catches_an_accumulator_off_by_one_and_an_output_outside_the_bound()
    {
        var rng = new Random(5);
        int m = 3, k = 24, n = 8;
        float[] w = Suites.Inputs.Uniform(rng, n * k), bias = Suites.Inputs.Uniform(rng, n), x = Suites.Inputs.Uniform(rng, m * k);
        var weights = QuantizedWeights.Pack(w, n, k, bias, QuantizedPath.Scalar);
        var y = new float[m * n];
        var scratch = QuantizedScratch.For(weights, m);
        QuantizedLinear.Project(x, m, weights, y, scratch);

        Int8Check Compare(float[] actual)
        {
            var c = new Int8Comparison();
            c.Add(actual, x, m, k, w, n, k, bias, n);
            return c.Result();
        }
        Assert.True(Compare(y).Correct);

        // One accumulator one unit off: the output moves by scaleₓ·scale_w, inside the quantization bound but not exact.
        var offByOne = (float[])y.Clone();
        offByOne[4] += scratch.RowScale(0) * weights.Scales[4];
        var r = Compare(offByOne);
        Assert.False(r.Exact);
        Assert.True(r.WithinBound);
        Assert.False(r.Correct);

        // An output far off: outside the bound too.
        var wrong = (float[])y.Clone();
        wrong[n + 2] += 1f;
        r = Compare(wrong);
        Assert.False(r.WithinBound);
        Assert.True(r.Error.MaxAbs >= 0.9);
    }

    /// <summary>
    /// Peer rows: FoldBench's int8 peer is held to its int8 path's peak; an int8 library (ONNX Runtime may use 512-bit
    /// VNNI, which FoldBench cannot issue and so cannot measure) gets no roof at all rather than an fp32 or a too-low one.
    /// </summary>
    [Fact]
    public void Int8_peer_rows_are_counted_as_int8_and_only_FoldBench_s_get_a_roof()
    {
        var settings = new SweepSettings { KernelM = [4], KernelKN = [512], Regimes = [RegimeNames.Cache], PeerChunkTokens = [], Peers = ["foldbench-int8", "onnxruntime-int8", "foldbench"] };
        var cases = SuiteCases.For(SuiteNames.Peers, settings, DefaultConfig.Instance);
        var rows = cases.Select(c => CaseDescriber.Accounting(SuiteNames.Peers, c)).ToList();
        Assert.Equal(["int8", "int8", null], rows.Select(r => r.Precision));
        Assert.Equal([512L * 512 + 8 * 512, 512L * 512 + 8 * 512, 4L * (512 * 512 + 512)], rows.Select(r => r.WeightBytes!.Value));

        var cal = new Calibration
        {
            FmaPeakGflops = 100,
            FmaPeakGflopsByWidth = new() { ["512"] = 100 },
            Int8PeakGopsByPath = new() { [QuantizedPaths.Best.Name()] = 400 },
            BandwidthGBsByLevel = new() { ["L2"] = 100, ["memory"] = 10 },
            CacheBytesByLevel = new() { ["L2"] = 1 << 20 },
        };
        var ours = new CaseResult { Suite = SuiteNames.Peers, Peer = "foldbench-int8", Path = QuantizedPaths.Best.Name(), Precision = "int8", Regime = RegimeNames.Cache, Gflops = 200, GbPerS = 1, WeightBytes = 266_240 };
        CaseDescriber.Rerate(ours, cal);
        Assert.Equal(50, ours.PctRoofline!.Value, 9);
        var ort = new CaseResult { Suite = SuiteNames.Peers, Peer = "onnxruntime-int8", Path = "onnxruntime-int8", Precision = "int8", Regime = RegimeNames.Cache, Gflops = 600, GbPerS = 1, WeightBytes = 266_240 };
        CaseDescriber.Rerate(ort, cal);
        Assert.Null(ort.PctRoofline);
        Assert.Null(ort.PctMachinePeak);
        Assert.Null(ort.PctFmaPeak);
        Assert.Null(ort.RooflineGflops);
    }

    [Fact]
    public void An_int8_case_is_bound_by_its_int8_peak_and_the_bandwidth_of_its_int8_bytes()
    {
        var cal = new Calibration
        {
            FmaPeakGflops = 100,
            FmaPeakGflopsByWidth = new() { ["scalar"] = 10, ["256"] = 100 },
            Int8PeakGopsByPath = new() { ["int8-avx2"] = 300, ["int8-avxvnni"] = 400 },
            BandwidthGBsByLevel = new() { ["L2"] = 100, ["memory"] = 10 },
            CacheBytesByLevel = new() { ["L2"] = 1 << 20 },
        };
        // Streamed: memory-bound at intensity 2048/896 × 10 GB/s = 22.86 GOP/s.
        var streamed = new CaseResult { Suite = SuiteNames.Kernels, Path = "int8-avx2", Precision = "int8", Regime = RegimeNames.Streamed, Gflops = 20, GbPerS = 20 * 896.0 / 2048, WeightBytes = 384 };
        CaseDescriber.Rerate(streamed, cal);
        Assert.Equal(2048.0 / 896 * 10, streamed.RooflineGflops!.Value, 9);
        Assert.Equal("int8-avx2", streamed.RoofWidth);
        Assert.Equal(Roofline.Memory, streamed.RoofLevel);
        Assert.Equal(100 * 20 / (2048.0 / 896 * 10), streamed.PctRoofline!.Value, 9);
        Assert.Equal(100 * 20 / 400.0, streamed.PctMachinePeak!.Value, 9); // the fastest int8 instruction, not the FMA peak
        Assert.Null(streamed.PctFmaPeak);

        // Cache-resident at high intensity: bound by the path's own int8 peak (300), not the FMA peak (100).
        var cache = new CaseResult { Suite = SuiteNames.Kernels, Path = "int8-avx2", Precision = "int8", Regime = RegimeNames.Cache, Gflops = 150, GbPerS = 1, WeightBytes = 384 };
        CaseDescriber.Rerate(cache, cal);
        Assert.Equal(300, cache.RooflineGflops!.Value, 9);
        Assert.Equal(50, cache.PctRoofline!.Value, 9);

        // No measured peak for the path (int8-scalar): no bound rather than a borrowed one.
        var scalar = new CaseResult { Suite = SuiteNames.Kernels, Path = "int8-scalar", Precision = "int8", Regime = RegimeNames.Cache, Gflops = 5, GbPerS = 1, WeightBytes = 384 };
        CaseDescriber.Rerate(scalar, cal);
        Assert.Null(scalar.RooflineGflops);
        Assert.Null(scalar.PctRoofline);

        // Above 100% of its int8 bound marks the calibration unstable, as an fp32 case does.
        var over = new CaseResult { Suite = SuiteNames.Kernels, Name = "int8 over", Path = "int8-avx2", Precision = "int8", Regime = RegimeNames.Cache, Gflops = 350, GbPerS = 1, WeightBytes = 384 };
        CaseDescriber.Rerate(over, cal);
        Roofline.Judge(cal, [streamed, cache, over]);
        Assert.False(cal.Stable);
        Assert.Contains("GOP/s", cal.UnstableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_int8_calibration_loop_performs_the_multiply_accumulates_its_gop_s_count()
    {
        // On all-ones operands every product is 1, so the sum a call returns is the number of multiply-accumulates it ran.
        foreach (var path in Suites.CalibrationBenchmarks.Int8Paths())
        {
            var bench = new Suites.CalibrationBenchmarks { Int8Path = path };
            bench.Setup();
            Assert.Equal((long)Suites.CalibrationBenchmarks.Int8MacsPerTrip(path) * Suites.CalibrationBenchmarks.Int8Trips, bench.Int8());
            Assert.Equal(2 * (long)Suites.CalibrationBenchmarks.Int8MacsPerTrip(path) * Suites.CalibrationBenchmarks.Int8Trips,
                Suites.CalibrationBenchmarks.Int8OpsPerInvoke(path));
        }
    }

    [Fact]
    public void Int8_peak_drift_between_start_and_end_marks_the_calibration_unstable()
    {
        var cal = new Calibration
        {
            Start = new RoofSet { Int8PeakGopsByPath = new() { ["int8-avx2"] = 300 } },
            End = new RoofSet { Int8PeakGopsByPath = new() { ["int8-avx2"] = 200 } },
        };
        Roofline.Judge(cal, []);
        Assert.False(cal.Stable);
        Assert.Contains("int8-avx2", cal.UnstableReason, StringComparison.Ordinal);
    }
}
