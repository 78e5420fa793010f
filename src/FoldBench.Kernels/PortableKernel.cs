using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoldBench.Kernels;

/// <summary>
/// The cross-platform path: the same 16-wide packed panels as the hand-written paths, but written
/// only with the portable <see cref="Vector256"/>/<see cref="Vector128"/> APIs, as a developer
/// would without per-ISA code. It shows what the hand-written register blocking adds on top.
/// </summary>
/// <remarks>
/// Tiles keep 8 accumulators: 4 rows × 2 Vector256 where Vector256 is accelerated (x64 with AVX2),
/// else 2 rows × 4 Vector128 (SSE-only x64, ARM64), which also fits SSE's 16 registers.
/// <see cref="Vector256.MultiplyAddEstimate(Vector256{float}, Vector256{float}, Vector256{float})"/>
/// becomes one FMA where the CPU has it, else a multiply and an add.
/// </remarks>
internal static unsafe class PortableKernel
{
    public static void Run(float* x, int m, int ldx, float* w, int k, int ldw, int n, float* bias, float* y, int ldy, bool accumulate)
    {
        bool wide = Vector256.IsHardwareAccelerated;
        var blocks = new RowBlocks(m, wide ? 4 : 2);
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
                if (wide)
                {
                    switch (rows)
                    {
                        case 4: Tile256<Rows4>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                        case 3: Tile256<Rows3>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                        case 2: Tile256<Rows2>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                        default: Tile256<Rows1>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate); break;
                    }
                }
                else if (rows == 2)
                {
                    Tile128<Rows2>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate);
                }
                else
                {
                    Tile128<Rows1>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate);
                }
                xb += (nint)rows * ldx;
                yb += (nint)rows * ldy;
            }
        }
    }

    /// <summary>Up to 4 rows × 16 columns in Vector256 registers (only T.Rows is used; no K phases).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate)
        where T : struct, ITileShape
    {
        float* x0 = x, x1 = x + ldx, x2 = x + 2 * ldx, x3 = x + 3 * ldx;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (nint kk = 0; kk < k; kk++)
        {
            Vector256<float> b0 = Vector256.Load(w), b1 = Vector256.Load(w + 8);
            Vector256<float> a = Vector256.Create(x0[kk]);
            c00 = Vector256.MultiplyAddEstimate(a, b0, c00);
            c01 = Vector256.MultiplyAddEstimate(a, b1, c01);
            if (T.Rows > 1)
            {
                a = Vector256.Create(x1[kk]);
                c10 = Vector256.MultiplyAddEstimate(a, b0, c10);
                c11 = Vector256.MultiplyAddEstimate(a, b1, c11);
            }
            if (T.Rows > 2)
            {
                a = Vector256.Create(x2[kk]);
                c20 = Vector256.MultiplyAddEstimate(a, b0, c20);
                c21 = Vector256.MultiplyAddEstimate(a, b1, c21);
            }
            if (T.Rows > 3)
            {
                a = Vector256.Create(x3[kk]);
                c30 = Vector256.MultiplyAddEstimate(a, b0, c30);
                c31 = Vector256.MultiplyAddEstimate(a, b1, c31);
            }
            w += PackLayout.PanelWidth;
        }
        Store256(c00, c01, bias, y, accumulate, cols);
        if (T.Rows > 1) Store256(c10, c11, bias, y + ldy, accumulate, cols);
        if (T.Rows > 2) Store256(c20, c21, bias, y + 2 * ldy, accumulate, cols);
        if (T.Rows > 3) Store256(c30, c31, bias, y + 3 * ldy, accumulate, cols);
    }

    /// <summary>Up to 2 rows × 16 columns in Vector128 registers (only T.Rows is used).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile128<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate)
        where T : struct, ITileShape
    {
        float* x0 = x, x1 = x + ldx;
        Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default;
        for (nint kk = 0; kk < k; kk++)
        {
            Vector128<float> a0 = Vector128.Create(x0[kk]);
            Vector128<float> a1 = T.Rows > 1 ? Vector128.Create(x1[kk]) : default;
            Vector128<float> b = Vector128.Load(w);
            c00 = Vector128.MultiplyAddEstimate(a0, b, c00);
            if (T.Rows > 1) c10 = Vector128.MultiplyAddEstimate(a1, b, c10);
            b = Vector128.Load(w + 4);
            c01 = Vector128.MultiplyAddEstimate(a0, b, c01);
            if (T.Rows > 1) c11 = Vector128.MultiplyAddEstimate(a1, b, c11);
            b = Vector128.Load(w + 8);
            c02 = Vector128.MultiplyAddEstimate(a0, b, c02);
            if (T.Rows > 1) c12 = Vector128.MultiplyAddEstimate(a1, b, c12);
            b = Vector128.Load(w + 12);
            c03 = Vector128.MultiplyAddEstimate(a0, b, c03);
            if (T.Rows > 1) c13 = Vector128.MultiplyAddEstimate(a1, b, c13);
            w += PackLayout.PanelWidth;
        }
        Store128(c00, c01, c02, c03, bias, y, accumulate, cols);
        if (T.Rows > 1) Store128(c10, c11, c12, c13, bias, y + ldy, accumulate, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(Vector256<float> lo, Vector256<float> hi, float* bias, float* y, bool accumulate, int cols)
    {
        if (cols == PackLayout.PanelWidth)
        {
            if (bias != null) { lo += Vector256.Load(bias); hi += Vector256.Load(bias + 8); }
            if (accumulate) { lo += Vector256.Load(y); hi += Vector256.Load(y + 8); }
            lo.Store(y);
            hi.Store(y + 8);
        }
        else
        {
            TailStore.Finish(lo, hi, bias, y, accumulate, cols);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(Vector128<float> c0, Vector128<float> c1, Vector128<float> c2, Vector128<float> c3,
        float* bias, float* y, bool accumulate, int cols)
    {
        if (cols == PackLayout.PanelWidth)
        {
            if (bias != null)
            {
                c0 += Vector128.Load(bias); c1 += Vector128.Load(bias + 4);
                c2 += Vector128.Load(bias + 8); c3 += Vector128.Load(bias + 12);
            }
            if (accumulate)
            {
                c0 += Vector128.Load(y); c1 += Vector128.Load(y + 4);
                c2 += Vector128.Load(y + 8); c3 += Vector128.Load(y + 12);
            }
            c0.Store(y); c1.Store(y + 4); c2.Store(y + 8); c3.Store(y + 12);
        }
        else
        {
            TailStore.Finish(c0, c1, c2, c3, bias, y, accumulate, cols);
        }
    }

    /// <summary>M = 1 without packing: four dot products at a time, one accumulator each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowMajor(float* x, float* w, int n, int k, int ldw, float* bias, float* y, bool accumulate)
    {
        if (Vector256.IsHardwareAccelerated) RowMajor256(x, w, n, k, ldw, bias, y, accumulate);
        else RowMajor128(x, w, n, k, ldw, bias, y, accumulate);
    }

    private static void RowMajor256(float* x, float* w, int n, int k, int ldw, float* bias, float* y, bool accumulate)
    {
        int j = 0;
        for (; j <= n - 4; j += 4)
        {
            float* w0 = w + (nint)j * ldw, w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            nint kk = 0;
            for (; kk <= k - 8; kk += 8)
            {
                Vector256<float> xv = Vector256.Load(x + kk);
                a0 = Vector256.MultiplyAddEstimate(Vector256.Load(w0 + kk), xv, a0);
                a1 = Vector256.MultiplyAddEstimate(Vector256.Load(w1 + kk), xv, a1);
                a2 = Vector256.MultiplyAddEstimate(Vector256.Load(w2 + kk), xv, a2);
                a3 = Vector256.MultiplyAddEstimate(Vector256.Load(w3 + kk), xv, a3);
            }
            FinishRows(x, w0, w1, w2, w3, kk, k, Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3), bias, y, j, accumulate);
        }
        for (; j < n; j++)
        {
            float* wj = w + (nint)j * ldw;
            Vector256<float> a = default;
            nint kk = 0;
            for (; kk <= k - 8; kk += 8) a = Vector256.MultiplyAddEstimate(Vector256.Load(wj + kk), Vector256.Load(x + kk), a);
            FinishRow(x, wj, kk, k, Vector256.Sum(a), bias, y, j, accumulate);
        }
    }

    private static void RowMajor128(float* x, float* w, int n, int k, int ldw, float* bias, float* y, bool accumulate)
    {
        int j = 0;
        for (; j <= n - 4; j += 4)
        {
            float* w0 = w + (nint)j * ldw, w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            nint kk = 0;
            for (; kk <= k - 4; kk += 4)
            {
                Vector128<float> xv = Vector128.Load(x + kk);
                a0 = Vector128.MultiplyAddEstimate(Vector128.Load(w0 + kk), xv, a0);
                a1 = Vector128.MultiplyAddEstimate(Vector128.Load(w1 + kk), xv, a1);
                a2 = Vector128.MultiplyAddEstimate(Vector128.Load(w2 + kk), xv, a2);
                a3 = Vector128.MultiplyAddEstimate(Vector128.Load(w3 + kk), xv, a3);
            }
            FinishRows(x, w0, w1, w2, w3, kk, k, Vector128.Sum(a0), Vector128.Sum(a1), Vector128.Sum(a2), Vector128.Sum(a3), bias, y, j, accumulate);
        }
        for (; j < n; j++)
        {
            float* wj = w + (nint)j * ldw;
            Vector128<float> a = default;
            nint kk = 0;
            for (; kk <= k - 4; kk += 4) a = Vector128.MultiplyAddEstimate(Vector128.Load(wj + kk), Vector128.Load(x + kk), a);
            FinishRow(x, wj, kk, k, Vector128.Sum(a), bias, y, j, accumulate);
        }
    }

    /// <summary>Scalar K tail of four dot products, then bias / accumulate.</summary>
    private static void FinishRows(float* x, float* w0, float* w1, float* w2, float* w3, nint kk, int k,
        float s0, float s1, float s2, float s3, float* bias, float* y, int j, bool accumulate)
    {
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

    private static void FinishRow(float* x, float* wj, nint kk, int k, float s, float* bias, float* y, int j, bool accumulate)
    {
        for (; kk < k; kk++) s += wj[kk] * x[kk];
        TailStore.Put(s, bias, y, j, accumulate);
    }
}
