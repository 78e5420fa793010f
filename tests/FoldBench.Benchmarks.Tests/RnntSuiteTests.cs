using BenchmarkDotNet.Configs;
using FoldBench.Benchmarks.Correctness;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Model;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Tests;

public class RnntSuiteTests
{
    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (var p in KernelPaths.Supported) data.Add(p.Name());
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_rnnt_check_passes_on_every_path(string path)
    {
        var c = ModelPresets.Get("ondevice-144").WithChunk(2) with { Layers = 2 };
        Assert.True(CaseChecks.RnntStep(c, new FoldingOptions(2), KernelPaths.Parse(path)));
    }

    [Fact]
    public void Cases_are_preset_chunk_fold_with_the_four_parts_together()
    {
        var settings = new SweepSettings { Suites = [SuiteNames.Rnnt], Presets = ["ondevice-144"], StepChunkTokens = [1, 4], Folds = [1, 2], RnntSymbolStepsPerFrame = 2 };
        var cases = SuiteCases.For(SuiteNames.Rnnt, settings, DefaultConfig.Instance);
        Assert.Equal(2 * 2 * 4, cases.Count);
        var rows = cases.Select(bc => (Chunk: CaseDescriber.Param<int>(bc, "ChunkTokens"), Fold: CaseDescriber.Param<int>(bc, "Fold"),
            Part: CaseDescriber.RnntPart(bc), K: CaseDescriber.Param<int>(bc, "SymbolStepsPerFrame"))).ToList();
        Assert.All(rows, r => Assert.Equal(2, r.K));
        for (int i = 0; i < rows.Count; i += 4)
        {
            Assert.Single(rows.Skip(i).Take(4).Select(r => (r.Chunk, r.Fold)).Distinct());
            Assert.Equal(RnntPartNames.Parts.Append(RnntPartNames.Step).Order(), rows.Skip(i).Take(4).Select(r => r.Part).Order());
        }
        Assert.Equal("rnnt ondevice-144 T=4 fold=2 joiner", CaseDescriber.ShortName(SuiteNames.Rnnt,
            cases.Single(bc => CaseDescriber.RnntPart(bc) == "joiner" && CaseDescriber.Param<int>(bc, "ChunkTokens") == 4 && CaseDescriber.Param<int>(bc, "Fold") == 2)));
    }
}
