using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Model.Compute;

/// <summary>
/// One linear layer of the model, possibly folded: a T×(Fold·In) input is seen as (Fold·T)×In
/// sub-tokens (no copy) and projected by one shared block or by one block per sub-position.
/// Square shared layers go through <see cref="FoldedProjection.Project"/>; rectangular ones (the
/// fused key/value projection, the FFN) through <see cref="Linear"/> on the same reinterpreted
/// view, and block-diagonal ones through the strided <see cref="Linear"/> overload per sub-position. With a
/// <see cref="ProjectionPool"/> each of those calls splits its output panels across the pool's threads.
/// </summary>
/// <remarks>
/// At <see cref="Precision.Int8"/> the same three shapes run on <see cref="QuantizedFoldedProjection"/> and
/// <see cref="QuantizedLinear"/> (the strided overload per block) over <see cref="QuantizedWeights"/>: symmetric int8
/// with one fp32 scale per output channel, packed for <see cref="Precisions.Int8Counterpart"/> of the fp32 path, the
/// bias kept in fp32. A scale such as the query's 1/√headWidth multiplies the fp32 weights and bias before they are
/// quantized, so it costs nothing per call and the quantization sees the weights the layer really applies. The
/// activations are quantized per row on every call (after the fold: one scale per sub-token) into an
/// <see cref="Int8Scratch"/>. With a <see cref="ProjectionPool"/> the int8 calls split their output panels across its
/// threads as the fp32 ones do: the calling thread quantizes the rows into the scratch first, and the workers only read it.
/// </remarks>
internal sealed class FoldedLinear
{
    private readonly PackedWeights[]? _blocks;
    private readonly QuantizedWeights[]? _quantized;
    private readonly Int8Scratch? _scratch;
    private readonly int _fold, _inSub, _outSub, _blockCount;
    private readonly long _parameters;
    private readonly ProjectionPool? _pool;

    /// <param name="scale">Multiplies weights and bias before packing (the query's 1/√headWidth), and before quantizing at int8.</param>
    /// <param name="pool">Threads each projection is split across (null: the calling thread alone), at fp32 and int8; not owned.</param>
    /// <param name="precision">fp32 (<see cref="Linear"/>) or int8 (<see cref="QuantizedLinear"/> on the path's int8 counterpart).</param>
    /// <param name="scratch">Where int8 calls quantize their rows, shared with the layers that run alongside (null: its own).</param>
    public FoldedLinear(ProjectionWeights weights, int fold, KernelPath path, float scale = 1f, ProjectionPool? pool = null,
        Precision precision = Precision.Fp32, Int8Scratch? scratch = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _fold = fold;
        _pool = pool;
        Precision = precision;
        _inSub = weights.Blocks[0].Inputs;
        _outSub = weights.Blocks[0].Outputs;
        _blockCount = weights.Blocks.Count;
        _parameters = weights.Blocks.Sum(b => (long)b.Weight.Length + b.Bias.Length);
        QuantizedPath? int8Path = null;
        if (precision == Precision.Int8)
        {
            int8Path = Int8Path(path);
            _quantized = new QuantizedWeights[_blockCount];
            _scratch = scratch ?? new Int8Scratch();
        }
        else _blocks = new PackedWeights[_blockCount];

        for (int j = 0; j < _blockCount; j++)
        {
            var b = weights.Blocks[j];
            float[]? scaledWeight = null, scaledBias = null;
            if (scale != 1f)
            {
                scaledWeight = b.Weight.ToArray();
                scaledBias = b.Bias.ToArray();
                for (int i = 0; i < scaledWeight.Length; i++) scaledWeight[i] *= scale;
                for (int i = 0; i < scaledBias.Length; i++) scaledBias[i] *= scale;
            }
            ReadOnlySpan<float> w = scaledWeight ?? b.Weight, bias = scaledBias ?? b.Bias;
            if (int8Path is { } q) _quantized![j] = QuantizedWeights.Pack(w, b.Outputs, b.Inputs, bias, q);
            else _blocks![j] = PackedWeights.Pack(w, b.Outputs, b.Inputs, bias, path);
        }
    }

