using System.Numerics.Tensors;
using FoldBench.Kernels;
using FoldBench.Model.Compute;

namespace FoldBench.Model;

/// <summary>
/// The RNN-T's joiner, as torchaudio's <c>_Joiner</c>: logits = linear(activation(encoder frame +
/// predictor output)), E → V symbols.
/// </summary>
public sealed class Joiner
{
    private readonly FoldedLinear _linear;
    private readonly JoinerActivation _activation;
    private readonly float[] _sum;

    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); the caller disposes it.</param>
    /// <param name="precision">The number format of the output linear; the sum and the activation stay fp32.</param>
    public Joiner(ModelConfig c, KernelPath path, JoinerWeights weights, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var r = RnntLayout.Rnnt(c);
        Transcriber.Check(weights.Linear, r.Vocabulary, r.EncoderOutputWidth, "joiner.linear");
        _linear = new FoldedLinear(new ProjectionWeights(weights.Linear), 1, path, pool: pool, precision: precision);
        _linear.Reserve(1);
        _activation = r.JoinerActivation;
        _sum = new float[r.EncoderOutputWidth];
        Symbols = r.Vocabulary;
        Path = path;
        Precision = precision;
    }

    public KernelPath Path { get; }
    public Precision Precision { get; }
    public int InputWidth => _sum.Length;
    public int Symbols { get; }

    /// <summary>Bytes of the linear layer as stored at this precision: fp32, or int8 with fp32 scales and bias (<see cref="RnntStepCost"/> counts the same).</summary>
    public long StoredWeightBytes => _linear.StoredBytes;

    public void Join(ReadOnlySpan<float> encoderFrame, ReadOnlySpan<float> predictorOutput, Span<float> logits)
    {
        if (encoderFrame.Length != InputWidth) throw AttentionBlock.LengthError(nameof(encoderFrame), encoderFrame.Length, InputWidth);
        if (predictorOutput.Length != InputWidth) throw AttentionBlock.LengthError(nameof(predictorOutput), predictorOutput.Length, InputWidth);
        if (logits.Length != Symbols) throw AttentionBlock.LengthError(nameof(logits), logits.Length, Symbols);
        TensorPrimitives.Add(encoderFrame, predictorOutput, _sum);
        if (_activation == JoinerActivation.Relu) VectorMath.Relu(_sum);
        else TensorPrimitives.Tanh(_sum, _sum);
        _linear.Apply(_sum, 1, logits, accumulate: false);
    }
}
