using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace FoldBench.Kernels;

/// <summary>
/// The hand-written AdvSimd (NEON, ARM64) path over the same 16-wide packed panels as AVX2.
/// One tile is up to 6 rows × 16 columns = 24 Q-register accumulators. X is read four K steps at a
/// time (one Q register per row holds x[kk..kk+3]) and each weight vector is multiplied by one
/// selected lane of it (<c>FMLA v.4s, v.4s, v.s[j]</c>): no broadcasts; per K step 4 weight loads
/// feed 24 FMAs, and 6 X loads serve four K steps. 31 of the 32 vector registers are in use
/// (24 accumulators + 6 X + 1 weight; checked in the JIT's arm64 output: no spills in the K loops).
/// </summary>
/// <remarks>
/// As in <see cref="AvxKernel"/>, tiles of 1–3 rows split K into phases
/// (<see cref="ITileShape"/>): slot s = phase·Rows + row owns 4 accumulators and one X register,
/// and each phase covers its own group of four K steps, so short tiles still run 24 FMA chains.
/// </remarks>
internal static unsafe class NeonKernel
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
                    case 4: Tile<Rows4>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
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
    /// One tile. Accumulator c{s}{q} is slot s, columns 4q..4q+3. The main loop eats Phases groups
    /// of 4 K steps; then whole groups of 4 with phase 0 only; then single steps (lane 0 of a
    /// scalar-loaded X register).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate)
        where T : struct, ITileShape
    {
        const int Group = 4;
        int slots = T.Rows * T.Phases, rows = T.Rows, step = Group * T.Phases;
        float* p0 = x, p1 = SlotX<T>(x, ldx, 1), p2 = SlotX<T>(x, ldx, 2),
               p3 = SlotX<T>(x, ldx, 3), p4 = SlotX<T>(x, ldx, 4), p5 = SlotX<T>(x, ldx, 5);
        Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector128<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector128<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector128<float> c50 = default, c51 = default, c52 = default, c53 = default;
        Vector128<float> x0, x1 = default, x2 = default, x3 = default, x4 = default, x5 = default;

        nint kk = 0;
        for (; kk <= k - step; kk += step)
        {
            x0 = AdvSimd.LoadVector128(p0 + kk);
            if (slots > 1) x1 = AdvSimd.LoadVector128(p1 + kk);
            if (slots > 2) x2 = AdvSimd.LoadVector128(p2 + kk);
            if (slots > 3) x3 = AdvSimd.LoadVector128(p3 + kk);
            if (slots > 4) x4 = AdvSimd.LoadVector128(p4 + kk);
            if (slots > 5) x5 = AdvSimd.LoadVector128(p5 + kk);
            // K step j of the group = lane j of each X register; columns 4q..4q+3 = weights at w + 16j + 4q.
            Column<T>(w, 0, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 4, 0, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 8, 0, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 12, 0, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 16, 1, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 20, 1, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 24, 1, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 28, 1, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 32, 2, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 36, 2, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 40, 2, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 44, 2, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 48, 3, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 52, 3, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 56, 3, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 60, 3, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            w += PackLayout.PanelWidth * step;
        }

        // Remaining whole groups of 4 K steps: phase 0 only, so slot r is row r.
        for (; kk <= k - Group; kk += Group)
        {
            x0 = AdvSimd.LoadVector128(p0 + kk);
            if (rows > 1) x1 = AdvSimd.LoadVector128(p1 + kk);
            if (rows > 2) x2 = AdvSimd.LoadVector128(p2 + kk);
            if (rows > 3) x3 = AdvSimd.LoadVector128(p3 + kk);
            if (rows > 4) x4 = AdvSimd.LoadVector128(p4 + kk);
            if (rows > 5) x5 = AdvSimd.LoadVector128(p5 + kk);
            Column<T>(w, 0, rows, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 4, 0, rows, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 8, 0, rows, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 12, 0, rows, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 16, 1, rows, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 20, 1, rows, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 24, 1, rows, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 28, 1, rows, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 32, 2, rows, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 36, 2, rows, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 40, 2, rows, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 44, 2, rows, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 48, 3, rows, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 52, 3, rows, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 56, 3, rows, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 60, 3, rows, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            w += PackLayout.PanelWidth * Group;
        }

        // Last 0–3 K steps: one X value per row, in lane 0.
        for (; kk < k; kk++)
        {
            x0 = Vector128.CreateScalarUnsafe(p0[kk]);
            if (rows > 1) x1 = Vector128.CreateScalarUnsafe(p1[kk]);
            if (rows > 2) x2 = Vector128.CreateScalarUnsafe(p2[kk]);
            if (rows > 3) x3 = Vector128.CreateScalarUnsafe(p3[kk]);
            if (rows > 4) x4 = Vector128.CreateScalarUnsafe(p4[kk]);
            if (rows > 5) x5 = Vector128.CreateScalarUnsafe(p5[kk]);
            Column<T>(w, 0, rows, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 4, 0, rows, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 8, 0, rows, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 12, 0, rows, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            w += PackLayout.PanelWidth;
        }

        // Fold the phases into the row slots.
        if (T.Rows == 1 && T.Phases == 6)
        {
            c00 = (c00 + c10) + (c20 + c30) + (c40 + c50);
            c01 = (c01 + c11) + (c21 + c31) + (c41 + c51);
            c02 = (c02 + c12) + (c22 + c32) + (c42 + c52);
            c03 = (c03 + c13) + (c23 + c33) + (c43 + c53);
        }
        else if (T.Rows == 2 && T.Phases == 3)
        {
            c00 = c00 + c20 + c40; c01 = c01 + c21 + c41; c02 = c02 + c22 + c42; c03 = c03 + c23 + c43;
            c10 = c10 + c30 + c50; c11 = c11 + c31 + c51; c12 = c12 + c32 + c52; c13 = c13 + c33 + c53;
        }
        else if (T.Rows == 3 && T.Phases == 2)
        {
            c00 += c30; c01 += c31; c02 += c32; c03 += c33;
            c10 += c40; c11 += c41; c12 += c42; c13 += c43;
            c20 += c50; c21 += c51; c22 += c52; c23 += c53;
        }

        Store(c00, c01, c02, c03, bias, y, accumulate, cols);
        if (T.Rows > 1) Store(c10, c11, c12, c13, bias, y + ldy, accumulate, cols);
        if (T.Rows > 2) Store(c20, c21, c22, c23, bias, y + 2 * ldy, accumulate, cols);
        if (T.Rows > 3) Store(c30, c31, c32, c33, bias, y + 3 * ldy, accumulate, cols);
        if (T.Rows > 4) Store(c40, c41, c42, c43, bias, y + 4 * ldy, accumulate, cols);
        if (T.Rows > 5) Store(c50, c51, c52, c53, bias, y + 5 * ldy, accumulate, cols);
    }

    /// <summary>X pointer of slot s: row s mod Rows, shifted by its phase's group of 4 K steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* SlotX<T>(float* x, nint ldx, int slot) where T : struct, ITileShape
        => x + (slot % T.Rows) * ldx + 4 * (slot / T.Rows);

    /// <summary>One 4-column weight vector into one accumulator of each slot; a slot that starts a
    /// new phase loads that phase's weights (16 floats per K step, 4 K steps per phase).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column<T>(float* w, [ConstantExpected(Min = 0, Max = 3)] byte lane, int slots,
        Vector128<float> x0, Vector128<float> x1, Vector128<float> x2, Vector128<float> x3, Vector128<float> x4, Vector128<float> x5,
        ref Vector128<float> a0, ref Vector128<float> a1, ref Vector128<float> a2,
        ref Vector128<float> a3, ref Vector128<float> a4, ref Vector128<float> a5)
        where T : struct, ITileShape
    {
        const int PhaseStride = PackLayout.PanelWidth * 4;
        Vector128<float> wv = AdvSimd.LoadVector128(w);
        a0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a0, wv, x0, lane);
        if (slots > 1)
        {
            if (1 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (1 / T.Rows));
            a1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a1, wv, x1, lane);
        }
        if (slots > 2)
        {
            if (2 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (2 / T.Rows));
            a2 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a2, wv, x2, lane);
        }
        if (slots > 3)
        {
            if (3 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (3 / T.Rows));
            a3 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a3, wv, x3, lane);
        }
        if (slots > 4)
        {
            if (4 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (4 / T.Rows));
            a4 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a4, wv, x4, lane);
        }
        if (slots > 5)
        {
            if (5 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (5 / T.Rows));
            a5 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a5, wv, x5, lane);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<float> c0, Vector128<float> c1, Vector128<float> c2, Vector128<float> c3,
        float* bias, float* y, bool accumulate, int cols)
    {
        if (cols == PackLayout.PanelWidth)
        {
            if (bias != null)
            {
                c0 = AdvSimd.Add(c0, AdvSimd.LoadVector128(bias)); c1 = AdvSimd.Add(c1, AdvSimd.LoadVector128(bias + 4));
                c2 = AdvSimd.Add(c2, AdvSimd.LoadVector128(bias + 8)); c3 = AdvSimd.Add(c3, AdvSimd.LoadVector128(bias + 12));
            }
            if (accumulate)
            {
                c0 = AdvSimd.Add(c0, AdvSimd.LoadVector128(y)); c1 = AdvSimd.Add(c1, AdvSimd.LoadVector128(y + 4));
                c2 = AdvSimd.Add(c2, AdvSimd.LoadVector128(y + 8)); c3 = AdvSimd.Add(c3, AdvSimd.LoadVector128(y + 12));
            }
            AdvSimd.Store(y, c0); AdvSimd.Store(y + 4, c1); AdvSimd.Store(y + 8, c2); AdvSimd.Store(y + 12, c3);
        }
        else
        {
            TailStore.Finish(c0, c1, c2, c3, bias, y, accumulate, cols);
        }
    }

    /// <summary>
    /// M = 1 without packing: four output rows at a time share each X load; two accumulators per
    /// row (K unrolled by 8) give 8 FMA chains while W streams through once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowMajor(float* x, float* w, int n, int k, int ldw, float* bias, float* y, bool accumulate)
    {
        int j = 0;
        for (; j <= n - 4; j += 4)
        {
            float* w0 = w + (nint)j * ldw, w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
            Vector128<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector128<float> a20 = default, a21 = default, a30 = default, a31 = default;
            nint kk = 0;
            for (; kk <= k - 8; kk += 8)
            {
                Vector128<float> xa = AdvSimd.LoadVector128(x + kk), xb = AdvSimd.LoadVector128(x + kk + 4);
                a00 = AdvSimd.FusedMultiplyAdd(a00, AdvSimd.LoadVector128(w0 + kk), xa);
                a01 = AdvSimd.FusedMultiplyAdd(a01, AdvSimd.LoadVector128(w0 + kk + 4), xb);
                a10 = AdvSimd.FusedMultiplyAdd(a10, AdvSimd.LoadVector128(w1 + kk), xa);
                a11 = AdvSimd.FusedMultiplyAdd(a11, AdvSimd.LoadVector128(w1 + kk + 4), xb);
                a20 = AdvSimd.FusedMultiplyAdd(a20, AdvSimd.LoadVector128(w2 + kk), xa);
                a21 = AdvSimd.FusedMultiplyAdd(a21, AdvSimd.LoadVector128(w2 + kk + 4), xb);
                a30 = AdvSimd.FusedMultiplyAdd(a30, AdvSimd.LoadVector128(w3 + kk), xa);
                a31 = AdvSimd.FusedMultiplyAdd(a31, AdvSimd.LoadVector128(w3 + kk + 4), xb);
            }
            if (kk <= k - 4)
            {
                Vector128<float> xa = AdvSimd.LoadVector128(x + kk);
                a00 = AdvSimd.FusedMultiplyAdd(a00, AdvSimd.LoadVector128(w0 + kk), xa);
                a10 = AdvSimd.FusedMultiplyAdd(a10, AdvSimd.LoadVector128(w1 + kk), xa);
                a20 = AdvSimd.FusedMultiplyAdd(a20, AdvSimd.LoadVector128(w2 + kk), xa);
                a30 = AdvSimd.FusedMultiplyAdd(a30, AdvSimd.LoadVector128(w3 + kk), xa);
                kk += 4;
            }
            float s0 = Vector128.Sum(AdvSimd.Add(a00, a01)), s1 = Vector128.Sum(AdvSimd.Add(a10, a11));
            float s2 = Vector128.Sum(AdvSimd.Add(a20, a21)), s3 = Vector128.Sum(AdvSimd.Add(a30, a31));
            for (; kk < k; kk++)
            {
                float xv = x[kk];
                s0 += w0[kk] * xv; s1 += w1[kk] * xv; s2 += w2[kk] * xv; s3 += w3[kk] * xv;
            }
            TailStore.Put(s0, bias, y, j, accumulate);
            TailStore.Put(s1, bias, y, j + 1, accumulate);
            TailStore.Put(s2, bias, y, j + 2, accumulate);
            TailStore.Put(s3, bias, y, j + 3, accumulate);
        }
        for (; j < n; j++)
        {
            float* wj = w + (nint)j * ldw;
            Vector128<float> a0 = default, a1 = default;
            nint kk = 0;
            for (; kk <= k - 8; kk += 8)
            {
                a0 = AdvSimd.FusedMultiplyAdd(a0, AdvSimd.LoadVector128(wj + kk), AdvSimd.LoadVector128(x + kk));
                a1 = AdvSimd.FusedMultiplyAdd(a1, AdvSimd.LoadVector128(wj + kk + 4), AdvSimd.LoadVector128(x + kk + 4));
            }
            if (kk <= k - 4)
            {
                a0 = AdvSimd.FusedMultiplyAdd(a0, AdvSimd.LoadVector128(wj + kk), AdvSimd.LoadVector128(x + kk));
                kk += 4;
            }
            float s = Vector128.Sum(AdvSimd.Add(a0, a1));
            for (; kk < k; kk++) s += wj[kk] * x[kk];
            TailStore.Put(s, bias, y, j, accumulate);
        }
    }
}
