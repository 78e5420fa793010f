using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Model;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// The attention projections (Q, K, V, output) of every layer of a model for one streaming step, folded by N
/// against unfolded (N = 1), as the folding options lay them out: one (D/N)×(D/N) block shared by every sub-position
/// (M = N·(T+R) rows in one kernel call) or one block per sub-position (block-diagonal: N strided calls of
/// M = T+R rows); with only QKV folded, the output projection stays one D×D layer. One operation touches every
/// layer's projection weights once, as a device running the model does: when the model is larger than the
/// last-level cache, they stream from memory. The head policy and the FFN do not enter the projections.
/// The parameters are set per case from the sweep's settings (see <see cref="SuiteCases"/>).
/// </summary>
public class ProjectionBenchmarks : ModelSuiteBase
{
    public const int ProjectionsPerLayer = 4;

    private AttentionProjection[] _projections = [];
    private float[] _x = [], _y = [];
    private int _rows;

    /// <summary>Rows (tokens) each projection reads per step: the chunk and its look-ahead.</summary>
    public static int Rows(ModelConfig c) => c.QueryTokens;

    /// <summary>
    /// One layer's four projections for these options, seeded: Q, K, V folded by N with 1 or N blocks; the output
    /// projection likewise, or unfolded with one D×D block when only QKV fold.
    /// </summary>
    public static AttentionProjection[] Layer(FoldGeometry g, Random rng, KernelPath path) =>
    [
        .. Enumerable.Range(0, ProjectionsPerLayer - 1).Select(_ => AttentionProjection.Random(g.Width, g.Fold, g.AttentionBlocks, rng, path)),
        AttentionProjection.Random(g.Width, g.OutputFold, g.OutputBlocks, rng, path),
    ];

    [GlobalSetup]
    public void Setup()
    {
        var c = Config();
        var g = new FoldGeometry(c, Options());
        var path = KernelPath;
        _rows = Rows(c);
        var rng = new Random(42);
        _projections = [.. Enumerable.Range(0, c.Layers).SelectMany(_ => Layer(g, rng, path))];
        _x = Inputs.Uniform(rng, _rows * c.Width);
        _y = new float[_rows * c.Width];
        StartThreads();
    }

    [Benchmark]
    public void Step()
    {
        foreach (var p in _projections) p.Apply(_x, _rows, _y, Pool);
    }
}

/// <summary>
/// One attention projection of D-wide tokens, folded by <see cref="Fold"/>: sub-position j of every token goes
/// through block j (block-diagonal) or through the one shared block. Keeps the unpacked weights only until packed.
/// </summary>
public sealed class AttentionProjection
{
    private readonly PackedWeights[] _blocks;

    /// <param name="blocks">Each block's [sub × sub] weights (row-major, PyTorch layout) and sub biases, sub = width / fold.</param>
    public AttentionProjection(int width, int fold, IReadOnlyList<(float[] Weight, float[] Bias)> blocks, KernelPath path)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        Width = width;
        Fold = fold;
        Sub = FoldedProjection.SubWidth(width, fold);
        if (blocks.Count != 1 && blocks.Count != fold)
            throw new ArgumentException($"a projection folded by {fold} has 1 or {fold} weight blocks, not {blocks.Count}", nameof(blocks));
        _blocks = [.. blocks.Select(b => PackedWeights.Pack(b.Weight, Sub, Sub, b.Bias, path))];
    }

    /// <summary>Seeded weights in [−1, 1]: <paramref name="blocks"/> blocks of (width/fold)² plus bias.</summary>
    public static AttentionProjection Random(int width, int fold, int blocks, Random rng, KernelPath path) =>
        new(width, fold, RandomBlocks(width / fold, blocks, rng), path);

    public static (float[] Weight, float[] Bias)[] RandomBlocks(int sub, int blocks, Random rng) =>
        [.. Enumerable.Range(0, blocks).Select(_ => (Inputs.Uniform(rng, sub * sub), Inputs.Uniform(rng, sub)))];

    public int Width { get; }
    public int Fold { get; }
    public int Sub { get; }
    public int Blocks => _blocks.Length;

    /// <summary>y[rows × D] = the projection of x[rows × D], each kernel call split across <paramref name="pool"/>'s threads (null: this thread).</summary>
    public void Apply(ReadOnlySpan<float> x, int rows, Span<float> y, ProjectionPool? pool = null)
    {
        if (_blocks.Length == 1)
        {
            FoldedProjection.Project(x, rows, Width, Fold, _blocks[0], y, accumulate: false, pool);
            return;
        }
        // Block j reads columns [j·sub, (j+1)·sub) of every token and writes the same columns: a strided call of M = rows.
        for (int j = 0; j < _blocks.Length; j++)
            Linear.Project(x[(j * Sub)..(rows * Width)], rows, Width, _blocks[j], y[(j * Sub)..(rows * Width)], Width, accumulate: false, pool);
    }
}
