using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Model;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// The attention projections (Q, K, V, output) of every layer of a model for one streaming step,
/// folded by N (shared (D/N)×(D/N) weights, M = N·(T+R) rows) against unfolded (N = 1). One
/// operation touches every layer's projection weights once, as a device running the model does:
/// when the model is larger than the last-level cache, they stream from memory.
/// The parameters are set per case from the sweep's settings (see <see cref="SuiteCases"/>).
/// </summary>
public class ProjectionBenchmarks
{
    public const int ProjectionsPerLayer = 4;

    public string Preset { get; set; } = "emformer-base";
    public int ChunkTokens { get; set; } = 1;
    public int Fold { get; set; } = 1;
    public string Path { get; set; } = "scalar";

    private PackedWeights[] _weights = [];
    private float[] _x = [], _y = [];
    private int _rows, _width;

    /// <summary>Rows (tokens) each projection reads per step: the chunk and its look-ahead.</summary>
    public static int Rows(ModelConfig c) => c.QueryTokens;

    [GlobalSetup]
    public void Setup()
    {
        var c = ModelPresets.Get(Preset).WithChunk(ChunkTokens);
        c.Validate(new FoldingOptions(Fold));
        var path = KernelPaths.Parse(Path);
        _width = c.Width;
        _rows = Rows(c);
        int sub = FoldedProjection.SubWidth(c.Width, Fold);
        var rng = new Random(42);
        _weights = new PackedWeights[c.Layers * ProjectionsPerLayer];
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] = PackedWeights.Pack(Inputs.Uniform(rng, sub * sub), sub, sub, Inputs.Uniform(rng, sub), path);
        }
        _x = Inputs.Uniform(rng, _rows * _width);
        _y = new float[_rows * _width];
    }

    [Benchmark]
    public void Step()
    {
        foreach (var w in _weights)
            FoldedProjection.Project(_x, _rows, _width, Fold, w, _y);
    }
}
