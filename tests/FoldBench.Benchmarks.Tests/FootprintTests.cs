using BenchmarkDotNet.Configs;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Tests;

/// <summary>
/// The weight footprint the calibration reads for each case, known before the case runs, derived by hand:
/// <list type="bullet">
/// <item>a kernel case at K = N = 512 re-reads its 512×512 weights and 512 biases: (262,144 + 512) × 4 = 1,050,624 bytes;
///   streamed, it rotates through copies larger than any cache, so memory bounds it and it has no footprint;</item>
/// <item>ondevice-144 (D = 144, L = 16): the projections suite re-reads 4·L = 64 projections of (D/N)² + D/N floats:
///   N = 1: 64·(20,736 + 144)·4 = 5,345,280; N = 2: 64·(5,184 + 72)·4 = 1,345,536;</item>
/// <item>its encoder step adds per layer the FFN (2·D·F + F + D = 166,608 floats, F = 576) and three norms (6·D = 864):
///   N = 1: 16·(20,880·4 + 166,608 + 864)·4 = 16,063,488; N = 2: 16·(5,256·4 + 166,608 + 864)·4 = 12,063,744.</item>
/// </list>
/// </summary>
public class FootprintTests
{
    private static readonly SweepSettings Settings = new()
    {
        KernelPaths = ["scalar"],
        KernelM = [4],
        KernelKN = [512],
        Presets = ["ondevice-144"],
        ChunkTokens = [2],
        StepChunkTokens = [2],
        Folds = [1, 2],
    };

    [Fact]
    public void Kernel_cases_re_read_their_weights_unless_streamed()
    {
        var cases = SuiteCases.For(SuiteNames.Kernels, Settings, DefaultConfig.Instance);
        Assert.Equal(1_050_624L, CaseDescriber.Footprint(SuiteNames.Kernels, cases.Single(c => CaseDescriber.Param<string>(c, "Regime") == "cache")));
        Assert.Null(CaseDescriber.Footprint(SuiteNames.Kernels, cases.Single(c => CaseDescriber.Param<string>(c, "Regime") == "streamed")));
    }

    [Theory]
    [InlineData(SuiteNames.Projections, 1, 5_345_280L)]
    [InlineData(SuiteNames.Projections, 2, 1_345_536L)]
    [InlineData(SuiteNames.Encoder, 1, 16_063_488L)]
    [InlineData(SuiteNames.Encoder, 2, 12_063_744L)]
    public void Model_cases_re_read_their_weights(string suite, int fold, long bytes)
    {
        var bc = SuiteCases.For(suite, Settings, DefaultConfig.Instance).Single(c => CaseDescriber.Param<int>(c, "Fold") == fold);
        Assert.Equal(bytes, CaseDescriber.Footprint(suite, bc));
    }
}
