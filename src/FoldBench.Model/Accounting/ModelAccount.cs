using FoldBench.Kernels;

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
/// The element-wise work of one step, counted from the operations' definitions (PyTorch's softmax,
/// LayerNorm and activation), not from how FoldBench vectorises them. Transcendental functions are
/// counted apart from FLOPs: an exp or an erf costs tens of instructions, not one.
/// <list type="bullet">
/// <item>softmax: one exp per score element, and 4 FLOP (max, subtract the max, add to the sum, divide by it);</item>
/// <item>LayerNorm: 7 FLOP per element (add to the mean, subtract it, square and add to the variance, multiply by
///   1/σ, gain and shift) and 5 per row (mean and variance divisions, + ε, square root, reciprocal);</item>
/// <item>the FFN activation: <see cref="ActivationCost"/> per hidden element;</item>
/// <item>residual additions: 1 FLOP per element.</item>
/// </list>
/// </summary>
public sealed record ElementwiseWork(
    long SoftmaxElements,
    long LayerNormElements,
    long LayerNormRows,
    long ActivationElements,
    long ResidualElements,
    ActivationCost Activation)
{
    public const int SoftmaxFlopsPerElement = 4;
    public const int LayerNormFlopsPerElement = 7;
    public const int LayerNormFlopsPerRow = 5;

    /// <summary>Exponentials of the softmax: one per score element, so N² more under "keep heads", N more under "reduce heads".</summary>
    public long SoftmaxExps => SoftmaxElements;
    /// <summary>The activation's transcendental calls (GELU: one erf per hidden element).</summary>
    public long ActivationTranscendentals => ActivationElements * Activation.TranscendentalsPerElement;
    public long Transcendentals => SoftmaxExps + ActivationTranscendentals;

    public long SoftmaxFlops => SoftmaxFlopsPerElement * SoftmaxElements;
    public long LayerNormFlops => LayerNormFlopsPerElement * LayerNormElements + LayerNormFlopsPerRow * LayerNormRows;
    public long ActivationFlops => Activation.FlopsPerElement * ActivationElements;
    /// <summary>Every element-wise FLOP (transcendentals not included).</summary>
    public long Flops => SoftmaxFlops + LayerNormFlops + ActivationFlops + ResidualElements;

    public static ElementwiseWork operator *(ElementwiseWork w, int times) => w with
    {
        SoftmaxElements = w.SoftmaxElements * times,
        LayerNormElements = w.LayerNormElements * times,
        LayerNormRows = w.LayerNormRows * times,
        ActivationElements = w.ActivationElements * times,
        ResidualElements = w.ResidualElements * times,
    };
}

/// <summary>What one element of the FFN activation costs, by its definition.</summary>
public sealed record ActivationCost(string Name, int FlopsPerElement, int TranscendentalsPerElement)
{
    /// <summary>Exact GELU, ½·x·(1 + erf(x/√2)): one erf, and 4 FLOP (scale by 1/√2, add 1, two multiplies).</summary>
    public static ActivationCost Gelu { get; } = new("GELU", 4, 1);

    /// <summary>
    /// The activation of a configuration. The one place to switch when the configuration names its activation
    /// (torchaudio's Emformer allows relu, gelu and silu): until then every configuration is GELU, as in
    /// <c>emformer_rnnt_base</c> and as <see cref="EncoderLayer"/> computes. ReLU would be max(x, 0): 1 FLOP, no
    /// transcendental; SiLU x/(1 + exp(−x)): 3 FLOP and one exp.
    /// </summary>
    public static ActivationCost Of(ModelConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return Gelu;
    }
}

