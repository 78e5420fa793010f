using FoldBench.Benchmarks.Peers;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Benchmarks.Correctness;

/// <summary>
/// When an int8 peer's Y counts as right. Two checks, both needed:
/// <list type="number">
/// <item><b>The int8 model</b>: with FoldBench's weight quantization (<see cref="QuantizedReference.Quantize"/>: the same
/// int8 values and per-channel scales every int8 peer is given) and the peer's declared activation quantization
/// (<see cref="ActivationQuantization"/>, written out here independently of both libraries), Y is determined up to the
/// fp32 epilogue: Σₖ x̂[i,k]·ŵ[j,k] + b[j] with x̂, ŵ the dequantized values, computed here from the integers in double.
/// The peer must agree with it within <see cref="QuantizedReference.EpilogueRoundings"/> of |Σ x̂ŵ| + |b| (int→float,
/// scale product, product, + bias), plus one activation step for each element whose scaled value lies within
/// <see cref="TieWindow"/> of a rounding tie (a library may divide where the rule multiplies, or the reverse). A peer
/// with other weights, other scales, a dropped bias or a lost term misses by far more.</item>
/// <item><b>The quantization bound</b> against the fp32 projection (the kernels' <see cref="Reference"/>):
/// Σₖ (|x|·hw + |w|·hx + hx·hw) with hw = 0.5001·scale_w[j] and hx half the peer's activation step (0.5001·max|row|/127
/// per row symmetric, 0.5001·range/255 per tensor u8), as <see cref="QuantizedReference.Project"/> derives it.</item>
/// </list>
/// </summary>
public static class QuantizedAgreement
{
    /// <summary>Distance from a rounding tie, in steps, within which a conforming implementation may round either way.</summary>
    public const double TieWindow = 1e-3;

    /// <summary>The activations as a scheme quantizes them: dequantized values, each row's step, and which elements sit on a near-tie.</summary>
    public sealed record Activations(double[] Values, double[] Step, bool[] NearTie);

    /// <summary>The outcome of <see cref="Check"/>, with the largest deviations for the message.</summary>
    public readonly record struct Verdict(bool MatchesInt8Model, bool WithinQuantizationBound, double MaxModelDeviation, double MaxErrorAgainstFp32)
    {
        public bool Correct => MatchesInt8Model && WithinQuantizationBound;
        public override string ToString() =>
            $"int8 model {(MatchesInt8Model ? "matched" : "missed")} (largest deviation {MaxModelDeviation:E2}), fp32 quantization bound {(WithinQuantizationBound ? "held" : "broken")} (largest error {MaxErrorAgainstFp32:E2})";
    }

    /// <summary>Quantizes X [M×K] (contiguous) by the scheme and dequantizes it again, in double.</summary>
    public static Activations Quantize(ActivationQuantization scheme, ReadOnlySpan<float> x, int m, int k)
    {
        var values = new double[(long)m * k];
        var step = new double[m];
        var tie = new bool[(long)m * k];
        if (scheme == ActivationQuantization.PerRowSymmetric)
        {
            var q = new int[k];
            for (int i = 0; i < m; i++)
            {
                // The kernels' independent reference of the rule: fp32 throughout, so a conforming path is exact (no ties).
                float s = QuantizedReference.Quantize(x.Slice(i * k, k), q);
                step[i] = s;
                for (int p = 0; p < k; p++) values[i * k + p] = (double)s * q[p];
            }
            return new Activations(values, step, tie);
        }

        // ONNX DynamicQuantizeLinear over the whole tensor, in fp32 as the operator specifies it.
        float min = 0f, max = 0f;
        foreach (float v in x[..(m * k)]) { min = Math.Min(min, v); max = Math.Max(max, v); }
        float scale = max == min ? 1f : (max - min) / 255f;
        float zp = MathF.Round(Math.Clamp(0f - min / scale, 0f, 255f), MidpointRounding.ToEven);
        for (int i = 0; i < m; i++) step[i] = scale;
        for (int e = 0; e < m * k; e++)
        {
            float t = x[e] / scale;
            float q = Math.Clamp(MathF.Round(t, MidpointRounding.ToEven) + zp, 0f, 255f);
            values[e] = (double)scale * (q - zp);
            tie[e] = Math.Abs(Math.Abs(t - MathF.Truncate(t)) - 0.5) < TieWindow;
        }
        return new Activations(values, step, tie);
    }

