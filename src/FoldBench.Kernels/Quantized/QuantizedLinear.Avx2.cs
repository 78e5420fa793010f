using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels.Quantized;

public static unsafe partial class QuantizedLinear
{
    /// <summary>
    /// The AVX2 int8 tile for CPUs without VNNI: up to 4 rows × 16 columns in 8 YMM int32 accumulators, over the same
    /// panels as avxvnni. Per row and K group: broadcast the row's 4 signed activation bytes (a), then per 8 columns
    /// <c>vpsignb</c> (w with a's signs), <c>vpmaddubsw</c> (|a| × that, adjacent pairs summed to int16), <c>vpmaddwd</c>
    /// with ones (the two pairs summed to int32) and <c>vpaddd</c>.
    /// </summary>
    /// <remarks>
    /// <b>Why <c>vpmaddubsw</c> cannot saturate here</b>: it multiplies u8 by s8 and adds adjacent products with int16
    /// saturation. Fed u8 activations (0..255) and s8 weights, a pair could reach 2·255·127 = 64770 and saturate. The sign
    /// trick feeds |qx| ≤ 127 as the unsigned operand and sign(qx)·qw as the signed one (<c>vpsignb</c>; qw is never −128,
    /// so negating it stays in range), whose product is qx·qw exactly; a pair is then at most 2·127·127 = 32258 &lt; 32767.
    /// Weights and activations are clamped to ±127 by <see cref="RowQuantizer"/>, so no input reaches the limit; the
    /// extreme-value tests (all ±127) check it.
    /// </remarks>
    private readonly struct Avx2Step : IQuantizedStep
    {
        public static int MaxRows => 4;

        public static bool Prefetches => true;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T, TOut, TF>(byte* x, nint ldx, float* xScale, sbyte* w, int groups, float* wScale, float* bias, int* start,
            float* y, nint ldy, int cols, bool accumulate, nint prefetch)
            where T : struct, ITileShape
            where TOut : struct, IQuantizedOutput
            where TF : struct, IPrefetch
        {
            byte* x0 = x, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
            Vector256<short> ones = Vector256.Create((short)1);
            Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
            for (nint g = 0; g < groups; g++)
            {
                Vector256<sbyte> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 32);
                if (TF.On) PrefetchLine<TF>(w + prefetch);
                nint at = g * RowQuantizer.Group;
                Dot(ref c00, ref c01, x0 + at, w0, w1, ones);
                if (T.Rows > 1) Dot(ref c10, ref c11, x1 + at, w0, w1, ones);
                if (T.Rows > 2) Dot(ref c20, ref c21, x2 + at, w0, w1, ones);
                if (T.Rows > 3) Dot(ref c30, ref c31, x3 + at, w0, w1, ones);
                w += 64;
            }
            QuantizedEpilogue.Store<TOut>(c00, c01, xScale[0], wScale, bias, y, accumulate, cols);
            if (T.Rows > 1) QuantizedEpilogue.Store<TOut>(c10, c11, xScale[1], wScale, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2) QuantizedEpilogue.Store<TOut>(c20, c21, xScale[2], wScale, bias, y + 2 * ldy, accumulate, cols);
            if (T.Rows > 3) QuantizedEpilogue.Store<TOut>(c30, c31, xScale[3], wScale, bias, y + 3 * ldy, accumulate, cols);
        }

        /// <summary>One row's K group: |a| × (w with a's signs), pairs to int16 (≤ 32258), pairs of those to int32.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Dot(ref Vector256<int> lo, ref Vector256<int> hi, byte* x, Vector256<sbyte> w0, Vector256<sbyte> w1, Vector256<short> ones)
        {
            Vector256<sbyte> a = Vector256.Create(Unsafe.ReadUnaligned<int>(x)).AsSByte();
            Vector256<byte> magnitude = Avx2.Abs(a);
            lo += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(w0, a)), ones);
            hi += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, Avx2.Sign(w1, a)), ones);
        }
    }
}
