using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels;

public static unsafe partial class Linear
{
    /// <summary>
    /// The hand-written AVX2 + FMA tile. One tile is up to 6 rows × 16 columns held in 12 YMM
    /// accumulators; each K step loads the panel's 16 weights once (2 YMM), broadcasts one X value
    /// per row and issues 2 FMAs per row, so 12 FMAs share 2 weight loads (15 of the 16 YMM
    /// registers). Tiles of 1–3 rows split K into phases (<see cref="ITileShape"/>) to keep 12
    /// independent FMA chains.
    /// </summary>
    private readonly struct Avx2Step : IPanelStep
    {
        public static int MaxRows => 6;

        /// <summary>
        /// A 4-row tile would hold only 8 accumulators, 8 chains: no slack over the FMA latency
        /// (4 cycles × 2 pipes). Two 2-row tiles of 3 phases keep 12 chains each and re-read the
        /// panel from L1, which measured faster (see the kernels' README).
        /// </summary>
        public static bool SplitFourRows => true;

        /// <summary>Slot s = phase·Rows + row accumulates in c{s}0 (columns 0–7) and c{s}1 (columns 8–15).</summary>
        public static bool Prefetches => true;

        /// <summary>
        /// How far ahead a streamed single-block tile prefetches its own panel: 4 KiB (1024 floats), the best of 1, 2
        /// and 4 KiB measured on Zen 5 (streamed M = 2 / 4 / 6: 1.42× / 1.49× / 1.67×). The panel's existing
        /// <see cref="Prefetch"/> hint (prefetcht1, a line per K step) carries it: one panel per tile, so one stream.
        /// </summary>
        private const int AheadFloats = 1024;

        public static void Tile<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch,
            bool ahead, nint second)
            where T : struct, ITileShape
        {
            if (prefetch != 0) Body<T, Prefetch>(x, ldx, w, k, bias, y, ldy, cols, accumulate, prefetch);
            else if (ahead && T.Rows >= 2) Body<T, Prefetch>(x, ldx, w, k, bias, y, ldy, cols, accumulate, AheadFloats);
            else Body<T, NoPrefetch>(x, ldx, w, k, bias, y, ldy, cols, accumulate, 0);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Body<T, TF>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch)
            where T : struct, ITileShape
            where TF : struct, IPrefetch
        {
            int step = T.Phases;
            float* p0 = x, p1 = SlotX<T>(x, ldx, 1), p2 = SlotX<T>(x, ldx, 2),
                   p3 = SlotX<T>(x, ldx, 3), p4 = SlotX<T>(x, ldx, 4), p5 = SlotX<T>(x, ldx, 5);
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

            nint kk = 0;
            // Two groups of Phases K steps per iteration: halves the loop overhead of the 1-phase tiles.
            for (; kk <= k - 2 * step; kk += 2 * step)
            {
                Group<T, TF>(w, prefetch, kk, 0, p0, p1, p2, p3, p4, p5, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21,
                    ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
                // Second group: K steps kk + step ..; weights 16·step further on.
                Group<T, TF>(w + 16 * step, prefetch, kk, step, p0, p1, p2, p3, p4, p5, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21,
                    ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
                w += 32 * step;
            }
            if (kk <= k - step)
            {
                Group<T, TF>(w, prefetch, kk, 0, p0, p1, p2, p3, p4, p5, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21,
                    ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
                w += 16 * step;
                kk += step;
            }

            // K tail (fewer than Phases steps left): phase 0 only, slots 0..Rows-1 are the rows.
            for (; kk < k; kk++)
            {
                Vector256<float> b0 = Avx.LoadVector256(w), b1 = Avx.LoadVector256(w + 8);
                Fma2(ref c00, ref c01, p0 + kk, b0, b1);
                if (T.Rows > 1) Fma2(ref c10, ref c11, p1 + kk, b0, b1);
                if (T.Rows > 2) Fma2(ref c20, ref c21, p2 + kk, b0, b1);
                if (T.Rows > 3) Fma2(ref c30, ref c31, p3 + kk, b0, b1);
                if (T.Rows > 4) Fma2(ref c40, ref c41, p4 + kk, b0, b1);
                if (T.Rows > 5) Fma2(ref c50, ref c51, p5 + kk, b0, b1);
                w += 16;
            }

            // Fold the phases into the row slots.
            if (T.Rows == 1 && T.Phases == 6)
            {
                c00 = (c00 + c10) + (c20 + c30) + (c40 + c50);
                c01 = (c01 + c11) + (c21 + c31) + (c41 + c51);
            }
            else if (T.Rows == 2 && T.Phases == 3)
            {
                c00 = c00 + c20 + c40; c01 = c01 + c21 + c41;
                c10 = c10 + c30 + c50; c11 = c11 + c31 + c51;
            }
            else if (T.Rows == 3 && T.Phases == 2)
            {
                c00 += c30; c01 += c31;
                c10 += c40; c11 += c41;
                c20 += c50; c21 += c51;
            }

            Epilogue.Store(c00, c01, bias, y, accumulate, cols);
            if (T.Rows > 1) Epilogue.Store(c10, c11, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2) Epilogue.Store(c20, c21, bias, y + 2 * ldy, accumulate, cols);
            if (T.Rows > 3) Epilogue.Store(c30, c31, bias, y + 3 * ldy, accumulate, cols);
            if (T.Rows > 4) Epilogue.Store(c40, c41, bias, y + 4 * ldy, accumulate, cols);
            if (T.Rows > 5) Epilogue.Store(c50, c51, bias, y + 5 * ldy, accumulate, cols);
        }

        /// <summary>
        /// One group of Phases K steps from K step <paramref name="kk"/> + <paramref name="shift"/>
        /// (kept apart so the address folds the constant shift), weights at <paramref name="w"/>, and with
        /// <typeparamref name="TF"/> on, each weight line's partner <paramref name="prefetch"/> floats on prefetched into L2:
        /// every slot does its 2 FMAs. A slot that starts a new phase loads
        /// that phase's 16 weights; the others re-use them. Unused slots fold away.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Group<T, TF>(float* w, nint prefetch, nint kk, int shift, float* p0, float* p1, float* p2, float* p3, float* p4, float* p5,
            ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c10, ref Vector256<float> c11,
            ref Vector256<float> c20, ref Vector256<float> c21, ref Vector256<float> c30, ref Vector256<float> c31,
            ref Vector256<float> c40, ref Vector256<float> c41, ref Vector256<float> c50, ref Vector256<float> c51)
            where T : struct, ITileShape
            where TF : struct, IPrefetch
        {
            int slots = T.Rows * T.Phases;
            Vector256<float> b0 = Avx.LoadVector256(w), b1 = Avx.LoadVector256(w + 8);
            if (TF.On) Sse.Prefetch1(w + prefetch);
            Fma2(ref c00, ref c01, p0 + kk + shift, b0, b1);
            if (slots > 1)
            {
                if (1 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (1 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (1 / T.Rows) + 8); if (TF.On) Sse.Prefetch1(w + 16 * (1 / T.Rows) + prefetch); }
                Fma2(ref c10, ref c11, p1 + kk + shift, b0, b1);
            }
            if (slots > 2)
            {
                if (2 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (2 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (2 / T.Rows) + 8); if (TF.On) Sse.Prefetch1(w + 16 * (2 / T.Rows) + prefetch); }
                Fma2(ref c20, ref c21, p2 + kk + shift, b0, b1);
            }
            if (slots > 3)
            {
                if (3 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (3 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (3 / T.Rows) + 8); if (TF.On) Sse.Prefetch1(w + 16 * (3 / T.Rows) + prefetch); }
                Fma2(ref c30, ref c31, p3 + kk + shift, b0, b1);
            }
            if (slots > 4)
            {
                if (4 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (4 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (4 / T.Rows) + 8); if (TF.On) Sse.Prefetch1(w + 16 * (4 / T.Rows) + prefetch); }
                Fma2(ref c40, ref c41, p4 + kk + shift, b0, b1);
            }
            if (slots > 5)
            {
                if (5 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (5 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (5 / T.Rows) + 8); if (TF.On) Sse.Prefetch1(w + 16 * (5 / T.Rows) + prefetch); }
                Fma2(ref c50, ref c51, p5 + kk + shift, b0, b1);
            }
        }

        /// <summary>X pointer of slot s: row s mod Rows, shifted by its phase s / Rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float* SlotX<T>(float* x, nint ldx, int slot) where T : struct, ITileShape
            => x + (slot % T.Rows) * ldx + slot / T.Rows;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Fma2(ref Vector256<float> lo, ref Vector256<float> hi, float* x, Vector256<float> b0, Vector256<float> b1)
        {
            Vector256<float> a = Avx.BroadcastScalarToVector256(x);
            lo = Fma.MultiplyAdd(a, b0, lo);
            hi = Fma.MultiplyAdd(a, b1, hi);
        }
    }
}
