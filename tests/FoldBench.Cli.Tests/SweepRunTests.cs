using FoldBench.Results;

namespace FoldBench.Cli.Tests;

/// <summary>
/// Real (tiny, dry-job) sweeps through the command line, in-process: the summary they write must
/// have every field filled and every derived figure consistent with the raw timing.
/// </summary>
public class SweepRunTests
{
    private static string NewDir() => Path.Combine(Path.GetTempPath(), "foldbench-sweep-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void KernelSuiteDryRunWritesAConsistentSummary()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "kernels", "--paths", "scalar,best",
            "--m", "1,5", "--kn", "16", "--out", dir, "--cpu", "none", "--no-plots");
        Assert.True(code == 0, err);

        var s = SummaryStore.Read(dir);
        Assert.True(s.Complete);
        Assert.Equal("dry", s.Job);
        Assert.NotNull(s.Calibration);
        Assert.True(s.Calibration!.FmaPeakGflops > 0 && s.Calibration.BandwidthGBs > 0);
        // Every width this CPU has and every level, measured at the start and the end; the legacy fields are the widest and memory.
        var cal = s.Calibration;
        var widths = FoldBench.Benchmarks.Suites.CalibrationBenchmarks.Widths();
        Assert.Equal(widths, cal.FmaPeakGflopsByWidth!.Keys.OrderBy(w => Roofline.Widths.ToList().IndexOf(w)));
        Assert.Equal(cal.FmaPeakGflopsByWidth[widths[^1]], cal.FmaPeakGflops);
        Assert.Equal(cal.BandwidthGBsByLevel![Roofline.Memory], cal.BandwidthGBs);
        Assert.Equal(cal.BufferBytesByLevel!.Keys.Order(), cal.BandwidthGBsByLevel.Keys.Order());
        Assert.True(cal.BandwidthGBsByLevel.Count >= 2);
        Assert.NotNull(cal.Start);
        Assert.NotNull(cal.End);
        foreach (var (w, v) in cal.FmaPeakGflopsByWidth)
            Assert.Equal(Math.Max(cal.Start!.FmaPeakGflopsByWidth[w], cal.End!.FmaPeakGflopsByWidth[w]), v);
        Assert.NotNull(cal.Stable);
        Assert.Equal(cal.Stable == false, cal.UnstableReason is not null);
        Assert.True(cal.NoiseFraction >= Roofline.NoiseFloor);
        Assert.False(string.IsNullOrEmpty(s.Machine.CpuModel));
        Assert.NotEmpty(s.Machine.IsaFeatures);

