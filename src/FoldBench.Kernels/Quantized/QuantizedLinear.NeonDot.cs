using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace FoldBench.Kernels.Quantized;

public static unsafe partial class QuantizedLinear
{
    /// <summary>
    /// The NEON dot-product tile (<c>sdot</c>, ARMv8.2 DotProd): up to 6 rows × 16 columns in 24 Q int32 accumulators.
    /// Per K group each row's 4 signed activation bytes are duplicated into every 32-bit lane (6 registers), and each of
    /// the panel's four 16-byte vectors (4 columns × 4 bytes) feeds one <c>sdot</c> per row: 24 instructions of 16
    /// multiply-adds per 4 loads. 31 of the 32 vector registers. s8 × s8 needs no zero-point correction.
    /// </summary>
    private readonly struct NeonDotStep : IQuantizedStep
    {
        public static int MaxRows => 6;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T, TOut, TF>(byte* x, nint ldx, float* xScale, sbyte* w, int groups, float* wScale, float* bias, int* start,
            float* y, nint ldy, int cols, bool accumulate, nint prefetch)
            where T : struct, ITileShape
            where TOut : struct, IQuantizedOutput
            where TF : struct, IPrefetch
        {
            byte* p0 = x, p1 = p0 + ldx, p2 = p1 + ldx, p3 = p2 + ldx, p4 = p3 + ldx, p5 = p4 + ldx;
            Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector128<int> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector128<int> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector128<int> c30 = default, c31 = default, c32 = default, c33 = default;
            Vector128<int> c40 = default, c41 = default, c42 = default, c43 = default;
            Vector128<int> c50 = default, c51 = default, c52 = default, c53 = default;
            for (nint g = 0; g < groups; g++)
            {
                nint at = g * RowQuantizer.Group;
                Vector128<sbyte> a0 = Quad(p0 + at), a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
                if (T.Rows > 1) a1 = Quad(p1 + at);
                if (T.Rows > 2) a2 = Quad(p2 + at);
                if (T.Rows > 3) a3 = Quad(p3 + at);
                if (T.Rows > 4) a4 = Quad(p4 + at);
                if (T.Rows > 5) a5 = Quad(p5 + at);
                Columns<T>(AdvSimd.LoadVector128(w), a0, a1, a2, a3, a4, a5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
                Columns<T>(AdvSimd.LoadVector128(w + 16), a0, a1, a2, a3, a4, a5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
                Columns<T>(AdvSimd.LoadVector128(w + 32), a0, a1, a2, a3, a4, a5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
                Columns<T>(AdvSimd.LoadVector128(w + 48), a0, a1, a2, a3, a4, a5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
                w += 64;
            }
            QuantizedEpilogue.Store<TOut>(c00, c01, c02, c03, xScale[0], wScale, bias, y, accumulate, cols);
            if (T.Rows > 1) QuantizedEpilogue.Store<TOut>(c10, c11, c12, c13, xScale[1], wScale, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2) QuantizedEpilogue.Store<TOut>(c20, c21, c22, c23, xScale[2], wScale, bias, y + 2 * ldy, accumulate, cols);
            if (T.Rows > 3) QuantizedEpilogue.Store<TOut>(c30, c31, c32, c33, xScale[3], wScale, bias, y + 3 * ldy, accumulate, cols);
            if (T.Rows > 4) QuantizedEpilogue.Store<TOut>(c40, c41, c42, c43, xScale[4], wScale, bias, y + 4 * ldy, accumulate, cols);
            if (T.Rows > 5) QuantizedEpilogue.Store<TOut>(c50, c51, c52, c53, xScale[5], wScale, bias, y + 5 * ldy, accumulate, cols);
        }

        /// <summary>A row's 4 activation bytes in every 32-bit lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<sbyte> Quad(byte* x) => Vector128.Create(Unsafe.ReadUnaligned<int>(x)).AsSByte();

        /// <summary>One 4-column weight vector into each row's accumulator of those columns.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Columns<T>(Vector128<sbyte> wv,
            Vector128<sbyte> a0, Vector128<sbyte> a1, Vector128<sbyte> a2, Vector128<sbyte> a3, Vector128<sbyte> a4, Vector128<sbyte> a5,
            ref Vector128<int> r0, ref Vector128<int> r1, ref Vector128<int> r2, ref Vector128<int> r3, ref Vector128<int> r4, ref Vector128<int> r5)
            where T : struct, ITileShape
        {
            r0 = Dp.DotProduct(r0, wv, a0);
            if (T.Rows > 1) r1 = Dp.DotProduct(r1, wv, a1);
            if (T.Rows > 2) r2 = Dp.DotProduct(r2, wv, a2);
            if (T.Rows > 3) r3 = Dp.DotProduct(r3, wv, a3);
            if (T.Rows > 4) r4 = Dp.DotProduct(r4, wv, a4);
            if (T.Rows > 5) r5 = Dp.DotProduct(r5, wv, a5);
        }
    }
}
