using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels;

/// <summary>
/// The hand-written AVX2 + FMA path: a register-blocked micro-kernel over 16-wide packed weight
/// panels (<see cref="PackLayout"/>). One tile is up to 6 rows × 16 columns held in 12 YMM
/// accumulators; each K step loads the panel's 16 weights once (2 YMM), broadcasts one X value per
/// row and issues 2 FMAs per row, so 12 FMAs share 2 weight loads (15 of the 16 YMM registers).
/// </summary>
/// <remarks>
/// Loop order: panels outside, row blocks inside. One panel (16·K floats, 32 KiB at K = 512) is
/// then read from memory once per call and re-used from L1/L2 by every row block; X (M×K) stays in
/// L2. Row blocks of 1–3 rows split K into phases (<see cref="ITileShape"/>) to keep 12 chains.
/// </remarks>
internal static unsafe class AvxKernel
{
    private const int MaxRows = 6;

    public static void Run(float* x, int m, int ldx, float* w, int k, int ldw, int n, float* bias, float* y, int ldy, bool accumulate)
    {
        var blocks = new RowBlocks(m, MaxRows);
        int panels = PackLayout.PanelCount(n);
        for (int p = 0; p < panels; p++)
        {
            int col = p * PackLayout.PanelWidth;
            int cols = Math.Min(PackLayout.PanelWidth, n - col);
            float* wp = w + (nint)p * ldw;
            float* bp = bias == null ? null : bias + col;
            float* xb = x, yb = y + col;
            for (int b = 0; b < blocks.Count; b++)
            {
                int rows = blocks.Size(b);
                switch (rows)
                {
                    case 6: Tile<Rows6>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                    case 5: Tile<Rows5>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                    case 4:
                        // A 4-row tile holds only 8 accumulators (8 chains: no slack over 4-cycle
                        // latency × 2 pipes). Two 2-row tiles of 3 phases keep 12 chains each and
                        // re-read the 32 KiB panel from L1: M = 4 went from 89 to 94 GFLOP/s and
                        // M = 8 (4 + 4) from 90 to 98 (medians of paired runs, K = N = 512).
                        Tile<Rows2>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate);
                        Tile<Rows2>(xb + 2 * (nint)ldx, ldx, wp, k, bp, yb + 2 * (nint)ldy, ldy, cols, accumulate);
                        break;
                    case 3: Tile<Rows3>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                    case 2: Tile<Rows2>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                    default: Tile<Rows1>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                }
                xb += (nint)rows * ldx;
                yb += (nint)rows * ldy;
            }
        }
    }

    /// <summary>
    /// One tile: T.Rows rows of X (row stride <paramref name="ldx"/>) times one packed panel, into
    /// <paramref name="cols"/> (≤ 16) columns of Y. Slot s = phase·Rows + row accumulates in
    /// c{s}0 (columns 0–7) and c{s}1 (columns 8–15).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate)
        where T : struct, ITileShape
    {
        int slots = T.Rows * T.Phases, step = T.Phases;
        float* p0 = x, p1 = SlotX<T>(x, ldx, 1), p2 = SlotX<T>(x, ldx, 2),
               p3 = SlotX<T>(x, ldx, 3), p4 = SlotX<T>(x, ldx, 4), p5 = SlotX<T>(x, ldx, 5);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector256<float> b0, b1;

        nint kk = 0;
        // Two groups of Phases K steps per iteration: halves the loop overhead of the 1-phase tiles.
        for (; kk <= k - 2 * step; kk += 2 * step)
        {
            // A slot that starts a new phase loads that phase's 16 weights; the others re-use them.
            b0 = Avx.LoadVector256(w);
            b1 = Avx.LoadVector256(w + 8);
            Fma2(ref c00, ref c01, p0 + kk, b0, b1);
            if (slots > 1)
            {
                if (1 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (1 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (1 / T.Rows) + 8); }
                Fma2(ref c10, ref c11, p1 + kk, b0, b1);
            }
            if (slots > 2)
            {
                if (2 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (2 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (2 / T.Rows) + 8); }
                Fma2(ref c20, ref c21, p2 + kk, b0, b1);
            }
            if (slots > 3)
            {
                if (3 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (3 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (3 / T.Rows) + 8); }
                Fma2(ref c30, ref c31, p3 + kk, b0, b1);
            }
            if (slots > 4)
            {
                if (4 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (4 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (4 / T.Rows) + 8); }
                Fma2(ref c40, ref c41, p4 + kk, b0, b1);
            }
            if (slots > 5)
            {
                if (5 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (5 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (5 / T.Rows) + 8); }
                Fma2(ref c50, ref c51, p5 + kk, b0, b1);
            }
            float* w2 = w + 16 * step;
            // Second group of the iteration: K steps kk + step ..; weights 16·step further on.
            b0 = Avx.LoadVector256(w2);
            b1 = Avx.LoadVector256(w2 + 8);
            Fma2(ref c00, ref c01, p0 + kk + step, b0, b1);
            if (slots > 1)
            {
                if (1 % T.Rows == 0) { b0 = Avx.LoadVector256(w2 + 16 * (1 / T.Rows)); b1 = Avx.LoadVector256(w2 + 16 * (1 / T.Rows) + 8); }
                Fma2(ref c10, ref c11, p1 + kk + step, b0, b1);
            }
            if (slots > 2)
            {
                if (2 % T.Rows == 0) { b0 = Avx.LoadVector256(w2 + 16 * (2 / T.Rows)); b1 = Avx.LoadVector256(w2 + 16 * (2 / T.Rows) + 8); }
                Fma2(ref c20, ref c21, p2 + kk + step, b0, b1);
            }
            if (slots > 3)
            {
                if (3 % T.Rows == 0) { b0 = Avx.LoadVector256(w2 + 16 * (3 / T.Rows)); b1 = Avx.LoadVector256(w2 + 16 * (3 / T.Rows) + 8); }
                Fma2(ref c30, ref c31, p3 + kk + step, b0, b1);
            }
            if (slots > 4)
            {
                if (4 % T.Rows == 0) { b0 = Avx.LoadVector256(w2 + 16 * (4 / T.Rows)); b1 = Avx.LoadVector256(w2 + 16 * (4 / T.Rows) + 8); }
                Fma2(ref c40, ref c41, p4 + kk + step, b0, b1);
            }
            if (slots > 5)
            {
                if (5 % T.Rows == 0) { b0 = Avx.LoadVector256(w2 + 16 * (5 / T.Rows)); b1 = Avx.LoadVector256(w2 + 16 * (5 / T.Rows) + 8); }
                Fma2(ref c50, ref c51, p5 + kk + step, b0, b1);
            }
            w += 32 * step;
        }
        if (kk <= k - step)
        {
            // A slot that starts a new phase loads that phase's 16 weights; the others re-use them.
            b0 = Avx.LoadVector256(w);
            b1 = Avx.LoadVector256(w + 8);
            Fma2(ref c00, ref c01, p0 + kk, b0, b1);
            if (slots > 1)
            {
                if (1 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (1 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (1 / T.Rows) + 8); }
                Fma2(ref c10, ref c11, p1 + kk, b0, b1);
            }
            if (slots > 2)
            {
                if (2 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (2 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (2 / T.Rows) + 8); }
                Fma2(ref c20, ref c21, p2 + kk, b0, b1);
            }
            if (slots > 3)
            {
                if (3 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (3 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (3 / T.Rows) + 8); }
                Fma2(ref c30, ref c31, p3 + kk, b0, b1);
            }
            if (slots > 4)
            {
                if (4 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (4 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (4 / T.Rows) + 8); }
                Fma2(ref c40, ref c41, p4 + kk, b0, b1);
            }
            if (slots > 5)
            {
                if (5 % T.Rows == 0) { b0 = Avx.LoadVector256(w + 16 * (5 / T.Rows)); b1 = Avx.LoadVector256(w + 16 * (5 / T.Rows) + 8); }
                Fma2(ref c50, ref c51, p5 + kk, b0, b1);
            }
            w += 16 * step;
            kk += step;
        }

        // K tail (fewer than Phases steps left): phase 0 only, slots 0..Rows-1 are the rows.
        for (; kk < k; kk++)
        {
            b0 = Avx.LoadVector256(w);
            b1 = Avx.LoadVector256(w + 8);
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

        Store(c00, c01, bias, y, accumulate, cols);
        if (T.Rows > 1) Store(c10, c11, bias, y + ldy, accumulate, cols);
        if (T.Rows > 2) Store(c20, c21, bias, y + 2 * ldy, accumulate, cols);
        if (T.Rows > 3) Store(c30, c31, bias, y + 3 * ldy, accumulate, cols);
        if (T.Rows > 4) Store(c40, c41, bias, y + 4 * ldy, accumulate, cols);
        if (T.Rows > 5) Store(c50, c51, bias, y + 5 * ldy, accumulate, cols);
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

    /// <summary>Adds bias (and the old Y when accumulating) and stores one row of a tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> lo, Vector256<float> hi, float* bias, float* y, bool accumulate, int cols)
    {
        if (cols == PackLayout.PanelWidth)
        {
            if (bias != null)
            {
                lo += Avx.LoadVector256(bias);
                hi += Avx.LoadVector256(bias + 8);
            }
            if (accumulate)
            {
                lo += Avx.LoadVector256(y);
                hi += Avx.LoadVector256(y + 8);
            }
            Avx.Store(y, lo);
            Avx.Store(y + 8, hi);
        }
        else
        {
            TailStore.Finish(lo, hi, bias, y, accumulate, cols);
        }
    }

    /// <summary>
    /// M = 1 without packing: Y[j] = dot(X, W[j,:]) for PyTorch-layout W. Four output rows at a
    /// time share each load of X; each row keeps two accumulators (K unrolled by 16), so 8 FMA
    /// chains are in flight while W streams through once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowMajor(float* x, float* w, int n, int k, int ldw, float* bias, float* y, bool accumulate)
    {
        int j = 0;
        for (; j <= n - 4; j += 4)
        {
            float* w0 = w + (nint)j * ldw, w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            nint kk = 0;
            for (; kk <= k - 16; kk += 16)
            {
                Vector256<float> x0 = Avx.LoadVector256(x + kk), x1 = Avx.LoadVector256(x + kk + 8);
                a00 = Fma.MultiplyAdd(Avx.LoadVector256(w0 + kk), x0, a00);
                a01 = Fma.MultiplyAdd(Avx.LoadVector256(w0 + kk + 8), x1, a01);
                a10 = Fma.MultiplyAdd(Avx.LoadVector256(w1 + kk), x0, a10);
                a11 = Fma.MultiplyAdd(Avx.LoadVector256(w1 + kk + 8), x1, a11);
                a20 = Fma.MultiplyAdd(Avx.LoadVector256(w2 + kk), x0, a20);
                a21 = Fma.MultiplyAdd(Avx.LoadVector256(w2 + kk + 8), x1, a21);
                a30 = Fma.MultiplyAdd(Avx.LoadVector256(w3 + kk), x0, a30);
                a31 = Fma.MultiplyAdd(Avx.LoadVector256(w3 + kk + 8), x1, a31);
            }
            if (kk <= k - 8)
            {
                Vector256<float> x0 = Avx.LoadVector256(x + kk);
                a00 = Fma.MultiplyAdd(Avx.LoadVector256(w0 + kk), x0, a00);
                a10 = Fma.MultiplyAdd(Avx.LoadVector256(w1 + kk), x0, a10);
                a20 = Fma.MultiplyAdd(Avx.LoadVector256(w2 + kk), x0, a20);
                a30 = Fma.MultiplyAdd(Avx.LoadVector256(w3 + kk), x0, a30);
                kk += 8;
            }
            // One horizontal-add tree for all four rows: sums[r] = Σ lanes of row r's accumulators.
            Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(a00 + a01, a10 + a11), Avx.HorizontalAdd(a20 + a21, a30 + a31));
            Vector128<float> sums = h.GetLower() + h.GetUpper();
            if (kk < k)
            {
                float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
                for (; kk < k; kk++)
                {
                    float xv = x[kk];
                    t0 += w0[kk] * xv; t1 += w1[kk] * xv; t2 += w2[kk] * xv; t3 += w3[kk] * xv;
                }
                sums += Vector128.Create(t0, t1, t2, t3);
            }
            if (bias != null) sums += Sse.LoadVector128(bias + j);
            if (accumulate) sums += Sse.LoadVector128(y + j);
            Sse.Store(y + j, sums);
        }
        for (; j < n; j++)
        {
            float* wj = w + (nint)j * ldw;
            Vector256<float> a0 = default, a1 = default;
            nint kk = 0;
            for (; kk <= k - 16; kk += 16)
            {
                a0 = Fma.MultiplyAdd(Avx.LoadVector256(wj + kk), Avx.LoadVector256(x + kk), a0);
                a1 = Fma.MultiplyAdd(Avx.LoadVector256(wj + kk + 8), Avx.LoadVector256(x + kk + 8), a1);
            }
            if (kk <= k - 8)
            {
                a0 = Fma.MultiplyAdd(Avx.LoadVector256(wj + kk), Avx.LoadVector256(x + kk), a0);
                kk += 8;
            }
            float s = Vector256.Sum(a0 + a1);
            for (; kk < k; kk++) s += wj[kk] * x[kk];
            TailStore.Put(s, bias, y, j, accumulate);
        }
    }
}
