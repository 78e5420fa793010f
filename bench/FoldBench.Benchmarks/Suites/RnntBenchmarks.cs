using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Model;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// A whole streaming RNN-T step over one chunk (<see cref="RnntStep"/>): the transcriber (input linear,
/// time reduction, the encoder step, output linear), then <see cref="SymbolStepsPerFrame"/> greedy symbol
/// steps per frame through the joiner and the predictor. Besides the whole step, each part is timed on
/// its own, so that the report can say where the time and the energy go. `--precision int8` runs every linear layer of
/// the transcriber, predictor and joiner int8 (<see cref="ModelSuiteBase.Precision"/>).
/// </summary>
public class RnntStepBenchmarks : ModelSuiteBase
{
    private RnntStep _step = null!;
    private float[] _input = [];

    /// <summary>Joiner and predictor calls per encoder frame (each taken as emitting a symbol).</summary>
    public int SymbolStepsPerFrame { get; set; } = 1;

    /// <summary>The part a benchmark method times (<see cref="RnntPartNames"/>).</summary>
    public static string PartOf(string method) => method switch
    {
        nameof(Step) => RnntPartNames.Step,
        nameof(Encoder) => RnntPartNames.Encoder,
        nameof(Predictor) => RnntPartNames.Predictor,
        nameof(Joiner) => RnntPartNames.Joiner,
        _ => throw new ArgumentException($"'{method}' is not a part of the rnnt suite", nameof(method)),
    };

    [GlobalSetup]
    public void Setup()
    {
        var c = Config();
        var o = Options();
        c.Validate(o);
        _step = new RnntStep(c, o, KernelPath, seed: 17, SymbolStepsPerFrame, StartThreads(), NumberFormat);
        // As the encoder suite: an encoder whose weights exceed the last-level cache reads them from memory on every step.
        var encoder = _step.Transcriber.Encoder;
        if (encoder.WeightBytes > CacheInfo.LastLevelCacheBytes()) encoder.SetWeightResidency(WeightResidency.Memory);
        _input = Inputs.Uniform(new Random(9), _step.InputLength);
        _step.Step(_input);   // frames, symbols and predictor state for the parts timed alone
    }

    [Benchmark]
    public void Step() => _step.Step(_input);

    [Benchmark]
    public void Encoder() => _step.Encode(_input);

    [Benchmark]
    public void Predictor() => _step.RunPredictor();

    [Benchmark]
    public void Joiner() => _step.RunJoiner();
}
