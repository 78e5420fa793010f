using System.Numerics.Tensors;
using FoldBench.Kernels;
using FoldBench.Model.Compute;

namespace FoldBench.Model;

/// <summary>
/// The RNN-T's predictor, one symbol per <see cref="Step"/>, as torchaudio's <c>_Predictor</c>:
/// embedding → input LayerNorm → LSTM layers (torchaudio's <c>_CustomLSTM</c>: gates = x2g(x) + p2g(h),
/// LayerNorm of the gates, i, f, o = σ, g = tanh, c = f·c + i·g, LayerNorm of c, h = o·tanh(c)) →
/// linear P→E → output LayerNorm. The LSTM states carry over between steps until <see cref="Reset"/>.
/// The element-wise σ and tanh are TensorPrimitives'.
/// </summary>
public sealed class Predictor
{
    /// <summary>Epsilon of the predictor's input and output LayerNorms (torch's default; only the LSTM norms take the configured one).</summary>
    private const float NormEpsilon = ModelConfig.LayerNormEpsilon;

    private readonly EmbeddingWeights _embedding;
    private readonly NormWeights _inputNorm, _outputNorm;
    private readonly Lstm[] _layers;
    private readonly FoldedLinear _linear;
    private readonly float[] _x, _gates;
    private readonly float _lstmEpsilon;
    private readonly int _width;

