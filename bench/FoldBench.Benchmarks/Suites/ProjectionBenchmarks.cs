using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
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
    public static AttentionProjection[] Layer(FoldGeometry g, Random rng, KernelPath path, Precision precision = Kernels.Precision.Fp32, int rows = 0) =>
    [
        .. Enumerable.Range(0, ProjectionsPerLayer - 1).Select(_ => AttentionProjection.Random(g.Width, g.Fold, g.AttentionBlocks, rng, path, precision, rows)),
        AttentionProjection.Random(g.Width, g.OutputFold, g.OutputBlocks, rng, path, precision, rows),
    ];

    [GlobalSetup]
    public void Setup()
    {
        var c = Config();
        var g = new FoldGeometry(c, Options());
        var path = KernelPath;
        _rows = Rows(c);
        var rng = new Random(42);
        var precision = Precisions.Parse(Precision);
        _projections = [.. Enumerable.Range(0, c.Layers).SelectMany(_ => Layer(g, rng, path, precision, _rows))];
        // The layers' weights together exceed the last-level cache (the streamed regime the describer reports): say so.
        if (_projections.Sum(p => p.PackedBytes) > CacheInfo.LastLevelCacheBytes())
            foreach (var p in _projections) p.SetResidency(WeightResidency.Memory);
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
/// At int8 the blocks are int8 weights of the path's int8 counterpart and the projection owns the scratch its calls
/// quantize X into, made here for the most rows a call will see, so no call allocates.
/// </summary>
public sealed class AttentionProjection
{
    private readonly PackedWeights[] _blocks = [];
    private readonly QuantizedWeights[] _int8Blocks = [];
    private readonly QuantizedScratch? _scratch;

    /// <param name="blocks">Each block's [sub × sub] weights (row-major, PyTorch layout) and sub biases, sub = width / fold.</param>
    /// <param name="rows">At int8: the most tokens one <see cref="Apply"/> projects (the scratch's size); ignored at fp32.</param>
    public AttentionProjection(int width, int fold, IReadOnlyList<(float[] Weight, float[] Bias)> blocks, KernelPath path,
        Precision precision = Kernels.Precision.Fp32, int rows = 0)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        Width = width;
        Fold = fold;
        Sub = FoldedProjection.SubWidth(width, fold);
        Precision = precision;
        if (blocks.Count != 1 && blocks.Count != fold)
            throw new ArgumentException($"a projection folded by {fold} has 1 or {fold} weight blocks, not {blocks.Count}", nameof(blocks));
        if (precision == Kernels.Precision.Int8)
        {
            var q = Precisions.Int8Counterpart(path) ?? throw new ArgumentException($"path '{path.Name()}' has no int8 counterpart", nameof(path));
            if (rows <= 0) throw new ArgumentException($"an int8 projection needs its most rows per call, got {rows}", nameof(rows));
            _int8Blocks = [.. blocks.Select(b => QuantizedWeights.Pack(b.Weight, Sub, Sub, b.Bias, q))];
            // A shared block sees fold·rows sub-tokens in one call; a block-diagonal one sees rows per call.
            _scratch = QuantizedScratch.For(_int8Blocks[0], blocks.Count == 1 ? fold * rows : rows);
        }
        else
            _blocks = [.. blocks.Select(b => PackedWeights.Pack(b.Weight, Sub, Sub, b.Bias, path))];
    }

    /// <summary>Seeded weights in [−1, 1]: <paramref name="blocks"/> blocks of (width/fold)² plus bias.</summary>
    public static AttentionProjection Random(int width, int fold, int blocks, Random rng, KernelPath path,
        Precision precision = Kernels.Precision.Fp32, int rows = 0) =>
        new(width, fold, RandomBlocks(width / fold, blocks, rng), path, precision, rows);

    public static (float[] Weight, float[] Bias)[] RandomBlocks(int sub, int blocks, Random rng) =>
        [.. Enumerable.Range(0, blocks).Select(_ => (Inputs.Uniform(rng, sub * sub), Inputs.Uniform(rng, sub)))];

    public int Width { get; }
    public int Fold { get; }
    public int Sub { get; }
    public int Blocks => _scratch is null ? _blocks.Length : _int8Blocks.Length;
    public Precision Precision { get; }

    /// <summary>Bytes a call streams through: the packed weights (fp32 or int8 with scales and bias).</summary>
    public long PackedBytes => _scratch is null ? _blocks.Sum(b => b.PackedBytes) : _int8Blocks.Sum(b => b.PackedBytes);

    /// <summary>Tells the kernels (fp32 or int8) where the weights will be when they run (<see cref="WeightResidency"/>).</summary>
    public void SetResidency(WeightResidency residency)
    {
        foreach (var b in _blocks) b.Residency = residency;
        foreach (var q in _int8Blocks) q.Residency = residency;
    }

    /// <summary>y[rows × D] = the projection of x[rows × D], each kernel call split across <paramref name="pool"/>'s threads (null: this thread).</summary>
    public void Apply(ReadOnlySpan<float> x, int rows, Span<float> y, ProjectionPool? pool = null)
    {
        if (_scratch is { } scratch)
        {
            ApplyInt8(x, rows, y, scratch, pool);
            return;
        }
        if (_blocks.Length == 1)
        {
            FoldedProjection.Project(x, rows, Width, Fold, _blocks[0], y, accumulate: false, pool);
            return;
        }
        // Block j reads columns [j·sub, (j+1)·sub) of every token and writes the same columns: a strided call of M = rows.
        for (int j = 0; j < _blocks.Length; j++)
            Linear.Project(x[(j * Sub)..(rows * Width)], rows, Width, _blocks[j], y[(j * Sub)..(rows * Width)], Width, accumulate: false, pool);
    }

    /// <summary>
    /// The int8 twin of <see cref="Apply"/>: the shared block through the folded view, block j by a strided call, each call
    /// split across <paramref name="pool"/>'s threads after this thread has quantized its rows into the scratch.
    /// </summary>
    private void ApplyInt8(ReadOnlySpan<float> x, int rows, Span<float> y, QuantizedScratch scratch, ProjectionPool? pool)
    {
        if (_int8Blocks.Length == 1)
        {
            QuantizedFoldedProjection.Project(x, rows, Width, Fold, _int8Blocks[0], y, scratch, accumulate: false, pool);
            return;
        }
        for (int j = 0; j < _int8Blocks.Length; j++)
            QuantizedLinear.Project(x[(j * Sub)..(rows * Width)], rows, Width, _int8Blocks[j], y[(j * Sub)..(rows * Width)], Width, scratch, accumulate: false, pool);
    }
}
