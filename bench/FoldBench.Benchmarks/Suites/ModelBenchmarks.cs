using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Model;

namespace FoldBench.Benchmarks.Suites;

/// <summary>Shared parameters of the model suites: preset × chunk size × fold factor.</summary>
public abstract class ModelSuiteBase
{
    [ParamsSource(nameof(PresetValues))] public string Preset { get; set; } = "emformer-base";
    [ParamsSource(nameof(ChunkValues))] public int ChunkTokens { get; set; }
    [ParamsSource(nameof(FoldValues))] public int Fold { get; set; }

    public static IEnumerable<string> PresetValues => SweepSettings.Current.Presets;
    public static IEnumerable<int> ChunkValues => SweepSettings.Current.StepChunkTokens;
    public static IEnumerable<int> FoldValues => SweepSettings.Current.Folds;

    protected ModelConfig Config() => ModelPresets.Get(Preset).WithChunk(ChunkTokens);

    protected FoldingOptions Options() => new(Fold);

    protected static KernelPath Path => KernelPaths.Parse(SweepSettings.Current.ModelPath);

    /// <summary>Steps run before the check, so the left-context cache is full (steady state).</summary>
    protected static int StepsToFill(ModelConfig c) => (c.LeftContextTokens + c.ChunkTokens - 1) / c.ChunkTokens + 1;

    /// <summary>The fast path and the scalar reference, fed the same chunks, must agree.</summary>
    protected static bool Agree(Action<float[], float[]> fast, Action<float[], float[]> scalar, int inputLength, int outputLength, int steps, int k)
    {
        var rng = new Random(7);
        var a = new float[outputLength];
        var b = new float[outputLength];
        bool ok = true;
        for (int s = 0; s < steps; s++)
        {
            var input = CaseCheck.RandomData(rng, inputLength);
            fast(input, a);
            scalar(input, b);
            ok &= CaseCheck.Close(b, a, k);
        }
        return ok;
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
        _block = new AttentionBlock(c, o, Path, seed: 11);
        var reference = new AttentionBlock(c, o, KernelPath.Scalar, seed: 11);
        CaseCheck.Record(Agree((i, y) => _block.Step(i, y), (i, y) => reference.Step(i, y),
            _block.InputLength, _block.OutputLength, StepsToFill(c), c.Width));
        _block.ResetCache();
        _input = CaseCheck.RandomData(new Random(3), _block.InputLength);
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
        _encoder = new StreamingEncoder(c, o, Path, seed: 13);
        // A scalar twin of a large model takes long to run: check the first two layers' worth.
        var small = c with { Layers = Math.Min(c.Layers, 2) };
        var fast = new StreamingEncoder(small, o, Path, seed: 13);
        var reference = new StreamingEncoder(small, o, KernelPath.Scalar, seed: 13);
        CaseCheck.Record(Agree((i, y) => fast.Step(i, y), (i, y) => reference.Step(i, y),
            fast.InputLength, fast.OutputLength, StepsToFill(c), Math.Max(c.Width, c.FfnWidth)));
        _input = CaseCheck.RandomData(new Random(5), _encoder.InputLength);
        _output = new float[_encoder.OutputLength];
    }

    [Benchmark]
    public void Step() => _encoder.Step(_input, _output);
}
