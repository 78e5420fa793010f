using FoldBench.Kernels;
using FoldBench.Model.Compute;

namespace FoldBench.Model;

/// <summary>
/// One Emformer layer: the <see cref="AttentionBlock"/> (pre-norm attention with residual), then
/// torchaudio's <c>pos_ff</c> — LayerNorm, linear D→F, the configured activation (GELU, ReLU or SiLU),
/// linear F→D — with a residual, then
/// the output LayerNorm. With <see cref="FoldingOptions.FoldFfn"/> the two FFN linears run on
/// folded sub-tokens with (F/N)×(D/N) and (D/N)×(F/N) weights (shared or block-diagonal as the
/// attention projections); LayerNorms always normalise whole D-wide tokens.
/// Rows are (T + R) × D in and out, as for the attention block.
/// </summary>
public sealed class EncoderLayer
{
    private readonly FoldGeometry _g;
    private readonly NormWeights _ffnNorm, _outputNorm;
    private readonly FoldedLinear _expand, _contract;
    private readonly Workspace _ws;

    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); the caller disposes it.</param>
    /// <param name="precision">The linear layers' number format (attention projections and both FFN linears); norms, scores, softmax and activation stay fp32.</param>
    public EncoderLayer(ModelConfig c, FoldingOptions o, KernelPath path, int seed, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(c, o, path, LayerWeights.Random(c, o, seed), pool, precision) { }

    public EncoderLayer(ModelConfig c, FoldingOptions o, KernelPath path, LayerWeights weights, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(new FoldGeometry(c, o), path, weights, null, "layer weights", pool, precision) { }

    internal EncoderLayer(FoldGeometry g, KernelPath path, LayerWeights weights, Workspace? workspace, string what, ProjectionPool? pool, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(weights);
        EmformerLayout.Check(EmformerLayout.LayerTensors(g), EmformerLayout.Flatten(weights), what);
        _g = g;
        Path = path;
        _ws = workspace ?? new Workspace(g);
        Attention = new AttentionBlock(g, path, weights.Attention, _ws, pool, precision);
        _ffnNorm = weights.FeedForward.Norm;
        _expand = new FoldedLinear(weights.FeedForward.Expand, g.FfnFold, path, pool: pool, precision: precision, scratch: _ws.Quantized);
        _contract = new FoldedLinear(weights.FeedForward.Contract, g.FfnFold, path, pool: pool, precision: precision, scratch: _ws.Quantized);
        _expand.Reserve(g.QueryTokens);
        _contract.Reserve(g.QueryTokens);
        _outputNorm = weights.NormOutput;
    }

    public ModelConfig Config => _g.Config;
    public FoldingOptions Options => _g.Options;
    public KernelPath Path { get; }
    public Precision Precision => Attention.Precision;
    public AttentionBlock Attention { get; }

    public int InputLength => Attention.InputLength;
    public int OutputLength => Attention.OutputLength;

    /// <summary>Parameters of the tensors this layer allocated.</summary>
    public long ParameterCount => Attention.ParameterCount + _ffnNorm.ParameterCount + _expand.ParameterCount
        + _contract.ParameterCount + _outputNorm.ParameterCount;

    /// <summary>Bytes of weights a step reads (packed projections, LayerNorm parameters).</summary>
    public long WeightBytes => Attention.WeightBytes + _expand.PackedBytes + _contract.PackedBytes
        + (_ffnNorm.ParameterCount + _outputNorm.ParameterCount) * sizeof(float);

    /// <summary>Bytes of the parameters as stored at this precision, without packing padding (<see cref="AttentionBlock.StoredWeightBytes"/>).</summary>
    public long StoredWeightBytes => Attention.StoredWeightBytes + _expand.StoredBytes + _contract.StoredBytes
        + (_ffnNorm.ParameterCount + _outputNorm.ParameterCount) * sizeof(float);

    /// <summary>One streaming step; <paramref name="output"/> may be <paramref name="input"/>.</summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputLength) throw AttentionBlock.LengthError(nameof(input), input.Length, InputLength);
        if (output.Length != OutputLength) throw AttentionBlock.LengthError(nameof(output), output.Length, OutputLength);
        int rows = _g.QueryTokens, width = _g.Width;
        int size = rows * width;

        var residual = _ws.Residual.AsSpan(0, size);
        Attention.Step(input, residual);

        var normed = _ws.Normed.AsSpan(0, size);
        VectorMath.LayerNorm(residual, normed, rows, width, _ffnNorm.Gain, _ffnNorm.Shift, ModelConfig.LayerNormEpsilon);
        var hidden = _ws.Hidden.AsSpan(0, rows * _g.FfnWidth);
        _expand.Apply(normed, rows, hidden, accumulate: false);
        VectorMath.Activate(_g.Config.Activation, hidden);

        residual.CopyTo(output);
        _contract.Apply(hidden, rows, output, accumulate: true);
        VectorMath.LayerNorm(output, output, rows, width, _outputNorm.Gain, _outputNorm.Shift, ModelConfig.LayerNormEpsilon);
    }

    /// <summary>Where the caller expects this layer's weights to be when it runs (see <see cref="AttentionBlock.SetWeightResidency"/>).</summary>
    public void SetWeightResidency(WeightResidency residency)
    {
        Attention.SetWeightResidency(residency);
        _expand.SetResidency(residency);
        _contract.SetResidency(residency);
    }

    public void ResetCache() => Attention.ResetCache();
}