        int paths = new[] { "scalar", FoldBench.Kernels.KernelPaths.Best.ToString().ToLowerInvariant() }.Distinct().Count();
        Assert.Equal(paths * 2 * 2, s.Cases.Count); // paths × M × regimes
        foreach (var c in s.Cases)
        {
            Assert.Equal("kernels", c.Suite);
            Assert.Contains("KernelBenchmarks", c.FullName);
            Assert.True(c.MedianNs > 0);
            Assert.NotNull(c.SamplesNs);
            Assert.NotEmpty(c.SamplesNs!);
            Assert.Equal(16, c.K);
            Assert.Equal(16, c.N);
            double flops = 2.0 * c.M!.Value * 16 * 16;
            Assert.Equal(flops / c.MedianNs, c.Gflops!.Value, 9);
            Assert.Equal(100 * c.Gflops.Value / s.Calibration.FmaPeakGflops, c.PctFmaPeak!.Value, 9);
            Assert.Equal((16 * 16 + 16) * 4L, c.WeightBytes);
            Assert.Equal((c.WeightBytes!.Value + c.M.Value * 16 * 4 * 2.0) / c.MedianNs, c.GbPerS!.Value, 9);
            Assert.NotNull(c.PctBandwidth);
            // The roofline bound: the path's own width (scalar, or the best path's: avx512 512, avx2 256, neon 128), and the
            // read bandwidth of a buffer the size of its weights (16·16 + 16 floats = 1,088 bytes, "1.06 KiB"), measured by the
            // calibration; streamed cases rotate through copies, so memory bounds them.
            string width = c.Path switch { "scalar" => "scalar", "avx512" => "512", "avx2" => "256", "neon" => "128", _ => "?" };
            Assert.Equal(width, c.RoofWidth);
            bool streamed = c.Regime == "streamed";
            Assert.Equal(streamed ? "memory" : "footprint 1.06 KiB", c.RoofLevel);
            double bw = streamed ? cal.BandwidthGBsByLevel["memory"] : cal.BandwidthGBsByFootprint!["1088"];
            double bound = Math.Min(cal.FmaPeakGflopsByWidth[width], c.Gflops.Value / c.GbPerS.Value * bw);
            Assert.Equal(bound, c.RooflineGflops!.Value, 9);
            Assert.Equal(100 * c.Gflops.Value / bound, c.PctRoofline!.Value, 9);
            Assert.Equal(100 * c.Gflops.Value / cal.FmaPeakGflopsByWidth[widths[^1]], c.PctMachinePeak!.Value, 9);
            if (c.PctRoofline > 100) Assert.False(cal.Stable);
            // Memory read right beside every streamed case (it rotates through memory), never beside a cached one.
            if (streamed)
            {
                Assert.True(c.MemoryBesideGBs > 0);
                double besideBound = Math.Min(cal.FmaPeakGflopsByWidth[width], c.Gflops.Value / c.GbPerS.Value * c.MemoryBesideGBs!.Value);
                Assert.Equal(100 * c.Gflops.Value / besideBound, c.PctRooflineBeside!.Value, 9);
                if (c.PctRooflineBeside > 100) Assert.False(cal.Stable);
            }
            else
            {
                Assert.Null(c.MemoryBesideGBs);
                Assert.Null(c.PctRooflineBeside);
            }
            Assert.NotNull(c.AllocatedBytes);
            Assert.True(c.PeakWorkingSetBytes > 0);
            Assert.True(c.CorrectnessOk);
            Assert.Null(c.Energy); // no energy source on a test machine: empty, never zeros
        }
        Assert.Contains(s.Cases, c => c.Regime == "streamed");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "bdn"), "*-report-full.json"));
        Assert.True(File.Exists(Path.Combine(dir, SummaryCsv.FileName)));
    }

    /// <summary>
    /// The work and weights of each model case of preset ondevice-144, derived by hand from its configuration
    /// (D = 144, H = 4, F = 576, L = 16 layers, look-ahead R = 1, left context C = 30; default folding: shared
    /// weights, Q, K, V and O folded, FFN unfolded), never from the accounting code under test:
    /// <list type="bullet">
    /// <item>rows per step Q = T + R, keys per step S = C + T + R: T = 1 gives Q = 2, S = 32; T = 2 gives Q = 3, S = 33;</item>
    /// <item>projection MACs per layer: Q·4·D²/N (four D/N × D/N projections over N·Q sub-token rows), D² = 20,736,
    ///   so Q·82,944/N: 165,888 (T 1, N 1), 82,944 (T 1, N 2), 248,832 (T 2, N 1), 124,416 (T 2, N 2);</item>
    /// <item>score MACs per layer (QKᵀ and AV over N·Q queries and N·S keys of width D/N): 2·N·Q·S·D:
    ///   18,432 (T 1, N 1), 36,864 (T 1, N 2), 28,512 (T 2, N 1), 57,024 (T 2, N 2);</item>
    /// <item>FFN MACs per layer: 2·Q·D·F = Q·165,888: 331,776 (T 1), 497,664 (T 2);</item>
    /// <item>projections suite = all L layers' projections, 2 FLOP per MAC: 32·Q·82,944/N;
    ///   attention = one layer's projections and scores: 2·(proj + score);
    ///   encoder = L layers of projections, scores and FFN: 32·(proj + score + ffn);</item>
    /// <item>encoder weight bytes = 4·L·(attention projections 4·((D/N)² + D/N) + FFN 2·D·F + F + D + norms 3·2·D):
    ///   N 1: 64·(83,520 + 166,608 + 864) = 16,063,488; N 2: 64·(21,024 + 166,608 + 864) = 12,063,744;
    ///   the projections' weights alone: 64·83,520 = 5,345,280 and 64·21,024 = 1,345,536.</item>
    /// </list>
    /// </summary>
    private static readonly (string Suite, int Chunk, int Fold, long Flops)[] ModelCaseFlops =
    [
        // suite, chunk T, fold N, FLOP per operation
        ("projections", 1, 1, 32L * 2 * 82_944),            // 5,308,416
        ("projections", 1, 2, 32L * 2 * 82_944 / 2),        // 2,654,208
        ("projections", 2, 1, 32L * 3 * 82_944),            // 7,962,624
        ("projections", 2, 2, 32L * 3 * 82_944 / 2),        // 3,981,312
        ("attention", 1, 1, 2L * (165_888 + 18_432)),       // 368,640
        ("attention", 1, 2, 2L * (82_944 + 36_864)),        // 239,616
        ("attention", 2, 1, 2L * (248_832 + 28_512)),       // 554,688
        ("attention", 2, 2, 2L * (124_416 + 57_024)),       // 362,880
        ("encoder", 1, 1, 32L * (165_888 + 18_432 + 331_776)),  // 16,515,072
        ("encoder", 1, 2, 32L * (82_944 + 36_864 + 331_776)),   // 14,450,688
        ("encoder", 2, 1, 32L * (248_832 + 28_512 + 497_664)),  // 24,800,256
        ("encoder", 2, 2, 32L * (124_416 + 57_024 + 497_664)),  // 21,731,328
    ];

    [Fact]
    public void ModelSuitesDryRunMatchTheHandDerivedWork()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "projections,attention,encoder",
            "--presets", "ondevice-144", "--chunks", "1,2", "--folds", "1,2", "--out", dir, "--cpu", "none", "--no-plots");
        Assert.True(code == 0, err);
        var s = SummaryStore.Read(dir);
        Assert.True(s.Complete);
        Assert.Equal(ModelCaseFlops.Length, s.Cases.Count);
        foreach (var (suite, chunk, fold, flops) in ModelCaseFlops)
        {
            var c = s.Cases.Single(x => x.Suite == suite && x.ChunkTokens == chunk && x.Fold == fold);
            Assert.Equal(flops / c.MedianNs, c.Gflops!.Value, 9);
            Assert.Equal("ondevice-144", c.Preset);
            Assert.Equal(chunk / (c.MedianNs * 1e-9), c.TokensPerS!.Value, 6);
            Assert.True(c.RealTimeFactor > 0);
            Assert.True(c.BytesPerToken > 0);
            Assert.NotNull(c.PctFmaPeak);
            Assert.NotNull(c.PctBandwidth);
            Assert.True(c.CorrectnessOk, c.Name);
            Assert.False(string.IsNullOrEmpty(c.Path));
            long weights = (suite, fold) switch
            {
                ("encoder", 1) => 16_063_488,
                ("encoder", 2) => 12_063_744,
                ("projections", 1) => 5_345_280,
                ("projections", 2) => 1_345_536,
                _ => c.WeightBytes!.Value, // the attention block's own weights are not derived here
            };
            Assert.Equal(weights, c.WeightBytes);
        }
    }

    [Fact]
    public void FoldingOptionsRunAndAreRecordedPerCase()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "projections,attention,encoder",
            "--presets", "ondevice-144", "--chunks", "1", "--folds", "1,2", "--heads", "keep,reduce", "--sharing", "block-diagonal",
            "--fold-ffn", "--out", dir, "--cpu", "none", "--no-plots", "--no-calibration");
        Assert.True(code == 0, err);
        var s = SummaryStore.Read(dir);
        // Per suite the unfolded case once, and at N = 2 one case per combination of its options: projections 1
        // (block-diagonal, QKVO), attention 2 (keep, reduce), encoder 2 (keep, reduce; FFN folded): 2 + 3 + 3 = 8.
        Assert.Equal(8, s.Cases.Count);
        foreach (var c in s.Cases)
        {
            Assert.True(c.CorrectnessOk, c.Name);
            if (c.Fold == 1)
            {
                Assert.Null(c.Heads);
                Assert.Null(c.Sharing);
                Assert.Null(c.Projections);
                Assert.Null(c.FoldFfn);
                continue;
            }
            Assert.Equal("block-diagonal", c.Sharing);
            Assert.Equal("qkvo", c.Projections);
            Assert.Equal(c.Suite != "projections", c.Heads is not null);
            Assert.Equal(c.Suite == "encoder" ? true : null, c.FoldFfn);
            var o = new FoldBench.Model.FoldingOptions(2, FoldBench.Model.FoldingOptions.Names.ParseHeads(c.Heads ?? "keep"),
                FoldBench.Model.WeightSharing.BlockDiagonal, FoldBench.Model.FoldedProjections.Qkvo, c.FoldFfn == true);
            var acct = FoldBench.Model.ModelAccounting.Compute(FoldBench.Model.ModelPresets.Get("ondevice-144").WithChunk(1), o);
            double flops = c.Suite switch
            {
                "projections" => 2.0 * acct.ProjectionMacs,
                "attention" => acct.AttentionBlock.Flops,
                _ => acct.EncoderStep.Flops,
            };
            Assert.Equal(flops / c.MedianNs, c.Gflops!.Value, 9);
        }
        Assert.Equal(["keep", "reduce"], s.Cases.Where(c => c.Suite == "attention" && c.Fold == 2).Select(c => c.Heads));
        Assert.Equal(["keep", "reduce"], s.Cases.Where(c => c.Suite == "encoder" && c.Fold == 2).Select(c => c.Heads));
        // ondevice-144 (D = 144, 16 layers) at N = 2 with one (72×72 + 72) block per sub-position and projection:
        // 16 × 2 × 4 × (5,184 + 72) = 672,768 parameters, 2,691,072 bytes (unfolded: 16 × 4 × (144² + 144) = 1,336,320).
        var folded = s.Cases.Single(c => c.Suite == "projections" && c.Fold == 2);
        Assert.Equal(2_691_072, folded.WeightBytes);
        Assert.Equal(1_336_320 * 4, s.Cases.Single(c => c.Suite == "projections" && c.Fold == 1).WeightBytes);
        // The kernel call of a block-diagonal projection: M = T + R = 2 rows per block, K = N = 72.
        Assert.Equal(2, folded.M);
        Assert.Equal(72, folded.K);
        Assert.Equal(72, folded.N);
    }

    [Fact]
    public void RnntSuiteDryRunTimesEachPartAndReportsWhereTheTimeGoes()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "rnnt",
            "--presets", "ondevice-144", "--chunks", "2", "--folds", "1,2", "--out", dir, "--cpu", "none", "--no-plots");
        Assert.True(code == 0, err);
        var s = SummaryStore.Read(dir);
        Assert.True(s.Complete);
        // 2 folds × (step, encoder, predictor, joiner); the parts of one cell run one after another.
        Assert.Equal(2 * 4, s.Cases.Count);
        Assert.Equal(["step", "encoder", "predictor", "joiner"], s.Cases.Take(4).Select(c => c.Part));
        Assert.Single(s.Cases.Take(4).Select(c => (c.ChunkTokens, c.Fold)).Distinct());
        foreach (var c in s.Cases)
        {
            Assert.Equal("rnnt", c.Suite);
            Assert.Equal(1, c.SymbolStepsPerFrame);
            Assert.True(c.CorrectnessOk, c.Name);
            Assert.EndsWith(" " + c.Part, c.Name);
            var config = FoldBench.Model.ModelPresets.Get("ondevice-144").WithChunk(c.ChunkTokens!.Value);
            var cost = FoldBench.Model.RnntStepCost.Compute(config, new FoldBench.Model.FoldingOptions(c.Fold), 1).Part(c.Part!);
            Assert.Equal(cost.Flops / c.MedianNs, c.Gflops!.Value, 9);
            Assert.Equal(cost.WeightBytes, c.WeightBytes);
        }
        // Folding shrinks only the encoder: the predictor's and joiner's weights are the same at N = 2.
        foreach (var part in new[] { "predictor", "joiner" })
            Assert.Single(s.Cases.Where(c => c.Part == part).Select(c => c.WeightBytes).Distinct());
        var step = s.Cases.Where(c => c.Part == "step").ToDictionary(c => c.Fold);
        Assert.True(step[2].WeightBytes < step[1].WeightBytes);

        var report = FoldBench.Reporting.ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("## Whole RNN-T step (preset ondevice-144,", report);
        Assert.Contains("**1 symbol step per frame**", report);
        Assert.Contains("### Where the time and the energy go", report);
    }

    [Fact]
    public async Task ConcurrentSweepsKeepTheirOwnSettingsAndChecks()
    {
        // Two sweeps in one process at once: each case must carry its own sweep's shape and its own check.
        string[] dirs = [NewDir(), NewDir()];
        int[] kn = [8, 24];
        var runs = Enumerable.Range(0, 2).Select(i => Task.Run(() => CommandLineTests.Invoke("run", "--job", "dry", "--suites", "kernels",
            "--paths", "scalar", "--m", "1,3", "--kn", kn[i].ToString(System.Globalization.CultureInfo.InvariantCulture), "--regimes", "cache",
            "--out", dirs[i], "--cpu", "none", "--no-plots", "--no-calibration"))).ToArray();
        var results = await Task.WhenAll(runs);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(results[i].Code == 0, results[i].Err);
            var s = SummaryStore.Read(dirs[i]);
            Assert.Equal(2, s.Cases.Count);
            Assert.All(s.Cases, c => Assert.Equal(kn[i], c.K));
            Assert.All(s.Cases, c => Assert.True(c.CorrectnessOk, c.Name));
        }
    }

    [Fact]
    public void RefusesToOverwriteAnExistingResultsFolder()
    {
        string dir = NewDir();
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, SummaryStore.FileName), "{}");
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "kernels", "--paths", "scalar", "--m", "1",
            "--kn", "8", "--regimes", "cache", "--out", dir, "--cpu", "none", "--no-plots", "--no-calibration");
        Assert.Equal(1, code);
        Assert.Contains("already holds a summary.json", err);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(dir, SummaryStore.FileName)));
    }
}