    private sealed class Lstm(FoldedLinear x2g, FoldedLinear p2g, NormWeights? gateNorm, NormWeights? cellNorm, int width)
    {
        public FoldedLinear X2g { get; } = x2g;
        public FoldedLinear P2g { get; } = p2g;
        public NormWeights? GateNorm { get; } = gateNorm;
        public NormWeights? CellNorm { get; } = cellNorm;
        public float[] H { get; } = new float[width];
        public float[] C { get; } = new float[width];
    }

    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); the caller disposes it.</param>
    /// <param name="precision">The number format of the LSTMs' x2g and p2g and of the output linear; the gates, cell and norms stay fp32.</param>
    public Predictor(ModelConfig c, KernelPath path, PredictorWeights weights, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var r = RnntLayout.Rnnt(c);
        int p = r.PredictorWidth;
        if (weights.Embedding.Symbols != r.Vocabulary || weights.Embedding.Width != p)
            throw new ArgumentException($"predictor.embedding is [{weights.Embedding.Symbols}, {weights.Embedding.Width}] but the configuration needs [{r.Vocabulary}, {p}]");
        if (weights.Lstm.Count != r.PredictorLstmLayers)
            throw new ArgumentException($"the predictor has {weights.Lstm.Count} LSTM layers but rnnt.predictorLstmLayers = {r.PredictorLstmLayers}");
        _embedding = weights.Embedding;
        _inputNorm = weights.InputNorm;
        _layers = new Lstm[weights.Lstm.Count];
        var scratch = new Int8Scratch();
        for (int j = 0; j < _layers.Length; j++)
        {
            var l = weights.Lstm[j];
            Transcriber.Check(l.InputToGates, 4 * p, p, $"predictor.lstm_layers.{j}.x2g");
            Transcriber.Check(l.HiddenToGates, 4 * p, p, $"predictor.lstm_layers.{j}.p2g");
            if ((l.GateNorm is null) != (l.CellNorm is null) || (l.GateNorm is not null) != r.LstmLayerNorm)
                throw new ArgumentException($"predictor.lstm_layers.{j}: rnnt.lstmLayerNorm = {(r.LstmLayerNorm ? "true" : "false")} needs {(r.LstmLayerNorm ? "both" : "neither of")} g_norm and c_norm");
            _layers[j] = new Lstm(MakeLinear(l.InputToGates), MakeLinear(l.HiddenToGates), l.GateNorm, l.CellNorm, p);
        }
        Transcriber.Check(weights.Linear, r.EncoderOutputWidth, p, "predictor.linear");
        _linear = MakeLinear(weights.Linear);
        _outputNorm = weights.OutputNorm;
        _lstmEpsilon = (float)r.LstmLayerNormEpsilon;
        _width = p;
        _x = new float[p];
        _gates = new float[4 * p];
        OutputWidth = r.EncoderOutputWidth;
        Path = path;
        Precision = precision;

        // One symbol per step: every linear projects one row.
        FoldedLinear MakeLinear(LinearWeights w)
        {
            var linear = new FoldedLinear(new ProjectionWeights(w), 1, path, pool: pool, precision: precision, scratch: scratch);
            linear.Reserve(1);
            return linear;
        }
    }

    public KernelPath Path { get; }
    public Precision Precision { get; }
    /// <summary>E: the width of <see cref="Step"/>'s output, the joiner's input.</summary>
    public int OutputWidth { get; }
    public int Symbols => _embedding.Symbols;

    /// <summary>
    /// Bytes of the parameters as stored at this precision, without packing padding: x2g, p2g and the linear fp32, or int8
    /// with fp32 scales and bias; the embedding table and every LayerNorm fp32. <see cref="RnntStepCost"/> counts the same.
    /// </summary>
    public long StoredWeightBytes =>
        (_embedding.ParameterCount + _inputNorm.ParameterCount + _outputNorm.ParameterCount
         + _layers.Sum(l => (l.GateNorm?.ParameterCount ?? 0) + (l.CellNorm?.ParameterCount ?? 0))) * sizeof(float)
        + _layers.Sum(l => l.X2g.StoredBytes + l.P2g.StoredBytes) + _linear.StoredBytes;

    /// <summary>Feeds one symbol; writes the predictor output (E floats) and advances the LSTM states.</summary>
    public void Step(int symbol, Span<float> output)
    {
        if ((uint)symbol >= (uint)_embedding.Symbols)
            throw new ArgumentOutOfRangeException(nameof(symbol), symbol, $"symbols are 0..{_embedding.Symbols - 1}");
        if (output.Length != OutputWidth) throw AttentionBlock.LengthError(nameof(output), output.Length, OutputWidth);
        int p = _width;
        VectorMath.LayerNorm(_embedding.Table.Slice(symbol * p, p), _x, 1, p, _inputNorm.Gain, _inputNorm.Shift, NormEpsilon);
        foreach (var l in _layers)
        {
            var gates = _gates.AsSpan();
            l.X2g.Apply(_x, 1, gates, accumulate: false);
            l.P2g.Apply(l.H, 1, gates, accumulate: true);
            if (l.GateNorm is { } gn) VectorMath.LayerNorm(gates, gates, 1, 4 * p, gn.Gain, gn.Shift, _lstmEpsilon);
            var input = gates[..p];
            var forget = gates.Slice(p, p);
            var cell = gates.Slice(2 * p, p);
            var output_ = gates.Slice(3 * p, p);
            TensorPrimitives.Sigmoid(input, input);
            TensorPrimitives.Sigmoid(forget, forget);
            TensorPrimitives.Tanh(cell, cell);
            TensorPrimitives.Sigmoid(output_, output_);
            var c = l.C.AsSpan();
            TensorPrimitives.Multiply(forget, c, c);
            TensorPrimitives.MultiplyAdd(input, cell, c, c);
            if (l.CellNorm is { } cn) VectorMath.LayerNorm(c, c, 1, p, cn.Gain, cn.Shift, _lstmEpsilon);
            var h = l.H.AsSpan();
            TensorPrimitives.Tanh(c, h);
            TensorPrimitives.Multiply(output_, h, h);
            h.CopyTo(_x);
        }
        _linear.Apply(_x, 1, output, accumulate: false);
        VectorMath.LayerNorm(output, output, 1, OutputWidth, _outputNorm.Gain, _outputNorm.Shift, NormEpsilon);
    }

    /// <summary>Zeroes the LSTM states, as torchaudio's predictor starts with <c>state=None</c>.</summary>
    public void Reset()
    {
        foreach (var l in _layers)
        {
            Array.Clear(l.H);
            Array.Clear(l.C);
        }
    }
}