    /// <summary>
    /// Checks an int8 peer's Y [M×N] for X [M×K], fp32 W [N×K] (quantized here by FoldBench's rule) and bias [N].
    /// </summary>
    public static Verdict Check(ActivationQuantization scheme, ReadOnlySpan<float> x, int m, ReadOnlySpan<float> w, int n, int k,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> actual)
    {
        var (qw, sw) = Weights(w, n, k);
        var a = Quantize(scheme, x, m, k);
        var expected = new double[(long)m * n];
        var magnitude = new double[(long)m * n];
        Reference.Project(x, m, k, w, n, k, bias, default, n, false, expected, magnitude);

        bool model = true, bound = true;
        double maxDev = 0, maxErr = 0;
        for (int i = 0; i < m; i++)
        {
            double hx = QuantizedReference.HalfStep * a.Step[i];
            for (int j = 0; j < n; j++)
            {
                double sum = 0, slack = 0, quant = 0, hw = QuantizedReference.HalfStep * sw[j];
                for (int p = 0; p < k; p++)
                {
                    double wq = (double)sw[j] * qw[j * k + p];
                    sum += a.Values[i * k + p] * wq;
                    if (a.NearTie[i * k + p]) slack += a.Step[i] * Math.Abs(wq);
                    quant += Math.Abs(x[i * k + p]) * hw + Math.Abs(w[j * k + p]) * hx + hx * hw;
                }
                double b = bias.IsEmpty ? 0 : bias[j], y = actual[i * n + j];
                double rounding = QuantizedReference.EpilogueRoundings * (Math.Abs(sum) + Math.Abs(b));
                double dev = Math.Abs(y - (sum + b)), err = Math.Abs(y - expected[i * n + j]);
                if (!(dev <= slack + rounding)) model = false;
                if (!(err <= quant + rounding)) bound = false;
                maxDev = Math.Max(maxDev, double.IsNaN(dev) ? double.PositiveInfinity : dev);
                maxErr = Math.Max(maxErr, double.IsNaN(err) ? double.PositiveInfinity : err);
            }
        }
        return new Verdict(model, bound, maxDev, maxErr);
    }

    /// <summary>
    /// Whether two int8 peers given the same weights and scales agree with each other. Both equal Σₖ x̂ₖ·ŵₖ + b up to
    /// their epilogue roundings and near-ties, with the same ŵ, so their difference is predicted exactly by their
    /// activations alone: Y_a − Y_b = Σₖ (x̂_a − x̂_b)·ŵₖ, within one step per near-tie element of either and both
    /// epilogues' roundings. The weights' own quantization error cancels; a peer with other weights or scales shows as
    /// a difference the activations do not explain. Returns the verdict, the largest |Y_a − Y_b|, the largest deviation
    /// from the predicted difference, and the worst-case bound (½stepₐ + ½step_b)·Σ|ŵ| a looser check would allow.
    /// </summary>
    public static (bool Agree, double MaxDifference, double MaxDeviation, double WorstCase) Pair(ActivationQuantization schemeA, ReadOnlySpan<float> ya,
        ActivationQuantization schemeB, ReadOnlySpan<float> yb, ReadOnlySpan<float> x, int m, ReadOnlySpan<float> w, int n, int k,
        ReadOnlySpan<float> bias)
    {
        var (qw, sw) = Weights(w, n, k);
        var a = Quantize(schemeA, x, m, k);
        var b = Quantize(schemeB, x, m, k);
        bool agree = true;
        double maxDiff = 0, maxDev = 0, worst = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double predicted = 0, slack = 0, sa = 0, sb = 0, wsum = 0;
                for (int p = 0; p < k; p++)
                {
                    int e = i * k + p;
                    double wq = (double)sw[j] * qw[j * k + p];
                    predicted += (a.Values[e] - b.Values[e]) * wq;
                    sa += a.Values[e] * wq;
                    sb += b.Values[e] * wq;
                    wsum += Math.Abs(wq);
                    if (a.NearTie[e]) slack += a.Step[i] * Math.Abs(wq);
                    if (b.NearTie[e]) slack += b.Step[i] * Math.Abs(wq);
                }
                double bj = bias.IsEmpty ? 0 : Math.Abs(bias[j]);
                double tolerance = slack + QuantizedReference.EpilogueRoundings * (Math.Abs(sa) + Math.Abs(sb) + 2 * bj);
                double diff = (double)ya[i * n + j] - yb[i * n + j], dev = Math.Abs(diff - predicted);
                if (!(dev <= tolerance)) agree = false;
                maxDiff = Math.Max(maxDiff, double.IsNaN(diff) ? double.PositiveInfinity : Math.Abs(diff));
                maxDev = Math.Max(maxDev, double.IsNaN(dev) ? double.PositiveInfinity : dev);
                worst = Math.Max(worst, QuantizedReference.HalfStep * (a.Step[i] + b.Step[i]) * wsum);
            }
        return (agree, maxDiff, maxDev, worst);
    }

    private static (int[] Q, float[] Scales) Weights(ReadOnlySpan<float> w, int n, int k)
    {
        var qw = new int[(long)n * k];
        var sw = new float[n];
        for (int j = 0; j < n; j++) sw[j] = QuantizedReference.Quantize(w.Slice(j * k, k), qw.AsSpan(j * k, k));
        return (qw, sw);
    }
}
