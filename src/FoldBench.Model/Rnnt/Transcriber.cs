using FoldBench.Kernels;
using FoldBench.Model.Compute;

namespace FoldBench.Model;

/// <summary>
/// The RNN-T's transcriber streamed one chunk per <see cref="Step"/>, as torchaudio's
/// <c>_EmformerEncoder.infer</c>: (T + R)·stride feature frames → bias-free input linear to width I →
/// time reduction (stride consecutive frames side by side make one token of width D = I·stride; in
/// row-major memory that is the same buffer) → the <see cref="StreamingEncoder"/> step, its caches
/// carried → output linear D→E on the T chunk tokens → LayerNorm. Folding applies to the encoder only.
/// </summary>
public sealed class Transcriber
{
    private readonly FoldedLinear _input, _output;
    private readonly NormWeights _norm;
    private readonly float[] _tokens, _encoded;
    private readonly int _stride, _features, _outputWidth;

    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); the caller disposes it.</param>
    /// <param name="precision">The number format of every linear layer (input, encoder, output); norms and attention stay fp32.</param>
    public Transcriber(ModelConfig c, FoldingOptions o, KernelPath path, TranscriberWeights weights, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(c, path, new StreamingEncoder(c, o, path, (weights ?? throw new ArgumentNullException(nameof(weights))).Encoder, pool, precision), weights, pool, precision) { }

    /// <summary>Around an encoder built already; <paramref name="weights"/>' own encoder layers are not used.</summary>
    internal Transcriber(ModelConfig c, KernelPath path, StreamingEncoder encoder, TranscriberWeights weights, ProjectionPool? pool, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var r = RnntLayout.Rnnt(c);
        Encoder = encoder;
        Check(weights.InputLinear, r.TimeReductionInputWidth, r.InputFeatures, "transcriber.input_linear");
        Check(weights.OutputLinear, r.EncoderOutputWidth, c.Width, "transcriber.output_linear");
        if (weights.LayerNorm.Width != r.EncoderOutputWidth)
            throw new ArgumentException($"transcriber.layer_norm has width {weights.LayerNorm.Width} but rnnt.encoderOutputWidth = {r.EncoderOutputWidth}", nameof(weights));
        var scratch = new Int8Scratch();
        _input = new FoldedLinear(new ProjectionWeights(weights.InputLinear), 1, path, pool: pool, precision: precision, scratch: scratch);
        _output = new FoldedLinear(new ProjectionWeights(weights.OutputLinear), 1, path, pool: pool, precision: precision, scratch: scratch);
        _norm = weights.LayerNorm;
        _stride = r.TimeReductionStride;
        _input.Reserve(c.QueryTokens * _stride);
        _output.Reserve(c.ChunkTokens);
        _features = r.InputFeatures;
        _outputWidth = r.EncoderOutputWidth;
        _tokens = new float[Encoder.InputLength];
        _encoded = new float[Encoder.OutputLength];
        Path = path;
    }

    internal static void Check(LinearWeights w, int outputs, int inputs, string name)
    {
        if (w.Outputs != outputs || w.Inputs != inputs)
            throw new ArgumentException($"{name} is [{w.Outputs}, {w.Inputs}] but the configuration needs [{outputs}, {inputs}]");
    }

    public StreamingEncoder Encoder { get; }
    public ModelConfig Config => Encoder.Config;
    public KernelPath Path { get; }
    public Precision Precision => Encoder.Precision;

    /// <summary>Feature frames per step: (T + R)·stride.</summary>
    public int FramesPerStep => Config.QueryTokens * _stride;
    /// <summary>Frames advanced per step: T·stride (the last R·stride frames are look-ahead, read again next step).</summary>
    public int FramesPerChunk => Config.ChunkTokens * _stride;
    public int InputFeatures => _features;
    public int OutputWidth => _outputWidth;
    /// <summary>(T + R)·stride × F floats.</summary>
    public int InputLength => FramesPerStep * _features;
    /// <summary>T × E floats: one encoder output per chunk token.</summary>
    public int OutputLength => Config.ChunkTokens * _outputWidth;

    public long ParameterCount => _input.ParameterCount + Encoder.ParameterCount + _output.ParameterCount + _norm.ParameterCount;

    /// <summary>
    /// Bytes of the parameters as stored at this precision, without packing padding: the linear layers fp32, or int8 with
    /// fp32 scales and bias (<see cref="StreamingEncoder.StoredWeightBytes"/>); the LayerNorm fp32. <see cref="RnntStepCost"/> counts the same.
    /// </summary>
    public long StoredWeightBytes => _input.StoredBytes + Encoder.StoredWeightBytes + _output.StoredBytes + _norm.ParameterCount * sizeof(float);

    public void Step(ReadOnlySpan<float> frames, Span<float> output)
    {
        if (frames.Length != InputLength) throw AttentionBlock.LengthError(nameof(frames), frames.Length, InputLength);
        if (output.Length != OutputLength) throw AttentionBlock.LengthError(nameof(output), output.Length, OutputLength);
        // Frames × I written row after row are already tokens × (stride·I): the time reduction costs nothing.
        _input.Apply(frames, FramesPerStep, _tokens, accumulate: false);
        Encoder.Step(_tokens, _encoded);
        int rows = Config.ChunkTokens;
        _output.Apply(_encoded, rows, output, accumulate: false);
        VectorMath.LayerNorm(output, output, rows, _outputWidth, _norm.Gain, _norm.Shift, ModelConfig.LayerNormEpsilon);
    }

    /// <summary>Forgets the encoder's left context, as at the start of a new utterance.</summary>
    public void ResetCache() => Encoder.ResetCache();
}
