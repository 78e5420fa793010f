using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels.Quantized;

public static unsafe partial class QuantizedLinear
{
    /// <summary>
    /// The AVX-VNNI tile: up to 6 rows × 16 columns in 12 YMM int32 accumulators. Per K group (4 bytes of K) it loads the
    /// panel's 64 bytes once (2 YMM: columns 0–7 and 8–15, 4 bytes each), broadcasts each row's 4 activation bytes as one
    /// int32 and issues 2 <c>vpdpbusd</c> per row: 12 instructions of 32 multiply-adds each share 2 loads. 15 of the 16
    /// YMM registers VEX-encoded <c>vpdpbusd</c> can address.
    /// </summary>
    /// <remarks>
    /// Activations are u8 (qx + 128, <see cref="RowQuantizer"/>); the accumulators start from the weights' correction
    /// −128·Σ qw, so they end at Σ qx·qw exactly (int32 wraps modulo 2³²; the final value is in range).
    /// </remarks>
    private readonly struct AvxVnniStep : IQuantizedStep
    {
        public static int MaxRows => 6;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T, TOut>(byte* x, nint ldx, float* xScale, sbyte* w, int groups, float* wScale, float* bias, int* start,
            float* y, nint ldy, int cols, bool accumulate)
            where T : struct, ITileShape
            where TOut : struct, IQuantizedOutput
        {
            byte* x0 = x, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx, x4 = x3 + ldx, x5 = x4 + ldx;
            Vector256<int> s0 = Vector256.Load(start), s1 = Vector256.Load(start + 8);
            Vector256<int> c00 = s0, c01 = s1, c10 = s0, c11 = s1, c20 = s0, c21 = s1;
            Vector256<int> c30 = s0, c31 = s1, c40 = s0, c41 = s1, c50 = s0, c51 = s1;
            for (nint g = 0; g < groups; g++)
            {
                Vector256<sbyte> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 32);
                nint at = g * RowQuantizer.Group;
                Dot(ref c00, ref c01, x0 + at, w0, w1);
                if (T.Rows > 1) Dot(ref c10, ref c11, x1 + at, w0, w1);
                if (T.Rows > 2) Dot(ref c20, ref c21, x2 + at, w0, w1);
                if (T.Rows > 3) Dot(ref c30, ref c31, x3 + at, w0, w1);
                if (T.Rows > 4) Dot(ref c40, ref c41, x4 + at, w0, w1);
                if (T.Rows > 5) Dot(ref c50, ref c51, x5 + at, w0, w1);
                w += 64;
            }
            QuantizedEpilogue.Store<TOut>(c00, c01, xScale[0], wScale, bias, y, accumulate, cols);
            if (T.Rows > 1) QuantizedEpilogue.Store<TOut>(c10, c11, xScale[1], wScale, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2) QuantizedEpilogue.Store<TOut>(c20, c21, xScale[2], wScale, bias, y + 2 * ldy, accumulate, cols);
            if (T.Rows > 3) QuantizedEpilogue.Store<TOut>(c30, c31, xScale[3], wScale, bias, y + 3 * ldy, accumulate, cols);
            if (T.Rows > 4) QuantizedEpilogue.Store<TOut>(c40, c41, xScale[4], wScale, bias, y + 4 * ldy, accumulate, cols);
            if (T.Rows > 5) QuantizedEpilogue.Store<TOut>(c50, c51, xScale[5], wScale, bias, y + 5 * ldy, accumulate, cols);
        }

        /// <summary>One row's K group: its 4 activation bytes broadcast to every lane, one <c>vpdpbusd</c> per 8 columns.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Dot(ref Vector256<int> lo, ref Vector256<int> hi, byte* x, Vector256<sbyte> w0, Vector256<sbyte> w1)
        {
            Vector256<byte> a = Vector256.Create(Unsafe.ReadUnaligned<int>(x)).AsByte();
            lo = AvxVnni.MultiplyWideningAndAdd(lo, a, w0);
            hi = AvxVnni.MultiplyWideningAndAdd(hi, a, w1);
        }
    }
}
