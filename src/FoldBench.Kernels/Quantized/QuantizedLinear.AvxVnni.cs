using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels.Quantized;

public static unsafe partial class QuantizedLinear
{
    /// <summary>
    /// The AVX-VNNI tile: up to 6 rows × 16 columns in 12 YMM int32 accumulators (8 rows in 16 where the CPU has AVX-512:
    /// <see cref="MaxRows"/>). Per K group (4 bytes of K) it loads the
    /// panel's 64 bytes once (2 YMM: columns 0–7 and 8–15, 4 bytes each), broadcasts each row's 4 activation bytes as one
    /// int32 and issues 2 <c>vpdpbusd</c> per row: 12 instructions of 32 multiply-adds each share 2 loads. 15 of the 16
    /// YMM registers VEX-encoded <c>vpdpbusd</c> can address. Tiles of 1–3 rows split K into phases (<see cref="ITileShape.Phases"/>)
    /// so they keep 12 chains too (kernels README: the llvm-mca figures).
    /// </summary>
    /// <remarks>
    /// Activations are u8 (qx + 128, <see cref="RowQuantizer"/>); the accumulators start from the weights' correction
    /// −128·Σ qw, so they end at Σ qx·qw exactly (int32 wraps modulo 2³²; the final value is in range).
    /// </remarks>
    private readonly struct AvxVnniStep : IQuantizedStep
    {
        /// <summary>
        /// 8 rows where the CPU has AVX-512, 6 elsewhere. <c>vpdpbusd</c> here is VEX-encoded, so its accumulators must be
        /// YMM0–15; with AVX-512 the JIT encodes the weight loads and broadcasts with EVEX and keeps them in YMM16–31, which
        /// frees all 16 low registers for 8 rows' accumulators. Measured on Zen 5 (kernels README): 1.02–1.08× cached and
        /// 1.02–1.12× streamed at M = 7–32, the most at M = 7–8 (one block instead of two).
        /// </summary>
        public static int MaxRows => Avx512F.IsSupported ? 8 : 6;

        public static bool Prefetches => true;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T, TOut, TF>(byte* x, nint ldx, float* xScale, sbyte* w, int groups, float* wScale, float* bias, int* start,
            float* y, nint ldy, int cols, bool accumulate, nint prefetch)
            where T : struct, ITileShape
            where TOut : struct, IQuantizedOutput
            where TF : struct, IPrefetch
        {
            // Rows 6 and 7 (8-row tiles, one phase) have their own accumulators below.
            // Slot k (k < Rows·Phases ≤ 6) holds row k % Rows for K phase k / Rows: with 1–3 rows the K groups are dealt
            // round-robin to T.Phases phases (6, 3, 2), so every tile keeps 12 independent vpdpbusd chains instead of
            // 2–6; the phases are summed at the end (int32 addition, exact modulo 2³² like the rest). p_k: slot k's
            // activations at group 0 of its phase.
            int used = T.Rows * T.Phases;
            byte* p0 = Slot<T>(x, ldx, 0), p1 = Slot<T>(x, ldx, 1), p2 = Slot<T>(x, ldx, 2);
            byte* p3 = Slot<T>(x, ldx, 3), p4 = Slot<T>(x, ldx, 4), p5 = Slot<T>(x, ldx, 5);
            byte* p6 = x + 6 * ldx, p7 = x + 7 * ldx;
            Vector256<int> s0 = Vector256.Load(start), s1 = Vector256.Load(start + 8);
            // Phase 0's slots start from the zero-point correction, the other phases' from zero.
            Vector256<int> c00 = s0, c01 = s1;
            Vector256<int> c10 = T.Rows > 1 ? s0 : default, c11 = T.Rows > 1 ? s1 : default;
            Vector256<int> c20 = T.Rows > 2 ? s0 : default, c21 = T.Rows > 2 ? s1 : default;
            Vector256<int> c30 = T.Rows > 3 ? s0 : default, c31 = T.Rows > 3 ? s1 : default;
            Vector256<int> c40 = T.Rows > 4 ? s0 : default, c41 = T.Rows > 4 ? s1 : default;
            Vector256<int> c50 = T.Rows > 5 ? s0 : default, c51 = T.Rows > 5 ? s1 : default;
            Vector256<int> c60 = T.Rows > 6 ? s0 : default, c61 = T.Rows > 6 ? s1 : default;
            Vector256<int> c70 = T.Rows > 7 ? s0 : default, c71 = T.Rows > 7 ? s1 : default;
            nint g = 0;
            for (; g <= groups - T.Phases; g += T.Phases)
            {
                nint at = g * RowQuantizer.Group;
                // One line (one K group of the panel) per phase; the lines a prefetch distance on (see RunPanels).
                if (TF.On) PrefetchLines<T, TF>(w + prefetch);
                // A phase's weights are loaded by its first slot and shared by its rows.
                Vector256<sbyte> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 32);
                Dot(ref c00, ref c01, p0 + at, w0, w1);
                if (used > 1) { if (1 % T.Rows == 0) (w0, w1) = Weights<T>(w, 1); Dot(ref c10, ref c11, p1 + at, w0, w1); }
                if (used > 2) { if (2 % T.Rows == 0) (w0, w1) = Weights<T>(w, 2); Dot(ref c20, ref c21, p2 + at, w0, w1); }
                if (used > 3) { if (3 % T.Rows == 0) (w0, w1) = Weights<T>(w, 3); Dot(ref c30, ref c31, p3 + at, w0, w1); }
                if (used > 4) { if (4 % T.Rows == 0) (w0, w1) = Weights<T>(w, 4); Dot(ref c40, ref c41, p4 + at, w0, w1); }
                if (used > 5) { if (5 % T.Rows == 0) (w0, w1) = Weights<T>(w, 5); Dot(ref c50, ref c51, p5 + at, w0, w1); }
                if (T.Rows > 6) Dot(ref c60, ref c61, p6 + at, w0, w1);
                if (T.Rows > 7) Dot(ref c70, ref c71, p7 + at, w0, w1);
                w += T.Phases * 64;
            }
            if (T.Phases > 1)
            {
                // The groups left over (fewer than T.Phases) go to phase 0, whose slots are rows 0..Rows−1 at p_0..p_{Rows−1}.
                for (; g < groups; g++)
                {
                    nint at = g * RowQuantizer.Group;
                    Vector256<sbyte> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 32);
                    Dot(ref c00, ref c01, p0 + at, w0, w1);
                    if (T.Rows > 1) Dot(ref c10, ref c11, p1 + at, w0, w1);
                    if (T.Rows > 2) Dot(ref c20, ref c21, p2 + at, w0, w1);
                    w += 64;
                }
                // Sum each row's phases into its phase-0 slot.
                if (T.Rows == 1) { c00 += (c10 + c20) + (c30 + c40) + c50; c01 += (c11 + c21) + (c31 + c41) + c51; }
                else if (T.Rows == 2) { c00 += c20 + c40; c01 += c21 + c41; c10 += c30 + c50; c11 += c31 + c51; }
                else if (T.Rows == 3) { c00 += c30; c01 += c31; c10 += c40; c11 += c41; c20 += c50; c21 += c51; }
            }
            QuantizedEpilogue.Store<TOut>(c00, c01, xScale[0], wScale, bias, y, accumulate, cols);
            if (T.Rows > 1) QuantizedEpilogue.Store<TOut>(c10, c11, xScale[1], wScale, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2) QuantizedEpilogue.Store<TOut>(c20, c21, xScale[2], wScale, bias, y + 2 * ldy, accumulate, cols);
            if (T.Rows > 3) QuantizedEpilogue.Store<TOut>(c30, c31, xScale[3], wScale, bias, y + 3 * ldy, accumulate, cols);
            if (T.Rows > 4) QuantizedEpilogue.Store<TOut>(c40, c41, xScale[4], wScale, bias, y + 4 * ldy, accumulate, cols);
            if (T.Rows > 5) QuantizedEpilogue.Store<TOut>(c50, c51, xScale[5], wScale, bias, y + 5 * ldy, accumulate, cols);
            if (T.Rows > 6) QuantizedEpilogue.Store<TOut>(c60, c61, xScale[6], wScale, bias, y + 6 * ldy, accumulate, cols);
            if (T.Rows > 7) QuantizedEpilogue.Store<TOut>(c70, c71, xScale[7], wScale, bias, y + 7 * ldy, accumulate, cols);
        }

        public static bool FourPanels => true;

        /// <summary>
        /// One row against four full panels that lie <paramref name="stream"/> bytes apart (and their columns
        /// <paramref name="columnStep"/> apart; the driver passes a quarter of the panels, so W is read in four parts).
        /// 8 accumulators (4 panels × columns 0–7 and 8–15), one <c>vpdpbusd</c> chain each, and per K group 8 weight
        /// loads and 1 broadcast for 8 <c>vpdpbusd</c>, where the one-row tile needs 18 loads for 12: a one-row tile is
        /// load-bound, not latency-bound (kernels README). The int32 sums are exact, so neither the K order nor the
        /// chains change them: the bits equal the one-row tile's.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void FourPanelRow<TOut>(byte* x, float* xScale, sbyte* w, nint stream, int groups, float* wScale, float* bias,
            int* start, float* y, nint columnStep, bool accumulate)
            where TOut : struct, IQuantizedOutput
        {
            sbyte* w1 = w + stream, w2 = w1 + stream, w3 = w2 + stream;
            nint c1 = columnStep, c2 = 2 * columnStep, c3 = 3 * columnStep;
            Vector256<int> a0 = Vector256.Load(start), b0 = Vector256.Load(start + 8);
            Vector256<int> a1 = Vector256.Load(start + c1), b1 = Vector256.Load(start + c1 + 8);
            Vector256<int> a2 = Vector256.Load(start + c2), b2 = Vector256.Load(start + c2 + 8);
            Vector256<int> a3 = Vector256.Load(start + c3), b3 = Vector256.Load(start + c3 + 8);
            for (nint g = 0; g < groups; g++)
            {
                nint at = g * 64;
                Vector256<byte> a = Vector256.Create(Unsafe.ReadUnaligned<int>(x + g * RowQuantizer.Group)).AsByte();
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, a, Vector256.Load(w + at));
                b0 = AvxVnni.MultiplyWideningAndAdd(b0, a, Vector256.Load(w + at + 32));
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, a, Vector256.Load(w1 + at));
                b1 = AvxVnni.MultiplyWideningAndAdd(b1, a, Vector256.Load(w1 + at + 32));
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, a, Vector256.Load(w2 + at));
                b2 = AvxVnni.MultiplyWideningAndAdd(b2, a, Vector256.Load(w2 + at + 32));
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, a, Vector256.Load(w3 + at));
                b3 = AvxVnni.MultiplyWideningAndAdd(b3, a, Vector256.Load(w3 + at + 32));
            }
            QuantizedEpilogue.Store<TOut>(a0, b0, xScale[0], wScale, bias, y, accumulate, PackLayout.PanelWidth);
            QuantizedEpilogue.Store<TOut>(a1, b1, xScale[0], wScale + c1, bias == null ? null : bias + c1, y + c1, accumulate, PackLayout.PanelWidth);
            QuantizedEpilogue.Store<TOut>(a2, b2, xScale[0], wScale + c2, bias == null ? null : bias + c2, y + c2, accumulate, PackLayout.PanelWidth);
            QuantizedEpilogue.Store<TOut>(a3, b3, xScale[0], wScale + c3, bias == null ? null : bias + c3, y + c3, accumulate, PackLayout.PanelWidth);
        }

        /// <summary>Prefetches the T.Phases lines this K round loads, at <paramref name="p"/> (a constant count: no loop).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PrefetchLines<T, TF>(sbyte* p) where T : struct, ITileShape where TF : struct, IPrefetch
        {
            PrefetchLine<TF>(p);
            if (T.Phases > 1) PrefetchLine<TF>(p + 64);
            if (T.Phases > 2) PrefetchLine<TF>(p + 128);
            if (T.Phases > 3) PrefetchLine<TF>(p + 192);
            if (T.Phases > 4) PrefetchLine<TF>(p + 256);
            if (T.Phases > 5) PrefetchLine<TF>(p + 320);
        }

        /// <summary>The panel's 64 bytes for slot k's phase (k / Rows groups after the iteration's first).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<sbyte>, Vector256<sbyte>) Weights<T>(sbyte* w, int k) where T : struct, ITileShape =>
            (Vector256.Load(w + k / T.Rows * 64), Vector256.Load(w + k / T.Rows * 64 + 32));

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
