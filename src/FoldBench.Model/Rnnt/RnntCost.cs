using FoldBench.Results;

namespace FoldBench.Model;

/// <summary>
/// Work and traffic of one part of an RNN-T chunk step. <see cref="WeightBytes"/> is the part's weights
/// (fp32), <see cref="WeightBytesReadPerStep"/> what a chunk reads of them: the predictor and joiner read
/// theirs on each of their T·K calls.
/// </summary>
public sealed record RnntPartCost(long Macs, long WeightBytes, long WeightBytesReadPerStep, long ActivationBytesPerStep, long CacheBytesPerStep = 0)
{
    /// <summary>2 FLOP per multiply-accumulate.</summary>
    public long Flops => 2 * Macs;
    public long BytesMovedPerStep => WeightBytesReadPerStep + ActivationBytesPerStep + CacheBytesPerStep;

    public static RnntPartCost operator +(RnntPartCost a, RnntPartCost b) => new(a.Macs + b.Macs, a.WeightBytes + b.WeightBytes,
        a.WeightBytesReadPerStep + b.WeightBytesReadPerStep, a.ActivationBytesPerStep + b.ActivationBytesPerStep, a.CacheBytesPerStep + b.CacheBytesPerStep);
}

/// <summary>
/// Work and traffic of one <see cref="RnntStep"/> chunk, by part, exact from the configuration. With T
/// chunk tokens, R look-ahead, stride s, F features, I the time-reduction input width, D, E, P, V the
/// widths of <see cref="RnntLayout"/>, Lp LSTM layers and K symbol steps per frame:
/// <list type="bullet">
/// <item>encoder: the encoder step (<see cref="ModelAccounting"/>) plus the input linear over (T + R)·s
///   frames ((T + R)·s·F·I MACs) and the output linear over the T chunk tokens (T·D·E);</item>
/// <item>predictor: T·K steps of Lp·8P² (x2g and p2g) + P·E MACs;</item>
/// <item>joiner: T·K steps of E·V MACs.</item>
/// </list>
/// Traffic, fp32: every weight a part uses is read once per call (the predictor and joiner are called
/// T·K times a chunk); outside the encoder step, each linear layer reads its input and writes its
/// output once, and element-wise work (norms, gates, activations) is not counted.
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

    public static RnntStepCost Compute(ModelConfig c, FoldingOptions o, int symbolStepsPerFrame)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentOutOfRangeException.ThrowIfLessThan(symbolStepsPerFrame, 1);
        var r = RnntLayout.Rnnt(c);
        var encoderStep = ModelAccounting.Compute(c, o).EncoderStep;
        long t = c.ChunkTokens, frames = (long)c.QueryTokens * r.TimeReductionStride, f = r.InputFeatures, i = r.TimeReductionInputWidth;
        long d = c.Width, e = r.EncoderOutputWidth, p = r.PredictorWidth, v = r.Vocabulary, lp = r.PredictorLstmLayers;
        long steps = t * symbolStepsPerFrame;

        long frontMacs = frames * f * i + t * d * e;
        long frontWeights = f * i + d * e + e + 2 * e;                            // input linear, output linear, layer_norm
        long frontActivations = frames * (f + i) + t * (d + e);
        var encoder = new RnntPartCost(encoderStep.TotalMacs + frontMacs, encoderStep.WeightBytesReadPerStep + 4 * frontWeights,
            encoderStep.WeightBytesReadPerStep + 4 * frontWeights,
            encoderStep.ActivationBytesPerStep + 4 * frontActivations, encoderStep.CacheBytesPerStep);

        long lstm = 8 * p * p + (r.LstmLayerNorm ? 10 * p : 4 * p);              // x2g, p2g; g_norm and c_norm, or x2g's bias
        long predictorWeights = p /* one embedding row */ + 2 * p + lp * lstm + p * e + e + 2 * e;
        long predictorMacs = lp * 8 * p * p + p * e;
        long predictorActivations = lp * 10 * p + p + e;                         // x2g: P in, 4P out; p2g: the same; linear: P in, E out
        // The embedding table is a weight of the predictor, but a step reads one row of it.
        var predictor = new RnntPartCost(steps * predictorMacs, 4 * (predictorWeights - p + v * p), steps * 4 * predictorWeights, steps * 4 * predictorActivations);

        var joiner = new RnntPartCost(steps * e * v, 4 * (e * v + v), steps * 4 * (e * v + v), steps * 4 * (e + v));
        return new RnntStepCost(encoder, predictor, joiner, symbolStepsPerFrame, c.ChunkTokens);
    }
}
