namespace FoldBench.Model;

/// <summary>A symbol embedding table, [Symbols × Width] row-major (torch's <c>Embedding.weight</c>).</summary>
public sealed class EmbeddingWeights
{
    private readonly float[] _table;

    public EmbeddingWeights(int symbols, int width, float[] table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (symbols <= 0 || width <= 0) throw new ArgumentException($"an embedding needs positive sizes, got {symbols}×{width}");
        if (table.Length != (long)symbols * width)
            throw new ArgumentException($"embedding table has {table.Length} values but {symbols}×{width} are needed", nameof(table));
        Symbols = symbols;
        Width = width;
        _table = table;
    }

    public int Symbols { get; }
    public int Width { get; }
    public ReadOnlySpan<float> Table => _table;
    public long ParameterCount => _table.LongLength;

    internal float[] TableArray => _table;
}

/// <summary>
/// The transcriber around the encoder (torchaudio's <c>_EmformerEncoder</c>): the bias-free input
/// linear from features to the time-reduction width, the Emformer, the output linear and LayerNorm.
/// </summary>
public sealed record TranscriberWeights(LinearWeights InputLinear, EncoderWeights Encoder, LinearWeights OutputLinear, NormWeights LayerNorm)
{
    public long ParameterCount => InputLinear.ParameterCount + Encoder.ParameterCount + OutputLinear.ParameterCount + LayerNorm.ParameterCount;
}

/// <summary>
/// One LSTM layer of the predictor (torchaudio's <c>_CustomLSTM</c>): gates = x2g(x) + p2g(h), four
/// gate blocks in the order input, forget, cell, output. With layer norm the gates and the cell
/// carry LayerNorms and x2g has no bias; without, x2g has a bias and both norms are absent.
/// </summary>
public sealed record LstmLayerWeights(LinearWeights InputToGates, LinearWeights HiddenToGates, NormWeights? GateNorm, NormWeights? CellNorm)
{
    public long ParameterCount => InputToGates.ParameterCount + HiddenToGates.ParameterCount
        + (GateNorm?.ParameterCount ?? 0) + (CellNorm?.ParameterCount ?? 0);
}

/// <summary>The predictor (torchaudio's <c>_Predictor</c>): embedding, input LayerNorm, LSTM layers, linear, output LayerNorm.</summary>
public sealed record PredictorWeights(EmbeddingWeights Embedding, NormWeights InputNorm, IReadOnlyList<LstmLayerWeights> Lstm,
    LinearWeights Linear, NormWeights OutputNorm)
{
    public long ParameterCount => Embedding.ParameterCount + InputNorm.ParameterCount + Lstm.Sum(l => l.ParameterCount)
        + Linear.ParameterCount + OutputNorm.ParameterCount;
}

/// <summary>The joiner (torchaudio's <c>_Joiner</c>): activation of the sum of both encodings, then one linear to the symbols.</summary>
public sealed record JoinerWeights(LinearWeights Linear)
{
    public long ParameterCount => Linear.ParameterCount;
}

/// <summary>A whole RNN-T (torchaudio's <c>RNNT</c> from <c>emformer_rnnt_model</c>).</summary>
public sealed record RnntWeights(TranscriberWeights Transcriber, PredictorWeights Predictor, JoinerWeights Joiner)
{
    /// <summary>Seeded random weights of the right shapes (as <see cref="EncoderWeights.Random"/>), for configurations with an <c>rnnt</c> section.</summary>
    public static RnntWeights Random(ModelConfig c, FoldingOptions o, int seed) =>
        RnntLayout.Assemble(new FoldGeometry(c, o), RandomInit.Source(seed));

    public long ParameterCount => Transcriber.ParameterCount + Predictor.ParameterCount + Joiner.ParameterCount;
}
