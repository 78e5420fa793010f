using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

/// <summary>A run with `--precision fp32,int8`: the int8-against-fp32 table, the fold tables per precision, the kernel charts split.</summary>
public class Int8ReportTests
{
    private static CaseResult Kernel(string precision, string path, int m, double ns, long weights) => new()
    {
        Suite = SuiteNames.Kernels, Name = $"avx2 M={m} K=N=512 cache{(precision == "int8" ? " int8" : "")}", Path = path, Precision = precision,
        Fp32Path = precision == "int8" ? "avx2" : null, M = m, K = 512, N = 512, Regime = RegimeNames.Cache, MedianNs = ns,
        Gflops = 2.0 * m * 512 * 512 / ns, GbPerS = 1, WeightBytes = weights,
        QuantizationError = precision == "int8" ? new QuantizationError { MaxAbs = 0.05, Rms = 0.0125, MaxAbsReference = 10 } : null,
    };

    private static CaseResult Projection(string precision, string path, int fold, double ns, long weights) => new()
    {
        Suite = SuiteNames.Projections, Name = $"projections ondevice-144 T=2 fold={fold}{(precision == "int8" ? " int8" : "")}", Path = path,
        Precision = precision, Fp32Path = precision == "int8" ? "avx2" : null, Preset = "ondevice-144", ChunkTokens = 2, Fold = fold,
        M = 3 * fold, K = 144 / fold, N = 144 / fold, Regime = RegimeNames.Cache, MedianNs = ns, TokensPerS = 2 / (ns * 1e-9), WeightBytes = weights,
        QuantizationError = precision == "int8" ? new QuantizationError { MaxAbs = 0.2, Rms = 0.04, MaxAbsReference = 8 } : null,
    };

    private static RunSummary Run() => new()
    {
        Cases =
        [
            Kernel("fp32", "avx2", 4, 4000, 1_050_624), Kernel("int8", "int8-avxvnni", 4, 1000, 266_240),
            Kernel("fp32", "portable", 4, 5000, 1_050_624),
            new CaseResult { Suite = SuiteNames.Kernels, Name = "portable M=4 K=N=512 cache int8", Path = "portable", Precision = "int8",
                Unavailable = "path 'portable' has no int8 counterpart" },
            Projection("fp32", "avx2", 1, 2e6, 5_345_280), Projection("int8", "int8-avxvnni", 1, 1e6, 1_400_832),
            Projection("fp32", "avx2", 2, 1e6, 1_345_536), Projection("int8", "int8-avxvnni", 2, 0.8e6, 368_640),
        ],
    };

    private static List<string[]> Rows(string md, string heading) =>
        [.. md[md.IndexOf(heading, StringComparison.Ordinal)..].Split('\n')
            .SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())];

    [Fact]
    public void Each_int8_case_sits_beside_its_fp32_twin_with_time_and_weight_ratios_and_its_accuracy_cost()
    {
        string md = ReportGenerator.RenderReportMarkdown(Run());
        Assert.Contains("## int8 against fp32", md);
        var rows = Rows(md, "## int8 against fp32");
        Assert.Equal(3, rows.Count); // the kernel and both projections folds; portable has no int8 twin that ran
        // Kernel: 1 µs against 4 µs, 266,240 bytes against 1,050,624 (0.253); errors 0.05 max, 0.0125 RMS, 0.5% of max |Y| = 10.
        Assert.Equal(["kernels", "avx2 M=4 K=N=512 cache", "avx2 → int8-avxvnni", "1", "—", "4", "512×512", "cache",
            "4.00 µs", "1.00 µs", "0.250", "1.00 MiB", "260 KiB", "0.253", "0.05", "0.0125", "0.5%"], rows[0]);
        Assert.Equal("0.500", rows[1][10]);   // fold 1: 1 ms against 2 ms
        Assert.Equal("0.262", rows[1][13]);   // 1,400,832 / 5,345,280
        Assert.Equal("2", rows[2][3]);
        Assert.Equal("0.800", rows[2][10]);
        Assert.Equal("2.5%", rows[2][16]);    // 0.2 / 8
        Assert.Contains("GOP/s", md[md.IndexOf("## int8 against fp32", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("- portable M=4 K=N=512 cache int8: path 'portable' has no int8 counterpart", md);
    }

    [Fact]
    public void Folded_against_unfolded_stays_within_each_precision()
    {
        string md = ReportGenerator.RenderReportMarkdown(Run());
        Assert.Contains("## Attention projections (preset ondevice-144, avx2)", md);
        Assert.Contains("## Attention projections (preset ondevice-144, int8-avxvnni)", md);
        // The int8 fold table's saving is int8 fold 2 against int8 fold 1: 0.8 ms against 1 ms, 20%.
        var int8 = Rows(md, "## Attention projections (preset ondevice-144, int8-avxvnni)");
        Assert.Equal(2, int8.Count);
        Assert.Equal("20.0%", int8[1][8]);
    }

    [Fact]
    public void The_kernel_table_says_its_throughput_column_is_gop_s_for_int8_and_the_charts_are_split_by_precision()
    {
        var s = Run();
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("GFLOP/s (int8: GOP/s)", md);
        var charts = ReportGenerator.ChartNames(s);
        Assert.Contains("kernels-throughput", charts);
        Assert.Contains("kernels-throughput-int8", charts);

        // An fp32-only run keeps its table heading and gets no int8 section or chart.
        var fp32 = new RunSummary { Cases = [.. s.Cases.Where(c => c.Precision == "fp32")] };
        string plain = ReportGenerator.RenderReportMarkdown(fp32);
        Assert.DoesNotContain("int8", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("kernels-throughput-int8", ReportGenerator.ChartNames(fp32));
    }
}
