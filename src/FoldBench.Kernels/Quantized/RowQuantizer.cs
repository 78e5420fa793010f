using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// and scale bit for bit: the absolute maximum is exact in any order, <c>v · inv</c> is one fp32 multiply in every
    /// lane, and <c>Vector*.Round</c> rounds half to even as <see cref="MathF.Round(float)"/> does (roundps with mode 8 on
    /// x64, frintn on ARM64); the narrowing is exact on integral values in ±127.
    /// </summary>
    /// <remarks>
    /// The vector loops use the native max and float → int32 instructions (<c>MaxNative</c>,
    /// <c>ConvertToInt32Native</c>; before the clamp went, <c>MinNative</c> too) rather than the IEEE-exact forms, which .NET emits as 3–4 instructions each on x64
    /// (vrangeps and vfixupimmps for max; vfixupimmps, a compare and a blend for the saturating conversion). They differ
    /// only on NaN, on the order of ±0 and out of int32 range, and none reaches them: X is finite, |v| ≤ amax, so
    /// <c>|v · inv|</c> ≤ 127 and finite whenever <c>inv = 127 / amax</c> is finite. Only an amax below
    /// 127 / <see cref="float.MaxValue"/> (about 3.7·10⁻³⁷) makes inv infinite (0 · ∞ = NaN); such a row takes the scalar
    /// loop whole. The absolute maximum runs four accumulators, so its max chain does not serialise the loads. Measured
    /// on Zen 5 (kernels README): a 512-float row in 38 ns instead of 86, a 128-float row in 14 ns instead of 30.
    /// <para>
    /// The vector loops skip the scalar loop's clamp to ±127 because it cannot bite: with |v| ≤ amax and
    /// inv = fl(127 / amax) ≤ (127 / amax)(1 + 2⁻²⁴), |fl(v · inv)| ≤ 127(1 + 2⁻²⁴)² &lt; 127.5, which rounds to at most
    /// 127. On AVX-512 the rounding is the conversion's own (vcvtps2dq with embedded round-to-nearest-even, one
    /// instruction where round, min, max and convert took four).
    /// </para>
    /// </remarks>
    internal static float Quantize(float* v, int k, byte* q, bool unsigned, QuantizerWidth width) =>
        Quantize(v, k, q, unsigned, width, AbsMax(v, k, width));

    /// <summary>The same, given the vector's absolute maximum <paramref name="amax"/> (<see cref="AbsMax"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Quantize(float* v, int k, byte* q, bool unsigned, QuantizerWidth width, float amax)
    {
        byte zero = (byte)(unsigned ? UnsignedZeroPoint : 0);
        if (amax == 0f)
        {
            new Span<byte>(q, k).Fill(zero);
            return 0f;
        }
        float inv = QuantMax / amax;
        int i = !float.IsFinite(inv) ? 0 : width switch
        {
            QuantizerWidth.Vector512 => Quantize512(v, k, q, inv, zero),
            QuantizerWidth.Vector256 => Quantize256(v, k, q, inv, zero),
            QuantizerWidth.Vector128 => Quantize128(v, k, q, inv, zero),
            _ => 0,
        };
        for (; i < k; i++)
        {
            int r = (int)MathF.Round(v[i] * inv);
            r = Math.Clamp(r, -QuantMax, QuantMax);
            q[i] = (byte)(r + zero);
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

    /// <summary>
    /// max |vₖ|: four vectors per step into four accumulators, then one vector at a time, then the scalar tail. The values
    /// are finite and |v| ≥ +0, so the native max gives the exact maximum in any order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float AbsMax(float* v, int k, QuantizerWidth width)
    {
        int i = 0;
        var acc = Vector128<float>.Zero;
        if (width == QuantizerWidth.Vector512 && k >= Vector512<float>.Count)
        {
            const int n = 16;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= k - 4 * n; i += 4 * n)
            {
                a0 = Vector512.MaxNative(a0, Vector512.Abs(Vector512.Load(v + i)));
                a1 = Vector512.MaxNative(a1, Vector512.Abs(Vector512.Load(v + i + n)));
                a2 = Vector512.MaxNative(a2, Vector512.Abs(Vector512.Load(v + i + 2 * n)));
                a3 = Vector512.MaxNative(a3, Vector512.Abs(Vector512.Load(v + i + 3 * n)));
            }
            for (; i <= k - n; i += n) a0 = Vector512.MaxNative(a0, Vector512.Abs(Vector512.Load(v + i)));
            var a = Vector512.MaxNative(Vector512.MaxNative(a0, a1), Vector512.MaxNative(a2, a3));
            var half = Vector256.MaxNative(a.GetLower(), a.GetUpper());
            acc = Vector128.MaxNative(half.GetLower(), half.GetUpper());
        }
        else if (width == QuantizerWidth.Vector256 && k >= Vector256<float>.Count)
        {
            const int n = 8;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= k - 4 * n; i += 4 * n)
            {
                a0 = Vector256.MaxNative(a0, Vector256.Abs(Vector256.Load(v + i)));
                a1 = Vector256.MaxNative(a1, Vector256.Abs(Vector256.Load(v + i + n)));
                a2 = Vector256.MaxNative(a2, Vector256.Abs(Vector256.Load(v + i + 2 * n)));
                a3 = Vector256.MaxNative(a3, Vector256.Abs(Vector256.Load(v + i + 3 * n)));
            }
            for (; i <= k - n; i += n) a0 = Vector256.MaxNative(a0, Vector256.Abs(Vector256.Load(v + i)));
            var a = Vector256.MaxNative(Vector256.MaxNative(a0, a1), Vector256.MaxNative(a2, a3));
            acc = Vector128.MaxNative(a.GetLower(), a.GetUpper());
        }
        else if (width == QuantizerWidth.Vector128)
        {
            const int n = 4;
            Vector128<float> a1 = default, a2 = default, a3 = default;
            for (; i <= k - 4 * n; i += 4 * n)
            {
                acc = Vector128.MaxNative(acc, Vector128.Abs(Vector128.Load(v + i)));
                a1 = Vector128.MaxNative(a1, Vector128.Abs(Vector128.Load(v + i + n)));
                a2 = Vector128.MaxNative(a2, Vector128.Abs(Vector128.Load(v + i + 2 * n)));
                a3 = Vector128.MaxNative(a3, Vector128.Abs(Vector128.Load(v + i + 3 * n)));
            }
            for (; i <= k - n; i += n) acc = Vector128.MaxNative(acc, Vector128.Abs(Vector128.Load(v + i)));
            acc = Vector128.MaxNative(Vector128.MaxNative(acc, a1), Vector128.MaxNative(a2, a3));
        }
        acc = Vector128.MaxNative(acc, Vector128.Shuffle(acc, Vector128.Create(2, 3, 0, 1)));
        float amax = MathF.Max(acc[0], acc[1]);
        for (; i < k; i++) amax = MathF.Max(amax, MathF.Abs(v[i]));
        return amax;
    }

    // Each block: four vectors of fp32 → scaled, rounded to even (within ±127 without a clamp: see above), to int32, narrowed to int8 in the
    // same order (exact: the values fit), then XOR the zero point (q + 128 = q ^ 0x80 for q in ±127; 0 leaves q as is).
    // x64 narrows with the saturating packs (vpackssdw, vpacksswb) and one dword permute that undoes their per-128-bit-lane
    // interleave: 4 shuffles per block, where Vector*.Narrow's truncating vpmovdw / vpmovwb and inserts take 9
    // (Zen 5: 512-float rows 42 → 38 ns, 128-float rows 19 → 14 ns).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Quantize512(float* v, int k, byte* q, float inv, byte zero)
    {
        const int n = 16;
        int i = 0;
        var scale = Vector512.Create(inv);
        var flip = Vector512.Create(zero);
        for (; i <= k - 4 * n; i += 4 * n)
        {
            Vector512<int> a = Step512(v + i, scale), b = Step512(v + i + n, scale), c = Step512(v + i + 2 * n, scale), d = Step512(v + i + 3 * n, scale);
            Vector512<sbyte> bytes;
            if (Avx512BW.IsSupported)
            {
                var packed = Avx512BW.PackSignedSaturate(Avx512BW.PackSignedSaturate(a, b), Avx512BW.PackSignedSaturate(c, d)).AsInt32();
                // Each 128-bit lane holds dwords (a, b, c, d) of that lane's four values; gather a's four dwords first.
                bytes = Avx512F.PermuteVar16x32(packed, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)).AsSByte();
            }
            else bytes = Vector512.Narrow(Vector512.Narrow(a, b), Vector512.Narrow(c, d));
            (bytes.AsByte() ^ flip).Store(q + i);
        }
        return i;
    }

    private static Vector512<int> Step512(float* p, Vector512<float> scale) =>
        Avx512F.IsSupported ? Avx512F.ConvertToVector512Int32(Vector512.Load(p) * scale, FloatRoundingMode.ToEven) :
        Vector512.ConvertToInt32Native(Vector512.Round(Vector512.Load(p) * scale));

    private static int Quantize256(float* v, int k, byte* q, float inv, byte zero)
    {
        const int n = 8;
        int i = 0;
        var scale = Vector256.Create(inv);
        var flip = Vector256.Create(zero);
        for (; i <= k - 4 * n; i += 4 * n)
        {
            Vector256<int> a = Step256(v + i, scale), b = Step256(v + i + n, scale), c = Step256(v + i + 2 * n, scale), d = Step256(v + i + 3 * n, scale);
            Vector256<sbyte> bytes;
            if (Avx2.IsSupported)
            {
                var packed = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d)).AsInt32();
                bytes = Avx2.PermuteVar8x32(packed, Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte();
            }
            else bytes = Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d));
            (bytes.AsByte() ^ flip).Store(q + i);
        }
        return i;
    }

    private static Vector256<int> Step256(float* p, Vector256<float> scale) =>
        Vector256.ConvertToInt32Native(Vector256.Round(Vector256.Load(p) * scale));

    // 128 bits (x64 without AVX2, and ARM64, where Narrow is xtn / uzp1): no 128-bit lanes to interleave.
    private static int Quantize128(float* v, int k, byte* q, float inv, byte zero)
    {
        const int n = 4;
        int i = 0;
        var scale = Vector128.Create(inv);
        var flip = Vector128.Create(zero);
        for (; i <= k - 4 * n; i += 4 * n)
        {
            var lo = Vector128.Narrow(Step128(v + i, scale), Step128(v + i + n, scale));
            var hi = Vector128.Narrow(Step128(v + i + 2 * n, scale), Step128(v + i + 3 * n, scale));
            (Vector128.Narrow(lo, hi).AsByte() ^ flip).Store(q + i);
        }
        return i;
    }

    private static Vector128<int> Step128(float* p, Vector128<float> scale) =>
        Vector128.ConvertToInt32Native(Vector128.Round(Vector128.Load(p) * scale));

    /// <summary>
    /// Quantizes M rows of X (row i at <c>i·ldx</c>) into the scratch: row i at <c>i·kp</c>, padded from K to kp with
    /// the zero value (0, or 128 unsigned: its padded weights are 0, so the padding adds nothing), scale i in
    /// <paramref name="scales"/>.
    /// </summary>
    /// <remarks>
    /// Two passes: every row's absolute maximum first (held in <paramref name="scales"/>), then every row quantized. One
    /// row's maximum ends a dependency chain (the reduction, then the division 127 / amax) that its quantization waits
    /// on; with the passes apart, the rows' chains overlap. Same operations, same bits. Measured on Zen 5 (kernels
    /// README): 1.4× per row at K = 128, 1.35× at 256, 1.1× at 512. The per-row routines (<see cref="AbsMax"/>,
    /// <c>Quantize</c>, <c>Quantize512</c>) are inlined here: at K = 128 their calls and width switches cost as much as
    /// the arithmetic (with the clamp gone, 11.7 → 7.3 ns per row on Vector512).
    /// </remarks>
    internal static void QuantizeRows(float* x, int m, int ldx, int k, byte* rows, int kp, float* scales, bool unsigned)
    {
        byte pad = (byte)(unsigned ? UnsignedZeroPoint : 0);
        var width = Widest;
        for (int i = 0; i < m; i++) scales[i] = AbsMax(x + (nint)i * ldx, k, width);
        for (int i = 0; i < m; i++)
        {
            byte* row = rows + (nint)i * kp;
            scales[i] = Quantize(x + (nint)i * ldx, k, row, unsigned, width, scales[i]);
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
