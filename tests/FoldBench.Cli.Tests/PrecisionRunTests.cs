using FoldBench.Benchmarks.Suites;
using FoldBench.Kernels;
using FoldBench.Results;

namespace FoldBench.Cli.Tests;

/// <summary>`foldbench run --precision fp32,int8`: a bad value is one line; a tiny dry sweep writes fp32 and int8 rows and the int8 roofs.</summary>
public class PrecisionRunTests
{
    private static string NewDir() => Path.Combine(Path.GetTempPath(), "foldbench-precision-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("kernels", "fp16", "option --precision: unknown value 'fp16' (expected one of: fp32, int8)")]
    [InlineData("kernels", "fp32,int4", "option --precision: unknown value 'int4'")]
    [InlineData("peers", "int8", "foldbench run: option --precision changes none of the suites asked for (it applies to kernels, projections, attention, encoder, rnnt)")]
    public void A_bad_precision_is_one_line_and_exit_2(string suites, string value, string message)
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--suites", suites, "--precision", value, "--out", dir, "--cpu", "none");
        Assert.Equal(2, code);
        Assert.Contains(message, err.Split('\n')[0]);
        Assert.DoesNotContain("   at ", err);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_dry_sweep_at_fp32_and_int8_writes_both_precisions_rows_their_checks_and_the_int8_roofs()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "kernels,projections", "--precision", "fp32,int8",
            "--paths", "scalar,portable,best", "--m", "5", "--kn", "16", "--presets", "ondevice-144", "--chunks", "1", "--folds", "1,2",
            "--out", dir, "--cpu", "none");
        Assert.True(code == 0, err);
        var s = SummaryStore.Read(dir);
        Assert.True(s.Complete);

        // The int8 roofs: every int8 instruction this CPU has, at the start and at the end.
        var int8Paths = CalibrationBenchmarks.Int8Paths();
        var cal = s.Calibration!;
        if (int8Paths.Count > 0)
        {
            Assert.Equal(int8Paths.Order(), cal.Int8PeakGopsByPath!.Keys.Order());
            Assert.All(cal.Int8PeakGopsByPath.Values, v => Assert.True(v > 0));
            Assert.Equal(int8Paths.Order(), cal.Start!.Int8PeakGopsByPath.Keys.Order());
            Assert.Equal(int8Paths.Order(), cal.End!.Int8PeakGopsByPath.Keys.Order());
        }

        var paths = new[] { "scalar", "portable", KernelPaths.Best.Name() }.Distinct().ToList();
        var kernels = s.Cases.Where(c => c.Suite == SuiteNames.Kernels).ToList();
        Assert.Equal(paths.Count * 2 * 2, kernels.Count); // paths × regimes × precisions
        foreach (var c in kernels)
        {
            Assert.Contains(c.Precision, new[] { "fp32", "int8" });
            if (c.Precision == "fp32")
            {
                Assert.DoesNotContain("int8", c.Name, StringComparison.Ordinal);
                Assert.Null(c.QuantizationError);
                continue;
            }
            if (c.Unavailable is not null)
            {
                // Portable has no int8 counterpart: reported, not replaced.
                Assert.Equal("portable", c.Path);
                Assert.Contains("no int8 counterpart", c.Unavailable, StringComparison.Ordinal);
                continue;
            }
            var counterpart = Precisions.Int8Counterpart(KernelPaths.Parse(c.Fp32Path!))!.Value;
            Assert.Equal(FoldBench.Kernels.Quantized.QuantizedPaths.Name(counterpart), c.Path);
            Assert.EndsWith(" int8", c.Name, StringComparison.Ordinal);
            Assert.Equal(16 * 16 + 16 * 4 * 2L, c.WeightBytes);
            Assert.Equal(2.0 * 5 * 16 * 16 / c.MedianNs, c.Gflops!.Value, 9);
            Assert.Equal((384 + 5 * 16 * 4 * 2.0) / c.MedianNs, c.GbPerS!.Value, 9);
            Assert.Null(c.PctFmaPeak);
            Assert.True(c.CorrectnessOk, c.Name);
            Assert.NotNull(c.QuantizationError);
            Assert.True(c.QuantizationError!.MaxAbs > 0 && c.QuantizationError.RelativeMax < 0.05, c.Name);
            if (Roofline.Int8Peak(cal, c.Path) is not null) Assert.Equal(c.Path, c.RoofWidth);
        }
        Assert.Contains(kernels, c => c.Precision == "int8" && c.Unavailable is null && c.Regime == RegimeNames.Streamed);

