using FoldBench.Kernels;
using FoldBench.Model.Compute;

namespace FoldBench.Model;

/// <summary>
/// The multi-head attention part of one Emformer layer on folded tokens, streaming one chunk per
/// <see cref="Step"/>. Semantics follow torchaudio's <c>_EmformerLayer.infer</c> without memory bank:
/// <list type="number">
/// <item>input x: (T + R) tokens × D, the T chunk tokens followed by the R look-ahead (right-context) tokens;</item>
/// <item>h = LayerNorm_input(x) (pre-norm);</item>
/// <item>fold h to N·(T+R) sub-tokens of width D/N (a reinterpretation) and project queries and fused keys/values;</item>
/// <item>every query sub-token (chunk and look-ahead alike) attends, without a mask, to the cached
///   keys/values of the last <c>LeftContextTokens</c> chunk tokens of earlier steps and to all
///   N·(T+R) key sub-tokens of this step; numerically stable softmax;</item>
/// <item>output projection (folded, or unfolded D×D when only QKV fold), unfold, residual: y = x + attention;</item>
/// <item>the keys/values of the T chunk tokens (not the look-ahead ones, which are recomputed next
///   step as ordinary chunk tokens) enter the left-context cache.</item>
/// </list>
/// Output rows keep the input layout: all T + R rows, because the look-ahead rows feed the next
/// layer's look-ahead. Buffers are planned at construction; <see cref="Step"/> allocates nothing.
/// </summary>
public sealed class AttentionBlock
{
    private readonly FoldGeometry _g;
    private readonly NormWeights _norm;
    private readonly FoldedLinear _query, _keyValue, _output;
    private readonly Workspace _ws;
    // Keys/values, 2D floats per token: a ring of LeftContextTokens cached tokens, then this step's T + R tokens.
    private readonly float[] _keyValueRows;
    private int _cachedTokens, _ringNext;

