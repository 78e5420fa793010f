namespace FoldBench.Kernels.Quantized;

/// <summary>
/// The one quantization rule of the int8 paths, for weights (per output channel, at pack time) and activations (per row,
/// on every call): symmetric int8 with one fp32 scale per vector.
/// </summary>
/// <remarks>
/// <para>
/// For a vector v: <c>amax = max|vₖ|</c>, <c>scale = amax / 127</c>, <c>qₖ = clamp(round(vₖ · (127 / amax)), −127, 127)</c>
/// with round-to-nearest-even (<see cref="MathF.Round(float)"/>), all in fp32; an all-zero vector has scale 0 and q = 0.
/// −128 never occurs. That keeps every product |qx·qw| ≤ 127² = 16129, which the overflow bounds below rely on, and lets
/// the avx2 path's sign trick negate a weight without overflow.
/// </para>
/// <para>
/// <b>Unsigned activations</b> (<c>vpdpbusd</c> multiplies u8 by s8): the VNNI path stores qx + 128 (1..255) and its
/// weights carry a per-channel correction −128·Σₖ qw[n,k] that the accumulators start from, so the accumulator ends at
/// Σ (qx + 128)·qw − 128·Σ qw = Σ qx·qw exactly. The biased partial sums may leave the int32 range, but int32 addition
/// wraps modulo 2³² and the final value is in range (below), so the result is exact.
/// </para>
/// <para>
/// <b>Overflow bound</b>: |Σₖ qx·qw| ≤ K·16129 &lt; 2³¹ for K ≤ <see cref="MaxInputCount"/> = 133,144; longer K is
/// refused at pack time. The avx2 path's 16-bit pair sums are ≤ 2·16129 = 32258 &lt; 32767 (never saturating), the
/// plain NEON path's 16-bit products ≤ 16129.
/// </para>
/// </remarks>
public static unsafe class RowQuantizer
{
    /// <summary>Largest |q|: symmetric int8 without −128.</summary>
    public const int QuantMax = 127;

    /// <summary>The zero point of unsigned (u8) activations: qx + 128.</summary>
    public const int UnsignedZeroPoint = 128;

    /// <summary>Largest K whose worst-case dot product K·127² still fits int32 (floor((2³¹ − 1) / 16129)).</summary>
    public const int MaxInputCount = 133_144;

    /// <summary>K steps per group: one 32-bit lane of <c>vpdpbusd</c> / <c>sdot</c> takes 4 bytes.</summary>
    public const int Group = 4;

    /// <summary>K rounded up to whole groups of 4 (the padded row length of the vector paths).</summary>
    public static int PaddedLength(int k) => (k + Group - 1) / Group * Group;

    /// <summary>
    /// Quantizes <paramref name="values"/> into <paramref name="q"/> (same length) by the rule above and returns the scale
    /// (0 for an all-zero vector). Values must be finite.
    /// </summary>
    public static float Quantize(ReadOnlySpan<float> values, Span<sbyte> q)
    {
        if (q.Length < values.Length)
            throw new ArgumentException($"the destination holds {q.Length} values but {values.Length} are to be quantized", nameof(q));
        fixed (float* v = values)
        fixed (sbyte* d = q)
            return Quantize(v, values.Length, (byte*)d, unsigned: false);
    }

    /// <summary>Quantizes <paramref name="k"/> values into <paramref name="q"/>: s8, or u8 = qx + 128 when <paramref name="unsigned"/>.</summary>
    internal static float Quantize(float* v, int k, byte* q, bool unsigned)
    {
        float amax = 0f;
        for (int i = 0; i < k; i++) amax = MathF.Max(amax, MathF.Abs(v[i]));
        int shift = unsigned ? UnsignedZeroPoint : 0;
        if (amax == 0f)
        {
            for (int i = 0; i < k; i++) q[i] = (byte)shift;
            return 0f;
        }
        float inv = QuantMax / amax;
        for (int i = 0; i < k; i++)
        {
            int r = (int)MathF.Round(v[i] * inv);
            r = Math.Clamp(r, -QuantMax, QuantMax);
            q[i] = (byte)(r + shift);
        }
        return amax / QuantMax;
    }

    /// <summary>
    /// Quantizes M rows of X (row i at <c>i·ldx</c>) into the scratch: row i at <c>i·kp</c>, padded from K to kp with
    /// the zero value (0, or 128 unsigned: its padded weights are 0, so the padding adds nothing), scale i in
    /// <paramref name="scales"/>.
    /// </summary>
    internal static void QuantizeRows(float* x, int m, int ldx, int k, byte* rows, int kp, float* scales, bool unsigned)
    {
        byte pad = (byte)(unsigned ? UnsignedZeroPoint : 0);
        for (int i = 0; i < m; i++)
        {
            byte* row = rows + (nint)i * kp;
            scales[i] = Quantize(x + (nint)i * ldx, k, row, unsigned);
            for (int j = k; j < kp; j++) row[j] = pad;
        }
    }
}
