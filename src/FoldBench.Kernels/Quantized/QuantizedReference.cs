namespace FoldBench.Kernels.Quantized;

/// <summary>
/// The correctness reference of the int8 paths, independent of every kernel path (the scalar one included): the
/// quantization rule of <see cref="RowQuantizer"/> written out again, the exact dot products of the quantized values in
/// 64-bit integers, and the bound within which the dequantized fp32 result must lie around the fp32 projection.
/// </summary>
public static class QuantizedReference
{
    /// <summary>
    /// Half a quantization step, with room for the fp32 rounding of <c>v · (127 / amax)</c> before it is rounded to an
    /// integer (relative 2⁻²³ of at most 127, i.e. ≤ 2·10⁻⁵ of a step): |v − scale·q| ≤ 0.5001·scale.
    /// </summary>
    public const double HalfStep = 0.5001;

    /// <summary>Relative fp32 roundings of the epilogue (int→float, scaleₓ·scale_w, the product, + bias, + old Y), with slack.</summary>
    public const double EpilogueRoundings = 6 * Reference.ErrorPerStep;

    /// <summary>The quantization of one vector (symmetric, per vector, ±127, ties to even): its scale and q.</summary>
    public static float Quantize(ReadOnlySpan<float> v, Span<int> q)
    {
        float amax = 0f;
        foreach (float e in v) if (Math.Abs(e) > amax) amax = Math.Abs(e);
        if (amax == 0f)
        {
            q[..v.Length].Clear();
            return 0f;
        }
        float inv = 127f / amax;
        for (int i = 0; i < v.Length; i++)
        {
            float t = v[i] * inv;
            q[i] = Math.Min(127, Math.Max(-127, (int)MathF.Round(t, MidpointRounding.ToEven)));
        }
        return amax / 127f;
    }

    /// <summary>
    /// Σₖ qx[i,k]·qw[j,k] in 64-bit integers for every row i of X (at <c>i·ldx</c>) and output j of W ([N×K]
    /// row-major), written to <paramref name="accumulators"/> at <c>i·N + j</c>, with the row scales of X and channel
    /// scales of W.
    /// </summary>
    public static void Accumulators(ReadOnlySpan<float> x, int m, int ldx, ReadOnlySpan<float> w, int n, int k,
        Span<long> accumulators, Span<float> rowScales, Span<float> channelScales)
    {
        if (w.Length != (long)n * k) throw new ArgumentException($"W has {w.Length} elements but N×K = {n}×{k} = {(long)n * k}", nameof(w));
        if (accumulators.Length < (long)m * n) throw new ArgumentException("accumulators are shorter than M×N", nameof(accumulators));
        var qw = new int[(long)n * k];
        for (int j = 0; j < n; j++) channelScales[j] = Quantize(w.Slice(j * k, k), qw.AsSpan(j * k, k));
        var qx = new int[k];
        for (int i = 0; i < m; i++)
        {
            rowScales[i] = Quantize(x.Slice(i * ldx, k), qx);
            for (int j = 0; j < n; j++)
            {
                long sum = 0;
                for (int p = 0; p < k; p++) sum += (long)qx[p] * qw[j * k + p];
                accumulators[i * n + j] = sum;
            }
        }
    }

    /// <summary>
    /// The fp32 projection in double (<see cref="Reference.Project"/>: Σ x·w + b (+ Y₀)) and, per output, how far the
    /// int8 result may lie from it: the quantization error
    /// Σₖ (|x|·hw + |w|·hx + hx·hw) with h = <see cref="HalfStep"/>·scale — from x·w − (sx·qx)(sw·qw) = x·ew + ex·w − ex·ew,
    /// |ex| ≤ hx, |ew| ≤ hw — plus <see cref="EpilogueRoundings"/> of |sx·sw·acc| + |b| + |Y₀|. Layout as in
    /// <see cref="Reference.Project"/>.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, int ldx, ReadOnlySpan<float> w, int n, int k,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> y0, int ldy, bool accumulate, Span<double> expected, Span<double> bound)
    {
        var magnitude = new double[expected.Length];
        Reference.Project(x, m, ldx, w, n, k, bias, y0, ldy, accumulate, expected, magnitude);
        var acc = new long[(long)m * n];
        var sx = new float[m];
        var sw = new float[n];
        Accumulators(x, m, ldx, w, n, k, acc, sx, sw);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double hx = HalfStep * sx[i], hw = HalfStep * sw[j], q = 0;
                for (int p = 0; p < k; p++)
                    q += Math.Abs(x[i * ldx + p]) * hw + Math.Abs(w[j * k + p]) * hx + hx * hw;
                double rest = Math.Abs((double)sx[i] * sw[j] * acc[i * n + j])
                    + (bias.IsEmpty ? 0 : Math.Abs(bias[j])) + (accumulate ? Math.Abs(y0[i * ldy + j]) : 0);
                bound[i * ldy + j] = q + EpilogueRoundings * rest;
            }
    }
}
