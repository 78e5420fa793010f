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
/// </summary>
public class ProjectionBenchmarks
{
    public const int ProjectionsPerLayer = 4;

    [ParamsSource(nameof(PresetValues))] public string Preset { get; set; } = "emformer-base";
    [ParamsSource(nameof(ChunkValues))] public int ChunkTokens { get; set; }
    [ParamsSource(nameof(FoldValues))] public int Fold { get; set; }

    public static IEnumerable<string> PresetValues => SweepSettings.Current.Presets;
    public static IEnumerable<int> ChunkValues => SweepSettings.Current.ChunkTokens;
    public static IEnumerable<int> FoldValues => SweepSettings.Current.Folds;

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
        var path = KernelPaths.Parse(SweepSettings.Current.ModelPath);
        _width = c.Width;
        _rows = Rows(c);
        int sub = FoldedProjection.SubWidth(c.Width, Fold);
        var rng = new Random(42);
        _weights = new PackedWeights[c.Layers * ProjectionsPerLayer];
        float[]? firstW = null, firstB = null;
        for (int i = 0; i < _weights.Length; i++)
        {
            var w = CaseCheck.RandomData(rng, sub * sub);
            var b = CaseCheck.RandomData(rng, sub);
            if (i == 0) { firstW = w; firstB = b; }
            _weights[i] = PackedWeights.Pack(w, sub, sub, b, path);
        }
        _x = CaseCheck.RandomData(rng, _rows * _width);
        _y = new float[_rows * _width];

        // The fast path, folded, must equal the scalar reference on the folded view.
        var reference = PackedWeights.Pack(firstW, sub, sub, firstB, KernelPath.Scalar);
        var expected = new float[_y.Length];
        Linear.Project(_x, _rows * Fold, reference, expected);
        FoldedProjection.Project(_x, _rows, _width, Fold, _weights[0], _y);
        CaseCheck.Record(CaseCheck.Close(expected, _y, sub));
    }

    [Benchmark]
    public void Step()
    {
        foreach (var w in _weights)
            FoldedProjection.Project(_x, _rows, _width, Fold, w, _y);
    }
}