        var projections = s.Cases.Where(c => c.Suite == SuiteNames.Projections).ToList();
        Assert.Equal(4, projections.Count); // folds × precisions
        foreach (var c in projections.Where(c => c.Precision == "int8"))
        {
            Assert.True(c.CorrectnessOk, c.Name);
            Assert.NotNull(c.QuantizationError);
            Assert.Equal(c.Fold == 1 ? 1_400_832L : 368_640L, c.WeightBytes);
        }
        Assert.Contains("precision", File.ReadLines(Path.Combine(dir, SummaryCsv.FileName)).First().Split(','));

        // The report pairs each int8 case with its fp32 twin, and the int8 kernels get a GOP/s chart of their own.
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("## int8 against fp32", report);
        Assert.True(File.Exists(Path.Combine(dir, "plots", "kernels-throughput-int8.png")));
        Assert.Contains("(plots/kernels-throughput-int8.png)", report);
    }

    [Fact]
    public void A_dry_rnnt_sweep_at_fp32_and_int8_counts_each_part_at_its_precision_and_checks_it()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "rnnt", "--precision", "fp32,int8", "--model-path", "scalar",
            "--presets", "ondevice-144", "--chunks", "2", "--folds", "2", "--out", dir, "--cpu", "none", "--no-plots", "--no-calibration");
        Assert.True(code == 0, err);
        var s = SummaryStore.Read(dir);
        Assert.True(s.Complete);
        // One cell: its four fp32 parts, then its four int8 parts.
        Assert.Equal(["fp32", "fp32", "fp32", "fp32", "int8", "int8", "int8", "int8"], s.Cases.Select(c => c.Precision));
        var config = FoldBench.Model.ModelPresets.Get("ondevice-144").WithChunk(2);
        foreach (var c in s.Cases)
        {
            Assert.Null(c.Unavailable);
            Assert.True(c.CorrectnessOk, c.Name);
            var precision = Precisions.Parse(c.Precision!);
            var cost = FoldBench.Model.RnntStepCost.Compute(config, new FoldBench.Model.FoldingOptions(2), 1, precision).Part(c.Part!);
            Assert.Equal(cost.WeightBytes, c.WeightBytes);
            Assert.Equal(cost.BytesMovedPerStep / 2.0, c.BytesPerToken!.Value, 6);
            if (precision == Precision.Fp32)
            {
                Assert.Equal($"rnnt ondevice-144 T=2 fold=2 {c.Part}", c.Name);
                Assert.Equal("scalar", c.Path);
                Assert.Null(c.QuantizationError);
            }
            else
            {
                Assert.Equal($"rnnt ondevice-144 T=2 fold=2 {c.Part} int8", c.Name);
                Assert.Equal("int8-scalar", c.Path);
                Assert.Equal("scalar", c.Fp32Path);
                Assert.True(c.QuantizationError is { MaxAbs: > 0 }, c.Name);
            }
        }
        // The report has the int8 section, and the int8 parts a whole-RNN-T section of their own (by their int8 path).
        string report = FoldBench.Reporting.ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("## int8 against fp32", report);
        Assert.Contains("## Whole RNN-T step (preset ondevice-144, scalar)", report);
        Assert.Contains("## Whole RNN-T step (preset ondevice-144, int8-scalar)", report);
    }
}
