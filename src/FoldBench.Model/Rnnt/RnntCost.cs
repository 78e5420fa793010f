using FoldBench.Kernels;
using FoldBench.Model.Compute;
using FoldBench.Results;

namespace FoldBench.Model;

/// <summary>
/// Work and traffic of one part of an RNN-T chunk step. <see cref="WeightBytes"/> is the part's weights as stored at the
/// precision asked for, <see cref="WeightBytesReadPerStep"/> what a chunk reads of them: the predictor and joiner read
/// theirs on each of their T·K calls. <see cref="ScoreBytesPerStep"/> is the encoder step's score-matrix traffic
/// (<see cref="StepCost.ScoreBytesPerStep"/>); <see cref="QuantizedRowBytesPerStep"/> the quantized activation rows the
/// int8 linear layers write and read back (zero at fp32).
/// </summary>
public sealed record RnntPartCost(long Macs, long WeightBytes, long WeightBytesReadPerStep, long ActivationBytesPerStep, long CacheBytesPerStep = 0,
    long ScoreBytesPerStep = 0, long QuantizedRowBytesPerStep = 0)
{
    /// <summary>2 FLOP (or int8 operations) per multiply-accumulate.</summary>
    public long Flops => 2 * Macs;
    public long BytesMovedPerStep => WeightBytesReadPerStep + ActivationBytesPerStep + CacheBytesPerStep + ScoreBytesPerStep + QuantizedRowBytesPerStep;

    public static RnntPartCost operator +(RnntPartCost a, RnntPartCost b) => new(a.Macs + b.Macs, a.WeightBytes + b.WeightBytes,
        a.WeightBytesReadPerStep + b.WeightBytesReadPerStep, a.ActivationBytesPerStep + b.ActivationBytesPerStep, a.CacheBytesPerStep + b.CacheBytesPerStep,
        a.ScoreBytesPerStep + b.ScoreBytesPerStep, a.QuantizedRowBytesPerStep + b.QuantizedRowBytesPerStep);
}

/// <summary>
/// Work and traffic of one <see cref="RnntStep"/> chunk, by part, exact from the configuration. With T
/// chunk tokens, R look-ahead, stride s, F features, I the time-reduction input width, D, E, P, V the
/// widths of <see cref="RnntLayout"/>, Lp LSTM layers and K symbol steps per frame:
/// <list type="bullet">
/// <item>encoder: the encoder step (<see cref="ModelAccounting"/>, all its traffic: weights, activations, caches, score
///   matrices) plus the input linear over (T + R)·s frames ((T + R)·s·F·I MACs) and the output linear over the T chunk
///   tokens (T·D·E);</item>
/// <item>predictor: T·K steps of Lp·8P² (x2g and p2g) + P·E MACs;</item>
/// <item>joiner: T·K steps of E·V MACs.</item>
/// </list>
/// Traffic: every weight a part uses is read once per call (the predictor and joiner are called T·K times a chunk; a
/// predictor step reads one row of the embedding table); outside the encoder step, each linear layer reads its input and
/// writes its output once (fp32), and element-wise work (norms, gates, activations) is not counted.
/// At <see cref="Precision.Int8"/> the model runs every linear layer int8 (<see cref="RnntStep"/>): the transcriber's
/// input and output linears, the encoder's, the predictor's x2g, p2g and linear, the joiner's linear. Each is counted as
/// stored, a byte per weight, an fp32 scale per output channel and its fp32 bias where it has one (the input linear and
/// p2g have none, x2g none with LSTM layer norm), as <see cref="ModelAccounting"/> counts the encoder's; the embedding
/// table and every LayerNorm stay fp32. Each int8 call also writes its input's quantized rows (K padded to a multiple of
/// 4, a byte each, and an fp32 scale per row) and the kernel reads them back: 2·(rows·K₄ + 4·rows) bytes
/// (<see cref="RnntPartCost.QuantizedRowBytesPerStep"/>), for the input linear's (T + R)·s rows of F, the output
/// linear's T rows of D, and one row per predictor and joiner linear per symbol step. <see cref="Transcriber.StoredWeightBytes"/>,
/// <see cref="FoldBench.Model.Predictor.StoredWeightBytes"/> and <see cref="FoldBench.Model.Joiner.StoredWeightBytes"/> count the built model's and must agree.
/// </summary>
public sealed record RnntStepCost(RnntPartCost Encoder, RnntPartCost Predictor, RnntPartCost Joiner, int SymbolStepsPerFrame, int TokensPerStep)
{
    public RnntPartCost Step => Encoder + Predictor + Joiner;

