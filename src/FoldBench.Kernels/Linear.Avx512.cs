using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels;

public static unsafe partial class Linear
{
    /// <summary>
    /// The hand-written AVX-512F tile: up to 12 rows × 32 columns (two 16-wide panels, one ZMM each per K step, panel t
    /// and panel t + ⌈P/2⌉ so that the tiles read two long streams) over the same packed panels as the other vector paths.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Register budget (32 ZMM): a tile has 12 slots, slot s = phase·Rows + row, each holding one
    /// row's 32 outputs for one K phase in two accumulators (c{s}a: panel 1, c{s}b: panel 2), so
    /// 24 accumulators; plus the two panels' weights of the current K step (wa, wb) and one
    /// broadcast X value: 27 live ZMM, leaving 5 for the JIT. Each K step of a full tile issues
    /// 24 FMAs for 2 weight loads and 12 broadcasts (≈1.2 loads per 2 FMAs' cycle, well inside
    /// Zen 5's load ports), and 24 independent FMA chains are 3× the 4-cycle latency × 2 pipes
    /// = 8 that keep both FMA pipes busy.
    /// </para>
    /// <para>
    /// Few rows split K into phases to keep the chains (<see cref="PhasesFor"/>): 1 row × 12
    /// phases, 2 × 6, 3 × 4, 4 × 3, 5 × 2, 6 × 2 (24 accumulators, 20 for 5 rows); 7–12 rows run
    /// one phase (14–24). The last panel of an odd panel count runs the same tile on one panel
    /// (half the accumulators). Tiles are at most 12 rows tall because every row keeps its own X
    /// pointer in a general-purpose register (16 of them, K index and two weight pointers
    /// included).
    /// </para>
    /// </remarks>
    private readonly struct Avx512Step : IPanelStep
    {
        public static int MaxRows => 12;

        /// <summary>A 4-row tile already has 24 chains (4 rows × 3 phases × 2 panels).</summary>
        public static bool SplitFourRows => false;

        public static int PanelsPerTile => 2;

        public static bool Prefetches => true;

        /// <summary>
        /// How far ahead a streamed single-block tile prefetches its own two panels: 4 KiB (1024 floats) each, with
        /// prefetcht0. Measured on Zen 5 in three in-process runs with the variants alternating: 4 KiB read memory
        /// 1.01–1.08× faster than 2 KiB at M = 4, 8 and 12 (1.05–1.42× over no prefetch), 6 KiB about as fast as 4, 8 and
        /// 12 KiB slower; prefetcht1 at 8 and 12 KiB 0.86–0.97× of t0.
        /// </summary>
        private const int AheadFloats = 1024;

        public static void Tile<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch,
            bool ahead, nint second)
            where T : struct, ITileShape
        {
            if (cols <= PackLayout.PanelWidth) Body<T, OnePanel, NoPrefetch>(x, ldx, w, k, bias, y, ldy, cols, accumulate, 0, second);
            else if (prefetch != 0) Body<T, TwoPanels, Prefetch>(x, ldx, w, k, bias, y, ldy, cols, accumulate, prefetch, second);
            else if (ahead && T.Rows >= 2) Body<T, TwoPanels, PrefetchOwnPanels>(x, ldx, w, k, bias, y, ldy, cols, accumulate, AheadFloats, second);
            else Body<T, TwoPanels, NoPrefetch>(x, ldx, w, k, bias, y, ldy, cols, accumulate, 0, second);
        }

