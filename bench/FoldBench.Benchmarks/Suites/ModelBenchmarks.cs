using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
using FoldBench.Model;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// Shared parameters of the model suites: preset × chunk size × fold factor, the folding options, and the kernel
/// path. They are set per case from the sweep's settings (see <see cref="SuiteCases"/>), which sets only the
/// options a suite has (<see cref="SuiteCases.FoldingParameters"/>); the others keep the paper's defaults.
/// </summary>
public abstract class ModelSuiteBase
{
    public string Preset { get; set; } = "emformer-base";
    public int ChunkTokens { get; set; } = 1;
    public int Fold { get; set; } = 1;
    /// <summary>"keep" or "reduce" (<see cref="FoldingOptions.Names"/>).</summary>
    public string Heads { get; set; } = FoldingOptions.Names.Of(HeadPolicy.KeepHeads);
    /// <summary>"shared" or "block-diagonal".</summary>
    public string Sharing { get; set; } = FoldingOptions.Names.Of(WeightSharing.Shared);
    /// <summary>"qkvo" or "qkv".</summary>
    public string Projections { get; set; } = FoldingOptions.Names.Of(FoldedProjections.Qkvo);
    public bool FoldFfn { get; set; }
    public string Path { get; set; } = "scalar";
    /// <summary>Threads each projection is split across (`--threads`); 1, the default, runs the kernels on the benchmark thread alone.</summary>
    public int Threads { get; set; } = 1;
    /// <summary>
    /// "fp32" or "int8" (<see cref="Precisions.Name"/>): the number format of every linear layer; at int8 they run on the
    /// path's int8 counterpart (<see cref="Precisions.Int8Counterpart"/>), split across <see cref="Threads"/> as at fp32, and
    /// scores, softmax and norms stay fp32.
    /// </summary>
    public string Precision { get; set; } = Kernels.Precision.Fp32.Name();

    /// <summary>The projection workers of a case with <see cref="Threads"/> above 1 (<see cref="ProjectionThreads"/>); null otherwise.</summary>
    protected ProjectionPool? Pool { get; private set; }

    /// <summary>Starts the case's projection workers; a suite's setup calls it before it builds its model.</summary>
    protected ProjectionPool? StartThreads()
    {
        Pool?.Dispose();
        return Pool = ProjectionThreads.Start(Threads);
    }

    [GlobalCleanup]
    public void StopThreads()
    {
        Pool?.Dispose();
        Pool = null;
    }

    protected ModelConfig Config() => ModelPresets.Get(Preset).WithChunk(ChunkTokens);

    protected FoldingOptions Options() => new(Fold, FoldingOptions.Names.ParseHeads(Heads), FoldingOptions.Names.ParseSharing(Sharing),
        FoldingOptions.Names.ParseProjections(Projections), FoldFfn);

    protected KernelPath KernelPath => KernelPaths.Parse(Path);

    protected Precision NumberFormat => Precisions.Parse(Precision);

    /// <summary>
    /// Why a model case with these parameters cannot run here, or null: int8 on a path without an int8 kernel
    /// (portable), or an int8 kernel this CPU lacks. For the sweep to skip such a case with a reason instead of failing its setup.
    /// </summary>
    public static string? WhyNot(string path, string precision)
    {
        if (Precisions.Parse(precision) != Kernels.Precision.Int8) return null;
        var int8 = Precisions.Int8Counterpart(KernelPaths.Parse(path));
        if (int8 is null) return $"kernel path '{path}' has no int8 counterpart";
        if (!QuantizedPaths.IsSupported(int8.Value)) return $"int8 kernel path '{int8.Value.Name()}' is not supported on this CPU";
        return null;
    }

    /// <summary>The value of the folding parameter <paramref name="name"/> (a property above) that stands for <paramref name="o"/>.</summary>
    public static object Spelling(FoldingOptions o, string name)
    {
        ArgumentNullException.ThrowIfNull(o);
        return name switch
        {
            nameof(Heads) => FoldingOptions.Names.Of(o.Heads),
            nameof(Sharing) => FoldingOptions.Names.Of(o.Sharing),
            nameof(Projections) => FoldingOptions.Names.Of(o.Projections),
            nameof(FoldFfn) => o.FoldFfn,
            _ => throw new ArgumentException($"'{name}' is not a folding parameter", nameof(name)),
        };
    }
}

/// <summary>One layer's multi-head attention block on folded tokens, one streaming step per operation.</summary>
public class AttentionBlockBenchmarks : ModelSuiteBase
{
    private AttentionBlock _block = null!;
    private float[] _input = [], _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var c = Config();
        var o = Options();
        c.Validate(o);
        _block = new AttentionBlock(c, o, KernelPath, seed: 11, StartThreads(), NumberFormat);
        // One block of a model whose layers exceed the last-level cache would stream; alone it does so only when it
        // exceeds the cache itself (the regime the describer reports).
        if (_block.WeightBytes > CacheInfo.LastLevelCacheBytes()) _block.SetWeightResidency(WeightResidency.Memory);
        _input = Inputs.Uniform(new Random(3), _block.InputLength);
        _output = new float[_block.OutputLength];
    }

    [Benchmark]
    public void Step() => _block.Step(_input, _output);
}

/// <summary>A streaming encoder step: all L layers over one chunk, caches carried to the next chunk.</summary>
public class EncoderStepBenchmarks : ModelSuiteBase
{
    private StreamingEncoder _encoder = null!;
    private float[] _input = [], _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var c = Config();
        var o = Options();
        c.Validate(o);
        _encoder = new StreamingEncoder(c, o, KernelPath, seed: 13, StartThreads(), NumberFormat);
        // Layer after layer, weights larger than the last-level cache come from memory on every step: the kernels are told.
        if (_encoder.WeightBytes > CacheInfo.LastLevelCacheBytes()) _encoder.SetWeightResidency(WeightResidency.Memory);
        _input = Inputs.Uniform(new Random(5), _encoder.InputLength);
        _output = new float[_encoder.OutputLength];
    }

    [Benchmark]
    public void Step() => _encoder.Step(_input, _output);
}
