namespace FoldBench.Model;

/// <summary>
/// How far a model whose linear layers run in int8 may lie from the same model in fp32 (or in double precision), and
/// the measure of how far it does (<see cref="Int8Error"/>): max |y₈ − y| ≤ depth/127 · max(1, max |y|), depth being the
/// number of int8 linear layers an output passes through one after another.
/// </summary>
/// <remarks>
/// <para>
/// Why depth/127. One int8 projection errs, per output, by at most Σₖ (|xₖ|·h_w + |wₖ|·hₓ + hₓ·h_w) with h half a
/// quantization step (amax/254; <c>QuantizedReference</c>), which is at most about K·amaxₓ·amax_w/127: one step, 1/127,
/// of the largest sum the layer can form. The model keeps every stage's values of order one — LayerNorms before the
/// projections and after the layers, the softmax, the LSTM's σ and tanh — so each int8 layer in a chain adds at most
/// about 1/127 of the output's scale, and the errors of a chain add. Scores, softmax, norms and activations are fp32 and
/// add only fp32 rounding, far below this.
/// </para>
/// <para>
/// Measured (int8 against fp32 on the avx512 → int8-avxvnni path, each preset cut to 2 layers, seeded uniform inputs,
/// steps until the left context is full, fold 1/2/4 shared, fold 4 block-diagonal with the FFN folded, fold 2 reducing
/// heads with QKV only), as max |Δ| / max(1, max |y|): attention block ≤ 5.0·10⁻³ (bound 2/127 = 1.6·10⁻²), encoder step
/// ≤ 1.0·10⁻² (8/127 = 6.3·10⁻²), transcriber ≤ 1.8·10⁻² (10/127 = 7.9·10⁻²), predictor ≤ 2.3·10⁻² (6/127 = 4.7·10⁻² with
/// 2 LSTM layers), joiner ≤ 2.7·10⁻² (9/127 = 7.1·10⁻² with 3). The bound leaves a margin of 2× or more everywhere,
/// and a wrong int8 model (weight scales not applied, the query's 1/√d not folded) misses it by far (the tests show it).
/// </para>
/// </remarks>
public static class Int8Tolerance
{
    /// <summary>One quantization step of symmetric int8: 1/127 of the largest magnitude.</summary>
    public const double Step = 1.0 / 127;

    /// <summary>The relative bound for an output behind <paramref name="depth"/> int8 linear layers in series.</summary>
    public static double Bound(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        return depth * Step;
    }

    /// <summary>The attention block: query/key/value projections, then the output projection.</summary>
    public const int AttentionBlockDepth = 2;

    /// <summary>An encoder of <paramref name="layers"/> layers: per layer Q/K/V, output, FFN expand and contract.</summary>
    public static int EncoderDepth(int layers) => 4 * layers;

    /// <summary>The RNN-T transcriber: the input linear, the encoder and the output linear.</summary>
    public static int TranscriberDepth(int layers) => EncoderDepth(layers) + 2;

    /// <summary>
    /// The predictor: per LSTM layer the gates' x2g and p2g, the latter fed by the state the earlier symbols left (a
    /// second chain beside the first, so counted twice), then the output linear: 2·(LSTM layers + 1).
    /// </summary>
    public static int PredictorDepth(int lstmLayers) => 2 * (lstmLayers + 1);

    /// <summary>The joiner's linear after the predictor (the encoder frame's own chain is shorter or checked apart).</summary>
    public static int JoinerDepth(int lstmLayers) => PredictorDepth(lstmLayers) + 1;

    /// <summary>How far <paramref name="actual"/> lies from <paramref name="expected"/> (same length).</summary>
    public static Int8Error Measure(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            throw new ArgumentException($"{actual.Length} outputs against {expected.Length} expected", nameof(actual));
        double max = 0, squares = 0, scale = 1;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            // NaN fails every bound: it becomes an infinite error.
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            max = Math.Max(max, d);
            squares += d * d;
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return new Int8Error(max, actual.Length == 0 ? 0 : Math.Sqrt(squares / actual.Length), scale);
    }
}

/// <summary>
/// An int8 output against its fp32 reference: the largest and the root-mean-square absolute difference, and the scale
/// the bound is relative to, max(1, max |y|).
/// </summary>
public readonly record struct Int8Error(double Max, double Rms, double Scale)
{
    /// <summary>max |Δ| / scale: what <see cref="Int8Tolerance.Bound"/> limits.</summary>
    public double Relative => Max / Scale;

    public bool Within(int depth) => Relative <= Int8Tolerance.Bound(depth);

    /// <summary>The worse of two measurements (max of each figure), to sum up several steps or outputs.</summary>
    public Int8Error Worst(Int8Error other) =>
        Relative >= other.Relative ? this with { Rms = Math.Max(Rms, other.Rms) } : other with { Rms = Math.Max(Rms, other.Rms) };

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"max {Max:E2} (relative {Relative:E2}), RMS {Rms:E2}");
}