        /// <summary>K phases of a tile of <paramref name="rows"/> rows: as many as fit in 12 slots.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int PhasesFor(int rows) => rows switch { 1 => 12, 2 => 6, 3 => 4, 4 => 3, 5 or 6 => 2, _ => 1 };

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        [SkipLocalsInit]
        private static void Body<T, TP, TF>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch,
            nint second)
            where T : struct, ITileShape
            where TP : struct, IPanelCount
            where TF : struct, IPrefetch
        {
            int rows = T.Rows, phases = PhasesFor(T.Rows), slots = rows * phases;
            // The second panel: `second` panels on in W, Y and the bias (unused with one).
            float* w2 = w + second * PackLayout.PanelWidth * k;
            nint secondColumn = second * PackLayout.PanelWidth;
            // Row pointers, set once: the JIT does not hoist x + r·ldx out of the loop by itself.
            // Rows past T.Rows are never read and fold away.
            float* x0 = x, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx, x4 = x3 + ldx, x5 = x4 + ldx,
                   x6 = x5 + ldx, x7 = x6 + ldx, x8 = x7 + ldx, x9 = x8 + ldx, x10 = x9 + ldx, x11 = x10 + ldx;
            Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default;
            Vector512<float> c4a = default, c4b = default, c5a = default, c5b = default, c6a = default, c6b = default, c7a = default, c7b = default;
            Vector512<float> c8a = default, c8b = default, c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;

            nint kk = 0;
            for (; kk <= k - phases; kk += phases)
            {
                // Slot s: row s % rows, K step kk + s / rows; a slot starting a new phase loads
                // that phase's weights, the others re-use them. Unused slots fold away.
                Vector512<float> wa = Vector512.Load(w), wb = TP.Two ? Vector512.Load(w2) : default;
                PrefetchLine<TF>(w, w2, prefetch);
                Fma<TP>(ref c0a, ref c0b, Row(0 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 0 / rows, wa, wb);
                if (slots > 1)
                {
                    if (1 % rows == 0) { wa = Vector512.Load(w + 16 * (1 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (1 / rows)); PrefetchLine<TF>(w + 16 * (1 / rows), w2 + 16 * (1 / rows), prefetch); }
                    Fma<TP>(ref c1a, ref c1b, Row(1 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 1 / rows, wa, wb);
                }
                if (slots > 2)
                {
                    if (2 % rows == 0) { wa = Vector512.Load(w + 16 * (2 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (2 / rows)); PrefetchLine<TF>(w + 16 * (2 / rows), w2 + 16 * (2 / rows), prefetch); }
                    Fma<TP>(ref c2a, ref c2b, Row(2 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 2 / rows, wa, wb);
                }
                if (slots > 3)
                {
                    if (3 % rows == 0) { wa = Vector512.Load(w + 16 * (3 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (3 / rows)); PrefetchLine<TF>(w + 16 * (3 / rows), w2 + 16 * (3 / rows), prefetch); }
                    Fma<TP>(ref c3a, ref c3b, Row(3 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 3 / rows, wa, wb);
                }
                if (slots > 4)
                {
                    if (4 % rows == 0) { wa = Vector512.Load(w + 16 * (4 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (4 / rows)); PrefetchLine<TF>(w + 16 * (4 / rows), w2 + 16 * (4 / rows), prefetch); }
                    Fma<TP>(ref c4a, ref c4b, Row(4 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 4 / rows, wa, wb);
                }
                if (slots > 5)
                {
                    if (5 % rows == 0) { wa = Vector512.Load(w + 16 * (5 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (5 / rows)); PrefetchLine<TF>(w + 16 * (5 / rows), w2 + 16 * (5 / rows), prefetch); }
                    Fma<TP>(ref c5a, ref c5b, Row(5 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 5 / rows, wa, wb);
                }
                if (slots > 6)
                {
                    if (6 % rows == 0) { wa = Vector512.Load(w + 16 * (6 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (6 / rows)); PrefetchLine<TF>(w + 16 * (6 / rows), w2 + 16 * (6 / rows), prefetch); }
                    Fma<TP>(ref c6a, ref c6b, Row(6 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 6 / rows, wa, wb);
                }
                if (slots > 7)
                {
                    if (7 % rows == 0) { wa = Vector512.Load(w + 16 * (7 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (7 / rows)); PrefetchLine<TF>(w + 16 * (7 / rows), w2 + 16 * (7 / rows), prefetch); }
                    Fma<TP>(ref c7a, ref c7b, Row(7 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 7 / rows, wa, wb);
                }
                if (slots > 8)
                {
                    if (8 % rows == 0) { wa = Vector512.Load(w + 16 * (8 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (8 / rows)); PrefetchLine<TF>(w + 16 * (8 / rows), w2 + 16 * (8 / rows), prefetch); }
                    Fma<TP>(ref c8a, ref c8b, Row(8 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 8 / rows, wa, wb);
                }
                if (slots > 9)
                {
                    if (9 % rows == 0) { wa = Vector512.Load(w + 16 * (9 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (9 / rows)); PrefetchLine<TF>(w + 16 * (9 / rows), w2 + 16 * (9 / rows), prefetch); }
                    Fma<TP>(ref c9a, ref c9b, Row(9 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 9 / rows, wa, wb);
                }
                if (slots > 10)
                {
                    if (10 % rows == 0) { wa = Vector512.Load(w + 16 * (10 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (10 / rows)); PrefetchLine<TF>(w + 16 * (10 / rows), w2 + 16 * (10 / rows), prefetch); }
                    Fma<TP>(ref c10a, ref c10b, Row(10 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 10 / rows, wa, wb);
                }
                if (slots > 11)
                {
                    if (11 % rows == 0) { wa = Vector512.Load(w + 16 * (11 / rows)); if (TP.Two) wb = Vector512.Load(w2 + 16 * (11 / rows)); PrefetchLine<TF>(w + 16 * (11 / rows), w2 + 16 * (11 / rows), prefetch); }
                    Fma<TP>(ref c11a, ref c11b, Row(11 % rows, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk + 11 / rows, wa, wb);
                }
                w += PackLayout.PanelWidth * phases;
                w2 += PackLayout.PanelWidth * phases;
            }

            // K tail (fewer than phases steps left): phase 0 only, slots 0..rows-1 are the rows.
            for (; kk < k; kk++)
            {
                Vector512<float> wa = Vector512.Load(w), wb = TP.Two ? Vector512.Load(w2) : default;
                Fma<TP>(ref c0a, ref c0b, x0 + kk, wa, wb);
                if (rows > 1) Fma<TP>(ref c1a, ref c1b, Row(1, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 2) Fma<TP>(ref c2a, ref c2b, Row(2, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 3) Fma<TP>(ref c3a, ref c3b, Row(3, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 4) Fma<TP>(ref c4a, ref c4b, Row(4, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 5) Fma<TP>(ref c5a, ref c5b, Row(5, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 6) Fma<TP>(ref c6a, ref c6b, Row(6, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 7) Fma<TP>(ref c7a, ref c7b, Row(7, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 8) Fma<TP>(ref c8a, ref c8b, Row(8, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 9) Fma<TP>(ref c9a, ref c9b, Row(9, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 10) Fma<TP>(ref c10a, ref c10b, Row(10, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                if (rows > 11) Fma<TP>(ref c11a, ref c11b, Row(11, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) + kk, wa, wb);
                w += PackLayout.PanelWidth;
                w2 += PackLayout.PanelWidth;
            }

            // Fold the phases into rows through memory: the accumulators die here, so nothing
            // after the loop can make the JIT keep them in registers it would spill inside it.
            Vector512<float>* acc = stackalloc Vector512<float>[24];
            acc[0] = c0a; if (TP.Two) acc[1] = c0b;
            if (slots > 1) { acc[2] = c1a; if (TP.Two) acc[3] = c1b; }
            if (slots > 2) { acc[4] = c2a; if (TP.Two) acc[5] = c2b; }
            if (slots > 3) { acc[6] = c3a; if (TP.Two) acc[7] = c3b; }
            if (slots > 4) { acc[8] = c4a; if (TP.Two) acc[9] = c4b; }
            if (slots > 5) { acc[10] = c5a; if (TP.Two) acc[11] = c5b; }
            if (slots > 6) { acc[12] = c6a; if (TP.Two) acc[13] = c6b; }
            if (slots > 7) { acc[14] = c7a; if (TP.Two) acc[15] = c7b; }
            if (slots > 8) { acc[16] = c8a; if (TP.Two) acc[17] = c8b; }
            if (slots > 9) { acc[18] = c9a; if (TP.Two) acc[19] = c9b; }
            if (slots > 10) { acc[20] = c10a; if (TP.Two) acc[21] = c10b; }
            if (slots > 11) { acc[22] = c11a; if (TP.Two) acc[23] = c11b; }
            int first = Math.Min(cols, PackLayout.PanelWidth);
            for (int r = 0; r < rows; r++)
            {
                Vector512<float> a = acc[2 * r], b = TP.Two ? acc[2 * r + 1] : default;
                for (int ph = 1; ph < phases; ph++)
                {
                    a += acc[2 * (ph * rows + r)];
                    if (TP.Two) b += acc[2 * (ph * rows + r) + 1];
                }
                float* yr = y + r * ldy;
                Epilogue.Store(a, bias, yr, accumulate, first);
                if (TP.Two) Epilogue.Store(b, bias == null ? null : bias + secondColumn, yr + secondColumn, accumulate, cols - PackLayout.PanelWidth);
            }
        }

        /// <summary>
        /// When <typeparamref name="TF"/> is on: the line <paramref name="distance"/> floats after the first panel's
        /// current line into L2 (the next tile's panel), or, for <see cref="IPrefetch.OwnPanels"/>, the lines that far
        /// ahead in both of this tile's panels into L1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PrefetchLine<TF>(float* w, float* w2, nint distance) where TF : struct, IPrefetch
        {
            if (!TF.On) return;
            if (TF.OwnPanels)
            {
                Sse.Prefetch0(w + distance);
                Sse.Prefetch0(w2 + distance);
            }
            else Sse.Prefetch1(w + distance);
        }

        /// <summary>X of row <paramref name="r"/> (a constant where it is called: the switch folds away).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float* Row(int r, float* x0, float* x1, float* x2, float* x3, float* x4, float* x5,
            float* x6, float* x7, float* x8, float* x9, float* x10, float* x11) => r switch
        {
            0 => x0, 1 => x1, 2 => x2, 3 => x3, 4 => x4, 5 => x5,
            6 => x6, 7 => x7, 8 => x8, 9 => x9, 10 => x10, _ => x11,
        };

        /// <summary>One slot's K step: broadcast X once, one FMA per panel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Fma<TP>(ref Vector512<float> ca, ref Vector512<float> cb, float* x, Vector512<float> wa, Vector512<float> wb)
            where TP : struct, IPanelCount
        {
            Vector512<float> a = Vector512.Create(*x);
            ca = Avx512F.FusedMultiplyAdd(a, wa, ca);
            if (TP.Two) cb = Avx512F.FusedMultiplyAdd(a, wb, cb);
        }
    }

    /// <summary>Whether an AVX-512 tile covers two panels or (the last of an odd count) one.</summary>
    private interface IPanelCount
    {
        static abstract bool Two { get; }
    }

    private readonly struct OnePanel : IPanelCount { public static bool Two => false; }

    private readonly struct TwoPanels : IPanelCount { public static bool Two => true; }
}
