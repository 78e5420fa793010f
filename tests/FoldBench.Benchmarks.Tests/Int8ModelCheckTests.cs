using FoldBench.Benchmarks.Correctness;
using FoldBench.Benchmarks.Suites;
using FoldBench.Kernels;
using FoldBench.Model;

namespace FoldBench.Benchmarks.Tests;

/// <summary>The model suites at int8: their checks against the double-precision reference within the int8 bound, and the suites' Precision parameter.</summary>
public class Int8ModelCheckTests
{
    public static TheoryData<string, string, int, WeightSharing, bool> Cases()
    {
        var data = new TheoryData<string, string, int, WeightSharing, bool>();
        foreach (var path in KernelPaths.Supported.Where(p => Precisions.Int8Counterpart(p) is not null))
        {
            data.Add(path.Name(), "ondevice-144", 1, WeightSharing.Shared, false);
            data.Add(path.Name(), "ondevice-144", 4, WeightSharing.BlockDiagonal, true);
        }
        data.Add(KernelPaths.Best.Name(), "ondevice-256", 2, WeightSharing.Shared, false);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8_model_checks_pass_within_the_bound_and_report_the_error(string path, string preset, int fold, WeightSharing sharing, bool foldFfn)
    {
        var c = ModelPresets.Get(preset).WithChunk(2);
        var o = new FoldingOptions(fold, Sharing: sharing, FoldFfn: foldFfn);
        var kernel = KernelPaths.Parse(path);
        foreach (var (name, outcome) in new[]
        {
            ("attention block", CaseChecks.AttentionBlockInt8(c, o, kernel)),
            ("encoder step", CaseChecks.EncoderStepInt8(c, o, kernel)),
            ("rnnt step", CaseChecks.RnntStepInt8(c with { Layers = 2 }, o, kernel)),
        })
        {
            Assert.True(outcome.Correct, $"{name} at int8 on {path}, {o.Describe()}: {outcome.Int8}");
            var error = Assert.NotNull(outcome.Int8);
            // An error was measured, and int8 really ran: the fp32 kernels agree with the reference to ~1e-6.
            Assert.True(error.Relative > 1e-4 && error.Rms > 0 && error.Rms <= error.Max, $"{name} on {path}: {error}");
        }
    }

    [Theory]
    [InlineData("portable", "int8", 1, "kernel path 'portable' has no int8 counterpart")]
    [InlineData("scalar", "int8", 2, null)]
    [InlineData("scalar", "int8", 1, null)]
    [InlineData("portable", "fp32", 4, null)]
    public void Why_a_model_case_cannot_run_is_said_before_its_setup(string path, string precision, int threads, string? why)
    {
        Assert.Equal(why, ModelSuiteBase.WhyNot(path, precision));
        if (why is not null)
        {
            var suite = new EncoderStepBenchmarks { Preset = "ondevice-144", ChunkTokens = 1, Path = path, Precision = precision, Threads = threads };
            try
            {
                Assert.Throws<ArgumentException>(suite.Setup);
            }
            finally
            {
                suite.StopThreads();
            }
        }
    }

    [Fact]
    public void A_suite_at_int8_is_refused_where_int8_cannot_run_as_asked()
    {
        AttentionBlockBenchmarks Suite(string path, string precision, int threads = 1) =>
            new() { Preset = "ondevice-144", ChunkTokens = 1, Fold = 2, Path = path, Precision = precision, Threads = threads };

        var portable = Suite("portable", "int8");
        Assert.Contains("no int8 counterpart", Assert.Throws<ArgumentException>(portable.Setup).Message);
        Assert.Contains("unknown precision 'int4'", Assert.Throws<ArgumentException>(Suite("scalar", "int4").Setup).Message);
        // fp32 is the default, and int8 on a path with a counterpart sets up and steps.
        Assert.Equal("fp32", new EncoderStepBenchmarks().Precision);
        var int8 = Suite("scalar", "int8");
        int8.Setup();
        int8.Step();
        var rnnt = new RnntStepBenchmarks { Preset = "ondevice-144", ChunkTokens = 1, Fold = 2, Path = "scalar", Precision = "int8" };
        rnnt.Setup();
        rnnt.Step();
    }

    /// <summary>int8 model and projection suites on two threads set up and step, as at fp32 (they were refused before int8 had a pool).</summary>
    [Fact]
    public void Int8_suites_on_two_threads_set_up_and_step()
    {
        Assert.SkipWhen(Environment.ProcessorCount < 2, "two projection threads need two CPUs");
        var path = KernelPaths.Best.Name();
        ModelSuiteBase[] suites =
        [
            new AttentionBlockBenchmarks { Preset = "ondevice-144", ChunkTokens = 1, Fold = 2, Path = path, Precision = "int8", Threads = 2 },
            new RnntStepBenchmarks { Preset = "ondevice-144", ChunkTokens = 1, Fold = 2, Path = path, Precision = "int8", Threads = 2 },
            new ProjectionBenchmarks { Preset = "ondevice-144", ChunkTokens = 1, Fold = 2, Path = path, Precision = "int8", Threads = 2 },
        ];
        foreach (var suite in suites)
            try
            {
                switch (suite)
                {
                    case AttentionBlockBenchmarks a: a.Setup(); a.Step(); break;
                    case RnntStepBenchmarks r: r.Setup(); r.Step(); break;
                    case ProjectionBenchmarks p: p.Setup(); p.Step(); break;
                }
            }
            finally
            {
                suite.StopThreads();
            }
    }
}
