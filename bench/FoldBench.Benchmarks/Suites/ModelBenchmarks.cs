using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Model;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// Shared parameters of the model suites: preset × chunk size × fold factor, and the kernel path.
/// They are set per case from the sweep's settings (see <see cref="SuiteCases"/>).
/// </summary>
public abstract class ModelSuiteBase
{
    public string Preset { get; set; } = "emformer-base";
    public int ChunkTokens { get; set; } = 1;
    public int Fold { get; set; } = 1;
    public string Path { get; set; } = "scalar";

    protected ModelConfig Config() => ModelPresets.Get(Preset).WithChunk(ChunkTokens);

    protected FoldingOptions Options() => new(Fold);

    protected KernelPath KernelPath => KernelPaths.Parse(Path);
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
        _block = new AttentionBlock(c, o, KernelPath, seed: 11);
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
        _encoder = new StreamingEncoder(c, o, KernelPath, seed: 13);
        _input = Inputs.Uniform(new Random(5), _encoder.InputLength);
        _output = new float[_encoder.OutputLength];
    }

    [Benchmark]
    public void Step() => _encoder.Step(_input, _output);
}