    /// <summary>The int8 path that runs for fp32 path <paramref name="path"/>; a clear error for one without (portable).</summary>
    public static QuantizedPath Int8Path(KernelPath path) => Precisions.Int8Counterpart(path)
        ?? throw new ArgumentException($"kernel path '{path.Name()}' has no int8 counterpart: int8 runs on the scalar, avx2, avx512 and neon paths", nameof(path));

    public Precision Precision { get; }
    public int InputWidth => _inSub * _fold;
    public int OutputWidth => _outSub * _fold;
    public long ParameterCount => _parameters;
    /// <summary>Bytes a call streams through: the packed weights with their padding (int8: bytes, scales, bias and start values).</summary>
    public long PackedBytes => _quantized is null ? _blocks!.Sum(b => b.PackedBytes) : _quantized.Sum(q => q.PackedBytes);

    /// <summary>The parameters as stored at this precision, without packing padding: fp32 4 bytes each; int8 one byte per weight plus an fp32 scale per output channel and the fp32 bias.</summary>
    public long StoredBytes => _quantized is null ? _parameters * sizeof(float) : _quantized.Sum(q => q.ParameterBytes);

    /// <summary>Rows one call quantizes for <paramref name="tokens"/> tokens: Fold·T through one shared block, T per block-diagonal block.</summary>
    private int RowsPerCall(int tokens) => _blockCount == 1 ? tokens * _fold : tokens;

    /// <summary>
    /// Tells the kernels (fp32 or int8) where this layer's weights will be when it runs (<see cref="WeightResidency"/>: a
    /// speed hint, same bits).
    /// </summary>
    public void SetResidency(WeightResidency residency)
    {
        if (_blocks is not null)
            foreach (var b in _blocks) b.Residency = residency;
        if (_quantized is not null)
            foreach (var q in _quantized) q.Residency = residency;
    }

    /// <summary>Makes the int8 scratch large enough for calls of <paramref name="tokens"/> tokens (nothing at fp32).</summary>
    public void Reserve(int tokens) => _scratch?.Reserve(_inSub, RowsPerCall(tokens));

    /// <summary>y[tokens × OutputWidth] = (or +=) the folded projection of x[tokens × InputWidth].</summary>
    public void Apply(ReadOnlySpan<float> x, int tokens, Span<float> y, bool accumulate)
    {
        int inWidth = InputWidth, outWidth = OutputWidth;
        var xs = x[..(tokens * inWidth)];
        var ys = y[..(tokens * outWidth)];
        if (_quantized is not null)
        {
            ApplyInt8(xs, tokens, ys, accumulate);
            return;
        }
        var blocks = _blocks!;
        if (blocks.Length == 1)
        {
            if (_inSub == _outSub) FoldedProjection.Project(xs, tokens, inWidth, _fold, blocks[0], ys, accumulate, _pool);
            else Linear.Project(xs, tokens * _fold, blocks[0], ys, accumulate, _pool);
        }
        else
        {
            // Block j reads columns [j·In, (j+1)·In) of every token and writes its own column block:
            // one strided projection per block, for square and rectangular blocks alike
            // (the fused K/V and the folded FFN blocks are rectangular).
            for (int j = 0; j < blocks.Length; j++)
                Linear.Project(xs[(j * _inSub)..], tokens, inWidth, blocks[j], ys[(j * _outSub)..], outWidth, accumulate, _pool);
        }
    }

    /// <summary>The same three shapes as fp32, on the int8 kernels; the rows are quantized after the fold.</summary>
    private void ApplyInt8(ReadOnlySpan<float> xs, int tokens, Span<float> ys, bool accumulate)
    {
        var blocks = _quantized!;
        var scratch = _scratch!.For(_inSub, RowsPerCall(tokens));
        int inWidth = InputWidth, outWidth = OutputWidth;
        if (blocks.Length == 1)
        {
            if (_inSub == _outSub) QuantizedFoldedProjection.Project(xs, tokens, inWidth, _fold, blocks[0], ys, scratch, accumulate, _pool);
            else QuantizedLinear.Project(xs, tokens * _fold, blocks[0], ys, scratch, accumulate, _pool);
        }
        else
        {
            for (int j = 0; j < blocks.Length; j++)
                QuantizedLinear.Project(xs[(j * _inSub)..], tokens, inWidth, blocks[j], ys[(j * _outSub)..], outWidth, scratch, accumulate, _pool);
        }
    }
}