/// <summary>
/// Work and memory traffic of one streaming step, exact from the configuration (steady state:
/// full left-context cache). Traffic model: weights are read once per step; every operator reads
/// its inputs and writes its outputs once (fp32); each layer reads the cached keys/values of the
/// left context and writes those of the new chunk tokens. The attention scores are not a per-query
/// row that stays in L1: each head's full score matrix, N·(T + R) query sub-rows × N·(left + T + R) key
/// sub-rows, is written by QKᵀ, read and rewritten by the softmax and read by the product with V — four
/// passes of 4 bytes per score element (<see cref="ScoreBytesPerStep"/>), which at large chunks under
/// "keep heads" outweigh the weights. At int8 the weights are read as stored (int8, fp32 scales and bias) and
/// <see cref="QuantizedRowBytesPerStep"/> adds the quantized activation rows each projection writes and reads back
/// (zero at fp32).
/// </summary>
public sealed record StepCost(
    long ProjectionMacs,
    long ScoreMacs,
    long FfnMacs,
    long WeightBytesReadPerStep,
    long ActivationBytesPerStep,
    long CacheBytesPerStep,
    long ScoreBytesPerStep,
    ElementwiseWork Elementwise,
    int TokensPerStep,
    long QuantizedRowBytesPerStep = 0)
{
    /// <summary>Bytes the score matrices move per score element: written, read, rewritten (softmax), read (· V).</summary>
    public const int ScoreBytesPerElement = 4 * sizeof(float);

    public long TotalMacs => ProjectionMacs + ScoreMacs + FfnMacs;
    /// <summary>2 FLOP per multiply-accumulate: the FLOPs GFLOP/s figures count (element-wise work is <see cref="ElementwiseWork.Flops"/>).</summary>
    public long Flops => 2 * TotalMacs;
    /// <summary>Multiply-accumulate FLOPs and element-wise FLOPs together (transcendentals not included).</summary>
    public long AllFlops => Flops + Elementwise.Flops;
    public long BytesMovedPerStep => WeightBytesReadPerStep + ActivationBytesPerStep + CacheBytesPerStep + ScoreBytesPerStep + QuantizedRowBytesPerStep;
    /// <summary>Per new (chunk) token; look-ahead tokens are recomputed, not advanced.</summary>
    public double BytesMovedPerToken => (double)BytesMovedPerStep / TokensPerStep;
    /// <summary>FLOP (multiply-accumulate) per byte moved.</summary>
    public double ArithmeticIntensity => BytesMovedPerStep == 0 ? 0 : (double)Flops / BytesMovedPerStep;

    public static StepCost operator *(StepCost c, int times) => new(
        c.ProjectionMacs * times, c.ScoreMacs * times, c.FfnMacs * times,
        c.WeightBytesReadPerStep * times, c.ActivationBytesPerStep * times, c.CacheBytesPerStep * times,
        c.ScoreBytesPerStep * times, c.Elementwise * times, c.TokensPerStep, c.QuantizedRowBytesPerStep * times);
}

/// <summary>
/// What the streaming encoder keeps in memory while it runs, as <see cref="StreamingEncoder"/> allocates it:
/// <see cref="StreamingEncoder.CacheBytes"/> and <see cref="StreamingEncoder.ScratchBytes"/> equal these.
/// </summary>
/// <param name="WeightBytes">
/// The encoder's parameters as stored at the account's precision: fp32, or int8 linear layers (a byte per weight, fp32
/// scales and bias) with fp32 norms (<see cref="StreamingEncoder.StoredWeightBytes"/>; the kernels' packing pads a little
/// more, see <see cref="StreamingEncoder.WeightBytes"/>).
/// </param>
/// <param name="CacheBytes">Every layer's key/value buffer: the left-context cache and this step's keys and values, (C + T + R)·2D floats.</param>
/// <param name="ScratchBytes">
/// The one workspace all layers share: four (T + R)×D buffers, the (T + R)×F FFN hidden activations, the encoder's
/// (T + R)×D rows, and the attention core's scratch — one head's full score matrix, its transposed queries and
/// softmax sums, N·(T + R) query sub-rows rounded up to this machine's vector width. At int8, plus the quantized
/// activation rows (<see cref="Compute.Int8Scratch"/>).
/// </param>
public sealed record ResidentFootprint(long WeightBytes, long CacheBytes, long ScratchBytes)
{
    public long TotalBytes => WeightBytes + CacheBytes + ScratchBytes;
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
    StepCost AttentionBlock,
    ResidentFootprint Footprint)
{
    /// <summary>The number format of the linear layers the step and footprint figures assume (fp32 unless asked).</summary>
    public Precision Precision { get; init; } = Precision.Fp32;

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
    public long ScoreBytesPerStep => EncoderStep.ScoreBytesPerStep;
    public ElementwiseWork Elementwise => EncoderStep.Elementwise;
    public long BytesMovedPerStep => EncoderStep.BytesMovedPerStep;
    public double BytesMovedPerToken => EncoderStep.BytesMovedPerToken;
    public double ArithmeticIntensity => EncoderStep.ArithmeticIntensity;
}
