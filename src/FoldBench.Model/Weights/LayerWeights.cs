namespace FoldBench.Model;

/// <summary>
/// Weights of one linear layer in PyTorch layout: <c>weight</c> is [Outputs × Inputs] row-major,
/// <c>bias</c> has Outputs entries, or none for a layer built with <c>bias=False</c> (the RNN-T's
/// input linear and LSTM gate projections). The model packs a copy, so these arrays are never used on
/// the hot path and later changes to them do not reach a built model.
/// </summary>
public sealed class LinearWeights
{
    private readonly float[] _weight;
    private readonly float[] _bias;

    public LinearWeights(int outputs, int inputs, float[] weight, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (outputs <= 0 || inputs <= 0)
            throw new ArgumentException($"a linear layer needs positive sizes, got {outputs}×{inputs}");
        if (weight.Length != (long)outputs * inputs)
            throw new ArgumentException($"weight has {weight.Length} values but {outputs}×{inputs} = {(long)outputs * inputs} are needed", nameof(weight));
        if (bias.Length != outputs && bias.Length != 0)
            throw new ArgumentException($"bias has {bias.Length} values but {outputs} (or none) are needed", nameof(bias));
        Outputs = outputs;
        Inputs = inputs;
        _weight = weight;
        _bias = bias;
    }

    public int Outputs { get; }
    public int Inputs { get; }
    public bool HasBias => _bias.Length > 0;
    public ReadOnlySpan<float> Weight => _weight;
    public ReadOnlySpan<float> Bias => _bias;
    public long ParameterCount => _weight.LongLength + _bias.LongLength;

    internal float[] WeightArray => _weight;
    internal float[] BiasArray => _bias;
}

/// <summary>LayerNorm gain (γ, PyTorch <c>weight</c>) and shift (β, PyTorch <c>bias</c>).</summary>
public sealed class NormWeights
{
    private readonly float[] _gain;
    private readonly float[] _shift;

    public NormWeights(float[] gain, float[] shift)
    {
        ArgumentNullException.ThrowIfNull(gain);
        ArgumentNullException.ThrowIfNull(shift);
        if (gain.Length == 0 || gain.Length != shift.Length)
            throw new ArgumentException($"LayerNorm gain ({gain.Length}) and shift ({shift.Length}) must have the same, positive length");
        _gain = gain;
        _shift = shift;
    }

    public int Width => _gain.Length;
    public ReadOnlySpan<float> Gain => _gain;
    public ReadOnlySpan<float> Shift => _shift;
    public long ParameterCount => 2L * _gain.Length;

    internal float[] GainArray => _gain;
    internal float[] ShiftArray => _shift;
}

/// <summary>
/// A projection's weight blocks: one block (unfolded, or folded with shared weights) or N blocks
/// (folded block-diagonal: block j serves sub-position j of every token).
/// </summary>
public sealed class ProjectionWeights
{
    public ProjectionWeights(IReadOnlyList<LinearWeights> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0) throw new ArgumentException("a projection needs at least one weight block", nameof(blocks));
        foreach (var b in blocks) ArgumentNullException.ThrowIfNull(b, nameof(blocks));
        Blocks = blocks.ToArray();
    }

    public ProjectionWeights(LinearWeights single) : this([single]) { }

    public IReadOnlyList<LinearWeights> Blocks { get; }
    public long ParameterCount => Blocks.Sum(b => b.ParameterCount);
}

/// <summary>An attention block: pre-attention LayerNorm, query, fused key/value and output projections.</summary>
public sealed record AttentionWeights(NormWeights NormInput, ProjectionWeights Query, ProjectionWeights KeyValue, ProjectionWeights Output)
{
    /// <summary>Seeded random weights of the right shapes (no model file needed to measure speed).</summary>
    public static AttentionWeights Random(ModelConfig c, FoldingOptions o, int seed) =>
        EmformerLayout.AssembleAttention(new FoldGeometry(c, o), RandomInit.Source(seed));

    public long ParameterCount => NormInput.ParameterCount + Query.ParameterCount + KeyValue.ParameterCount + Output.ParameterCount;
}

/// <summary>The feed-forward part: LayerNorm, expand D→F, activation, contract F→D (torchaudio's <c>pos_ff</c>).</summary>
public sealed record FeedForwardWeights(NormWeights Norm, ProjectionWeights Expand, ProjectionWeights Contract)
{
    public long ParameterCount => Norm.ParameterCount + Expand.ParameterCount + Contract.ParameterCount;
}

/// <summary>One encoder layer: attention block, feed-forward network, output LayerNorm.</summary>
public sealed record LayerWeights(AttentionWeights Attention, FeedForwardWeights FeedForward, NormWeights NormOutput)
{
    public static LayerWeights Random(ModelConfig c, FoldingOptions o, int seed) =>
        EmformerLayout.AssembleLayer(new FoldGeometry(c, o), RandomInit.Source(seed));

    public long ParameterCount => Attention.ParameterCount + FeedForward.ParameterCount + NormOutput.ParameterCount;
}

/// <summary>All layers of a streaming encoder.</summary>
public sealed record EncoderWeights(IReadOnlyList<LayerWeights> Layers)
{
    public static EncoderWeights Random(ModelConfig c, FoldingOptions o, int seed)
    {
        var g = new FoldGeometry(c, o);
        var source = RandomInit.Source(seed);
        var layers = new LayerWeights[c.Layers];
        for (int i = 0; i < layers.Length; i++) layers[i] = EmformerLayout.AssembleLayer(g, source);
        return new EncoderWeights(layers);
    }

    public long ParameterCount => Layers.Sum(l => l.ParameterCount);
}

/// <summary>
/// Seeded initialisation: linear weights and biases uniform in ±1/√fan-in (PyTorch's default
/// bound), LayerNorm gains 1 ± 0.1 and shifts ±0.1 (not exactly 1 and 0, so tests exercise them).
/// </summary>
internal static class RandomInit
{
    public static Func<TensorSpec, float[]> Source(int seed)
    {
        var random = new Random(seed);
        return spec =>
        {
            var data = new float[spec.ElementCount];
            switch (spec.Role)
            {
                case TensorRole.Weight:
                case TensorRole.Bias:
                    float bound = 1f / MathF.Sqrt(spec.FanIn);
                    for (int i = 0; i < data.Length; i++) data[i] = (2f * random.NextSingle() - 1f) * bound;
                    break;
                case TensorRole.NormGain:
                    for (int i = 0; i < data.Length; i++) data[i] = 1f + 0.1f * (2f * random.NextSingle() - 1f);
                    break;
                default:
                    for (int i = 0; i < data.Length; i++) data[i] = 0.1f * (2f * random.NextSingle() - 1f);
                    break;
            }
            return data;
        };
    }
}
