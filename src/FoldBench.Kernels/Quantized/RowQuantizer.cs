using System.Runtime.Intrinsics;

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
    internal static float Quantize(float* v, int k, byte* q, bool unsigned) => Quantize(v, k, q, unsigned, Widest);

    /// <summary>
    /// The same at a chosen vector width (tests run every one the CPU has). Every width gives the scalar loop's bytes
    /// and scale bit for bit: the absolute maximum is exact in any order (no NaN), <c>v · inv</c> is one fp32 multiply
    /// in every lane, and <c>Vector*.Round</c> rounds half to even as <see cref="MathF.Round(float)"/> does (roundps
    /// with mode 8 on x64, frintn on ARM64); the clamp and the int32 → int8 truncation are exact on integral values.
    /// </summary>
    internal static float Quantize(float* v, int k, byte* q, bool unsigned, QuantizerWidth width)
    {
        float amax = AbsMax(v, k, width);
        int shift = unsigned ? UnsignedZeroPoint : 0;
        if (amax == 0f)
        {
            new Span<byte>(q, k).Fill((byte)shift);
            return 0f;
        }
        float inv = QuantMax / amax;
        int i = width switch
        {
            QuantizerWidth.Vector512 => Quantize512(v, k, q, inv, shift),
            QuantizerWidth.Vector256 => Quantize256(v, k, q, inv, shift),
            QuantizerWidth.Vector128 => Quantize128(v, k, q, inv, shift),
            _ => 0,
        };
        for (; i < k; i++)
        {
            int r = (int)MathF.Round(v[i] * inv);
            r = Math.Clamp(r, -QuantMax, QuantMax);
            q[i] = (byte)(r + shift);
        }
        return amax / QuantMax;
    }

    /// <summary>The widest vector the runtime accelerates (Vector512 only where it is preferred, as for <c>best</c>).</summary>
    internal static QuantizerWidth Widest =>
        Vector512.IsHardwareAccelerated ? QuantizerWidth.Vector512 :
        Vector256.IsHardwareAccelerated ? QuantizerWidth.Vector256 :
        Vector128.IsHardwareAccelerated ? QuantizerWidth.Vector128 : QuantizerWidth.Scalar;

    /// <summary>Whether this runtime accelerates the width (the scalar loop always runs).</summary>
    internal static bool IsAccelerated(QuantizerWidth width) => width switch
    {
        QuantizerWidth.Vector512 => Vector512.IsHardwareAccelerated,
        QuantizerWidth.Vector256 => Vector256.IsHardwareAccelerated,
        QuantizerWidth.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    private static float AbsMax(float* v, int k, QuantizerWidth width)
    {
        int i = 0;
        var acc = Vector128<float>.Zero;
        if (width == QuantizerWidth.Vector512 && k >= Vector512<float>.Count)
        {
            var a = Vector512<float>.Zero;
            for (; i <= k - Vector512<float>.Count; i += Vector512<float>.Count) a = Vector512.Max(a, Vector512.Abs(Vector512.Load(v + i)));
            var half = Vector256.Max(a.GetLower(), a.GetUpper());
            acc = Vector128.Max(half.GetLower(), half.GetUpper());
        }
        else if (width == QuantizerWidth.Vector256 && k >= Vector256<float>.Count)
        {
            var a = Vector256<float>.Zero;
            for (; i <= k - Vector256<float>.Count; i += Vector256<float>.Count) a = Vector256.Max(a, Vector256.Abs(Vector256.Load(v + i)));
            acc = Vector128.Max(a.GetLower(), a.GetUpper());
        }
        else if (width == QuantizerWidth.Vector128)
            for (; i <= k - Vector128<float>.Count; i += Vector128<float>.Count) acc = Vector128.Max(acc, Vector128.Abs(Vector128.Load(v + i)));
        float amax = MathF.Max(MathF.Max(acc[0], acc[1]), MathF.Max(acc[2], acc[3]));
        for (; i < k; i++) amax = MathF.Max(amax, MathF.Abs(v[i]));
        return amax;
    }

    // Each block: four vectors of fp32 → scaled, rounded to even, clamped to ±127, to int32, + the zero point, then
    // narrowed twice (int32 → int16 → int8, truncating: the values fit) into one vector of bytes in the same order.
    private static int Quantize512(float* v, int k, byte* q, float inv, int shift)
    {
        const int n = 16;
        int i = 0;
        var scale = Vector512.Create(inv);
        var zero = Vector512.Create(shift);
        for (; i <= k - 4 * n; i += 4 * n)
        {
            var lo = Vector512.Narrow(Step512(v + i, scale, zero), Step512(v + i + n, scale, zero));
            var hi = Vector512.Narrow(Step512(v + i + 2 * n, scale, zero), Step512(v + i + 3 * n, scale, zero));
            Vector512.Narrow(lo, hi).AsByte().Store(q + i);
        }
        return i;
    }

    private static Vector512<int> Step512(float* p, Vector512<float> scale, Vector512<int> zero) =>
        Vector512.ConvertToInt32(Vector512.Clamp(Vector512.Round(Vector512.Load(p) * scale), Vector512.Create(-(float)QuantMax), Vector512.Create((float)QuantMax))) + zero;

    private static int Quantize256(float* v, int k, byte* q, float inv, int shift)
    {
        const int n = 8;
        int i = 0;
        var scale = Vector256.Create(inv);
        var zero = Vector256.Create(shift);
        for (; i <= k - 4 * n; i += 4 * n)
        {
            var lo = Vector256.Narrow(Step256(v + i, scale, zero), Step256(v + i + n, scale, zero));
            var hi = Vector256.Narrow(Step256(v + i + 2 * n, scale, zero), Step256(v + i + 3 * n, scale, zero));
            Vector256.Narrow(lo, hi).AsByte().Store(q + i);
        }
        return i;
    }

    private static Vector256<int> Step256(float* p, Vector256<float> scale, Vector256<int> zero) =>
        Vector256.ConvertToInt32(Vector256.Clamp(Vector256.Round(Vector256.Load(p) * scale), Vector256.Create(-(float)QuantMax), Vector256.Create((float)QuantMax))) + zero;

    private static int Quantize128(float* v, int k, byte* q, float inv, int shift)
    {
        const int n = 4;
        int i = 0;
        var scale = Vector128.Create(inv);
        var zero = Vector128.Create(shift);
        for (; i <= k - 4 * n; i += 4 * n)
        {
            var lo = Vector128.Narrow(Step128(v + i, scale, zero), Step128(v + i + n, scale, zero));
            var hi = Vector128.Narrow(Step128(v + i + 2 * n, scale, zero), Step128(v + i + 3 * n, scale, zero));
            Vector128.Narrow(lo, hi).AsByte().Store(q + i);
        }
        return i;
    }

    private static Vector128<int> Step128(float* p, Vector128<float> scale, Vector128<int> zero) =>
        Vector128.ConvertToInt32(Vector128.Clamp(Vector128.Round(Vector128.Load(p) * scale), Vector128.Create(-(float)QuantMax), Vector128.Create((float)QuantMax))) + zero;

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

/// <summary>The vector widths <see cref="RowQuantizer"/> is written for; the scalar loop is the reference of the others.</summary>
internal enum QuantizerWidth
{
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}