    /// <summary>The cost of a part by its name (<c>step</c>, <c>encoder</c>, <c>predictor</c>, <c>joiner</c>).</summary>
    public RnntPartCost Part(string name) => name switch
    {
        RnntPartNames.Step => Step,
        RnntPartNames.Encoder => Encoder,
        RnntPartNames.Predictor => Predictor,
        RnntPartNames.Joiner => Joiner,
        _ => throw new ArgumentException($"unknown RNN-T part '{name}' (expected step, encoder, predictor or joiner)", nameof(name)),
    };

    /// <param name="precision">The number format of the linear layers, as <see cref="RnntStep"/> takes it (fp32 unless asked).</param>
    public static RnntStepCost Compute(ModelConfig c, FoldingOptions o, int symbolStepsPerFrame, Precision precision = Precision.Fp32)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentOutOfRangeException.ThrowIfLessThan(symbolStepsPerFrame, 1);
        const int Float = sizeof(float);
        var r = RnntLayout.Rnnt(c);
        var encoderStep = ModelAccounting.Compute(c, o, precision).EncoderStep;
        bool int8 = precision == Precision.Int8;
        long t = c.ChunkTokens, frames = (long)c.QueryTokens * r.TimeReductionStride, f = r.InputFeatures, i = r.TimeReductionInputWidth;
        long d = c.Width, e = r.EncoderOutputWidth, p = r.PredictorWidth, v = r.Vocabulary, lp = r.PredictorLstmLayers;
        long steps = t * symbolStepsPerFrame;

        // A linear layer's weights as stored: fp32, or int8 bytes with an fp32 scale per output and the fp32 bias.
        long Linear(long outputs, long inputs, bool bias) => int8
            ? outputs * inputs + Float * outputs + (bias ? Float * outputs : 0)
            : Float * (outputs * inputs + (bias ? outputs : 0));
        // An int8 call's quantized input rows, written by the quantizer and read back by the kernel; nothing at fp32.
        long Rows(long rows, int inputs) => int8 ? 2 * Int8Scratch.RowBytes(rows, inputs) : 0;

        long frontMacs = frames * f * i + t * d * e;
        long frontWeights = Linear(i, f, bias: false) + Linear(e, d, bias: true) + Float * 2 * e;   // input linear, output linear, layer_norm
        long frontActivations = Float * (frames * (f + i) + t * (d + e));
        long frontRows = Rows(frames, r.InputFeatures) + Rows(t, c.Width);
        var encoder = new RnntPartCost(encoderStep.TotalMacs + frontMacs, encoderStep.WeightBytesReadPerStep + frontWeights,
            encoderStep.WeightBytesReadPerStep + frontWeights, encoderStep.ActivationBytesPerStep + frontActivations, encoderStep.CacheBytesPerStep,
            encoderStep.ScoreBytesPerStep, encoderStep.QuantizedRowBytesPerStep + frontRows);

        // An LSTM layer: x2g (its bias only without layer norm) and bias-free p2g; with layer norm, g_norm (4P) and c_norm (P).
        long lstm = Linear(4 * p, p, bias: !r.LstmLayerNorm) + Linear(4 * p, p, bias: false) + (r.LstmLayerNorm ? Float * 2 * (4 * p + p) : 0);
        // A step reads one embedding row, the input norm, the LSTMs, the linear and the output norm.
        long predictorRead = Float * p + Float * 2 * p + lp * lstm + Linear(e, p, bias: true) + Float * 2 * e;
        long predictorStored = predictorRead - Float * p + Float * v * p;                     // the whole embedding table
        long predictorMacs = lp * 8 * p * p + p * e;
        long predictorActivations = Float * (lp * 10 * p + p + e);                            // x2g: P in, 4P out; p2g: the same; linear: P in, E out
        long predictorRows = (2 * lp + 1) * Rows(1, r.PredictorWidth);                        // x2g and p2g per layer, the linear: one row each
        var predictor = new RnntPartCost(steps * predictorMacs, predictorStored, steps * predictorRead, steps * predictorActivations,
            QuantizedRowBytesPerStep: steps * predictorRows);

        long joinerWeights = Linear(v, e, bias: true);
        var joiner = new RnntPartCost(steps * e * v, joinerWeights, steps * joinerWeights, steps * Float * (e + v),
            QuantizedRowBytesPerStep: steps * Rows(1, r.EncoderOutputWidth));
        return new RnntStepCost(encoder, predictor, joiner, symbolStepsPerFrame, c.ChunkTokens);
    }
}
