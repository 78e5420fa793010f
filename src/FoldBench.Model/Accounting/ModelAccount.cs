namespace FoldBench.Model;

/// <summary>A parameter count and what it occupies stored as fp32, fp16 or int8.</summary>
public readonly record struct ParameterGroup(long Parameters)
{
    public long BytesFp32 => Parameters * 4;
    public long BytesFp16 => Parameters * 2;
    /// <summary>One byte per parameter; quantisation scales and zero points are not counted.</summary>
    public long BytesInt8 => Parameters;
    public double MiBFp32 => BytesFp32 / (1024.0 * 1024.0);

    public static ParameterGroup operator +(ParameterGroup a, ParameterGroup b) => new(a.Parameters + b.Parameters);
}

/// <summary>Parameters split the way the paper discusses them.</summary>
public sealed record ParameterBreakdown(
    ParameterGroup AttentionProjections,
    ParameterGroup Ffn,
    ParameterGroup Norms,
    ParameterGroup RestOfModel)
{
    /// <summary>The Emformer layers: attention projections, FFNs and their LayerNorms.</summary>
    public ParameterGroup Encoder => AttentionProjections + Ffn + Norms;
    /// <summary>The whole model: the encoder layers plus the rest of the RNN-T (zero when not modelled).</summary>
    public ParameterGroup Model => Encoder + RestOfModel;
}

/// <summary>The parts of an RNN-T outside the Emformer layers (torchaudio's <c>emformer_rnnt_model</c>).</summary>
public sealed record RnntParameters(
    long InputLinear,
    long EncoderOutput,
    long Embedding,
    long PredictorLstms,
    long PredictorOutput,
    long Joiner,
    long OtherNorms)
{
    public static RnntParameters None { get; } = new(0, 0, 0, 0, 0, 0, 0);
    public long Total => InputLinear + EncoderOutput + Embedding + PredictorLstms + PredictorOutput + Joiner + OtherNorms;
}

/// <summary>
/// Work and memory traffic of one streaming step, exact from the configuration (steady state:
/// full left-context cache). Traffic model: weights are read once per step; every operator reads
/// its inputs and writes its outputs once (fp32); each layer reads the cached keys/values of the
/// left context and writes those of the new chunk tokens. Per-query score rows live in a scratch
/// of N·(left + T + R) floats that stays in the L1 cache and is not counted.
/// </summary>
public sealed record StepCost(
    long ProjectionMacs,
    long ScoreMacs,
    long FfnMacs,
    long WeightBytesReadPerStep,
    long ActivationBytesPerStep,
    long CacheBytesPerStep,
    int TokensPerStep)
{
    public long TotalMacs => ProjectionMacs + ScoreMacs + FfnMacs;
    /// <summary>2 FLOP per multiply-accumulate.</summary>
    public long Flops => 2 * TotalMacs;
    public long BytesMovedPerStep => WeightBytesReadPerStep + ActivationBytesPerStep + CacheBytesPerStep;
    /// <summary>Per new (chunk) token; look-ahead tokens are recomputed, not advanced.</summary>
    public double BytesMovedPerToken => (double)BytesMovedPerStep / TokensPerStep;
    /// <summary>FLOP per byte moved.</summary>
    public double ArithmeticIntensity => BytesMovedPerStep == 0 ? 0 : (double)Flops / BytesMovedPerStep;

    public static StepCost operator *(StepCost c, int times) => new(
        c.ProjectionMacs * times, c.ScoreMacs * times, c.FfnMacs * times,
        c.WeightBytesReadPerStep * times, c.ActivationBytesPerStep * times, c.CacheBytesPerStep * times, c.TokensPerStep);
}

/// <summary>
/// Everything <see cref="ModelAccounting.Compute"/> derives from a configuration and folding
/// options. The step figures at the top level are those of one encoder step (L layers, T tokens);
/// <see cref="PerLayer"/> and <see cref="AttentionBlock"/> give the same for one layer and for one
/// layer's attention block alone.
/// </summary>
public sealed record ModelAccount(
    ModelConfig Config,
    FoldingOptions Options,
    ParameterBreakdown Parameters,
    RnntParameters Rnnt,
    long AttentionBlockParameters,
    long LayerParameters,
    StepCost EncoderStep,
    StepCost PerLayer,
    StepCost AttentionBlock)
{
    public long EncoderParameters => Parameters.Encoder.Parameters;
    public long ModelParameters => Parameters.Model.Parameters;

    public long ProjectionMacs => EncoderStep.ProjectionMacs;
    public long ScoreMacs => EncoderStep.ScoreMacs;
    public long FfnMacs => EncoderStep.FfnMacs;
    public long TotalMacs => EncoderStep.TotalMacs;
    public long Flops => EncoderStep.Flops;
    public long WeightBytesReadPerStep => EncoderStep.WeightBytesReadPerStep;
    public long ActivationBytesPerStep => EncoderStep.ActivationBytesPerStep;
    public long CacheBytesPerStep => EncoderStep.CacheBytesPerStep;
    public long BytesMovedPerStep => EncoderStep.BytesMovedPerStep;
    public double BytesMovedPerToken => EncoderStep.BytesMovedPerToken;
    public double ArithmeticIntensity => EncoderStep.ArithmeticIntensity;
}