    /// <summary>Seeded random weights (the same as <see cref="AttentionWeights.Random"/> with that seed).</summary>
    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); the caller disposes it.</param>
    /// <param name="precision">
    /// The projections' number format: at int8 the query, key/value and output projections run on the int8 kernels
    /// (<see cref="Precisions.Int8Counterpart"/> of <paramref name="path"/>); the LayerNorm, the scores, the softmax and
    /// the residual stay fp32.
    /// </param>
    public AttentionBlock(ModelConfig c, FoldingOptions o, KernelPath path, int seed, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(c, o, path, AttentionWeights.Random(c, o, seed), pool, precision) { }

    /// <summary>Given weights, in the shapes <see cref="EmformerLayout.AttentionTensors"/> lists for these options.</summary>
    public AttentionBlock(ModelConfig c, FoldingOptions o, KernelPath path, AttentionWeights weights, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(new FoldGeometry(c, o), path, weights, null, pool, precision) { }

    internal AttentionBlock(FoldGeometry g, KernelPath path, AttentionWeights weights, Workspace? workspace, ProjectionPool? pool, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(weights);
        EmformerLayout.Check(EmformerLayout.AttentionTensors(g), EmformerLayout.Flatten(weights), "attention weights");
        _g = g;
        Path = path;
        Precision = precision;
        _norm = weights.NormInput;
        _ws = workspace ?? new Workspace(g);
        _query = new FoldedLinear(weights.Query, g.Fold, path, g.ScoreScale, pool, precision, _ws.Quantized);
        _keyValue = new FoldedLinear(weights.KeyValue, g.Fold, path, pool: pool, precision: precision, scratch: _ws.Quantized);
        _output = new FoldedLinear(weights.Output, g.OutputFold, path, pool: pool, precision: precision, scratch: _ws.Quantized);
        foreach (var projection in new[] { _query, _keyValue, _output }) projection.Reserve(g.QueryTokens);
        _keyValueRows = new float[(g.CacheTokens + g.QueryTokens) * 2 * g.Width];
    }

    public ModelConfig Config => _g.Config;
    public FoldingOptions Options => _g.Options;
    public FoldGeometry Geometry => _g;
    public KernelPath Path { get; }
    public Precision Precision { get; }

    /// <summary>(T + R) × D: the chunk followed by its look-ahead tokens.</summary>
    public int InputLength => _g.QueryTokens * _g.Width;
    /// <summary>(T + R) × D: every input row, attended and with the residual added.</summary>
    public int OutputLength => _g.QueryTokens * _g.Width;
    /// <summary>Tokens currently in the left-context cache (grows to LeftContextTokens, then stays).</summary>
    public int CachedTokens => _cachedTokens;

    /// <summary>Parameters of the tensors this block allocated (projections and the input LayerNorm).</summary>
    public long ParameterCount => _query.ParameterCount + _keyValue.ParameterCount + _output.ParameterCount + _norm.ParameterCount;
    /// <summary>Bytes of weights a step reads: packed projections (padding included) and LayerNorm parameters.</summary>
    public long WeightBytes => _query.PackedBytes + _keyValue.PackedBytes + _output.PackedBytes + _norm.ParameterCount * sizeof(float);
    /// <summary>
    /// Bytes of the parameters as stored at this precision, without packing padding: fp32, or int8 projections (a byte per
    /// weight, an fp32 scale per output channel, the fp32 bias) and the fp32 LayerNorm.
    /// </summary>
    public long StoredWeightBytes => _query.StoredBytes + _keyValue.StoredBytes + _output.StoredBytes + _norm.ParameterCount * sizeof(float);
    /// <summary>Bytes of the key/value buffer: the left-context cache plus this step's keys and values.</summary>
    public long CacheBytes => (long)_keyValueRows.Length * sizeof(float);

    /// <summary>
    /// One streaming step. <paramref name="output"/> may be the same buffer as <paramref name="input"/>
    /// (but must not partly overlap it).
    /// </summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputLength) throw LengthError(nameof(input), input.Length, InputLength);
        if (output.Length != OutputLength) throw LengthError(nameof(output), output.Length, OutputLength);
        int rows = _g.QueryTokens, width = _g.Width, n = _g.Fold;
        int size = rows * width;

        var normed = _ws.Normed.AsSpan(0, size);
        VectorMath.LayerNorm(input, normed, rows, width, _norm.Gain, _norm.Shift, ModelConfig.LayerNormEpsilon);

        var query = _ws.Query.AsSpan(0, size);
        _query.Apply(normed, rows, query, accumulate: false);
        var current = _keyValueRows.AsSpan(_g.CacheTokens * 2 * width, rows * 2 * width);
        _keyValue.Apply(normed, rows, current, accumulate: false);

        var attention = _ws.Attention.AsSpan(0, size);
        AttentionKernel.Run(query, n * rows, _g.SubWidth, _keyValueRows,
            cacheRows: n * _cachedTokens, currentFirstRow: n * _g.CacheTokens, currentRows: n * rows,
            _g.AttentionHeads, _g.HeadWidth, _ws.Scores, attention);

        input.CopyTo(output);
        _output.Apply(attention, rows, output, accumulate: true);

        RememberChunk(current);
    }

    /// <summary>Forgets the left context, as at the start of a new utterance.</summary>
    /// <summary>
    /// Where the caller expects the projections' weights to be when the block runs: <see cref="WeightResidency.Memory"/>
    /// when this block is one of many layers that together exceed the last-level cache. Changes speed only.
    /// </summary>
    public void SetWeightResidency(WeightResidency residency)
    {
        _query.SetResidency(residency);
        _keyValue.SetResidency(residency);
        _output.SetResidency(residency);
    }

    public void ResetCache()
    {
        _cachedTokens = 0;
        _ringNext = 0;
    }

    private void RememberChunk(ReadOnlySpan<float> current)
    {
        int capacity = _g.CacheTokens;
        if (capacity == 0) return;
        int tokenFloats = 2 * _g.Width;
        int chunk = _g.Config.ChunkTokens;
        // Chunk tokens are the first T rows; only the newest `capacity` of them can survive.
        for (int t = Math.Max(0, chunk - capacity); t < chunk; t++)
        {
            current.Slice(t * tokenFloats, tokenFloats).CopyTo(_keyValueRows.AsSpan(_ringNext * tokenFloats, tokenFloats));
            _ringNext = _ringNext + 1 == capacity ? 0 : _ringNext + 1;
            if (_cachedTokens < capacity) _cachedTokens++;
        }
    }

    internal static ArgumentException LengthError(string name, int actual, int expected) =>
        new($"{name} has {actual} floats but this step needs {expected}", name);
}
