using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace FoldBench.Kernels.Quantized;

public static unsafe partial class QuantizedLinear
{
    /// <summary>
    /// The plain NEON int8 tile for cores without the dot-product extension: up to 3 rows × 16 columns. Per K group and
    /// 16-byte weight vector (columns 4q..4q+3 × 4 bytes), <c>smull</c>/<c>smull2</c> multiply it by the row's 4
    /// activation bytes (duplicated) into 16 int16 products (|qx·qw| ≤ 16129, exact), and two <c>sadalp</c> add adjacent
    /// pairs into int32 accumulators: a holds columns 4q, 4q+1 as two partial sums each, b columns 4q+2, 4q+3. One
    /// <c>addp</c> at the end folds the partial sums into the four columns. 8 accumulators per row, 24 for 3 rows.
    /// </summary>
    private readonly struct NeonStep : IQuantizedStep
    {
        public static int MaxRows => 3;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T, TOut, TF>(byte* x, nint ldx, float* xScale, sbyte* w, int groups, float* wScale, float* bias, int* start,
            float* y, nint ldy, int cols, bool accumulate, nint prefetch)
            where T : struct, ITileShape
            where TOut : struct, IQuantizedOutput
            where TF : struct, IPrefetch
        {
            byte* p0 = x, p1 = p0 + ldx, p2 = p1 + ldx;
            // r{row}{q}{a|b}: row, 4-column quarter q, columns 4q/4q+1 (a) or 4q+2/4q+3 (b).
            Vector128<int> r00a = default, r00b = default, r01a = default, r01b = default, r02a = default, r02b = default, r03a = default, r03b = default;
            Vector128<int> r10a = default, r10b = default, r11a = default, r11b = default, r12a = default, r12b = default, r13a = default, r13b = default;
            Vector128<int> r20a = default, r20b = default, r21a = default, r21b = default, r22a = default, r22b = default, r23a = default, r23b = default;
            for (nint g = 0; g < groups; g++)
            {
                nint at = g * RowQuantizer.Group;
                Vector128<sbyte> a0 = Quad(p0 + at), a1 = T.Rows > 1 ? Quad(p1 + at) : default, a2 = T.Rows > 2 ? Quad(p2 + at) : default;
                Vector128<sbyte> wv = AdvSimd.LoadVector128(w);
                Multiply<T>(wv, a0, a1, a2, ref r00a, ref r00b, ref r10a, ref r10b, ref r20a, ref r20b);
                wv = AdvSimd.LoadVector128(w + 16);
                Multiply<T>(wv, a0, a1, a2, ref r01a, ref r01b, ref r11a, ref r11b, ref r21a, ref r21b);
                wv = AdvSimd.LoadVector128(w + 32);
                Multiply<T>(wv, a0, a1, a2, ref r02a, ref r02b, ref r12a, ref r12b, ref r22a, ref r22b);
                wv = AdvSimd.LoadVector128(w + 48);
                Multiply<T>(wv, a0, a1, a2, ref r03a, ref r03b, ref r13a, ref r13b, ref r23a, ref r23b);
                w += 64;
            }
            QuantizedEpilogue.Store<TOut>(Fold(r00a, r00b), Fold(r01a, r01b), Fold(r02a, r02b), Fold(r03a, r03b),
                xScale[0], wScale, bias, y, accumulate, cols);
            if (T.Rows > 1)
                QuantizedEpilogue.Store<TOut>(Fold(r10a, r10b), Fold(r11a, r11b), Fold(r12a, r12b), Fold(r13a, r13b),
                    xScale[1], wScale, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2)
                QuantizedEpilogue.Store<TOut>(Fold(r20a, r20b), Fold(r21a, r21b), Fold(r22a, r22b), Fold(r23a, r23b),
                    xScale[2], wScale, bias, y + 2 * ldy, accumulate, cols);
        }

        /// <summary>A row's 4 activation bytes in every 32-bit lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<sbyte> Quad(byte* x) => Vector128.Create(Unsafe.ReadUnaligned<int>(x)).AsSByte();

        /// <summary>[c0 k01, c0 k23, c1 k01, c1 k23] and the same for c2, c3 → [c0, c1, c2, c3].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> Fold(Vector128<int> a, Vector128<int> b) => AdvSimd.Arm64.AddPairwise(a, b);

        /// <summary>One weight vector times each row's activations, widened, pairs added into the row's accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Multiply<T>(Vector128<sbyte> wv, Vector128<sbyte> a0, Vector128<sbyte> a1, Vector128<sbyte> a2,
            ref Vector128<int> r0a, ref Vector128<int> r0b, ref Vector128<int> r1a, ref Vector128<int> r1b, ref Vector128<int> r2a, ref Vector128<int> r2b)
            where T : struct, ITileShape
        {
            Vector64<sbyte> wl = wv.GetLower();
            r0a = AdvSimd.AddPairwiseWideningAndAdd(r0a, AdvSimd.MultiplyWideningLower(wl, a0.GetLower()));
            r0b = AdvSimd.AddPairwiseWideningAndAdd(r0b, AdvSimd.MultiplyWideningUpper(wv, a0));
            if (T.Rows > 1)
            {
                r1a = AdvSimd.AddPairwiseWideningAndAdd(r1a, AdvSimd.MultiplyWideningLower(wl, a1.GetLower()));
                r1b = AdvSimd.AddPairwiseWideningAndAdd(r1b, AdvSimd.MultiplyWideningUpper(wv, a1));
            }
            if (T.Rows > 2)
            {
                r2a = AdvSimd.AddPairwiseWideningAndAdd(r2a, AdvSimd.MultiplyWideningLower(wl, a2.GetLower()));
                r2b = AdvSimd.AddPairwiseWideningAndAdd(r2b, AdvSimd.MultiplyWideningUpper(wv, a2));
            }
        }
    }
}
