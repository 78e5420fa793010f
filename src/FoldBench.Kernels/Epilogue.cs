using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoldBench.Kernels;

/// <summary>
/// The end of every tile row, shared by all vector paths: add the bias (and the old Y when
/// accumulating) and store 16 outputs, or, for the last panel's N tail, the first
/// <c>cols</c> of them one by one. A row is one <see cref="Vector512{T}"/> (AVX-512), two
/// <see cref="Vector256{T}"/> (AVX2, portable on AVX2) or four <see cref="Vector128{T}"/> (NEON,
/// portable on SSE / ARM64); the portable
/// vector operations here compile to the same instructions the ISA-specific ones would.
/// </summary>
internal static unsafe class Epilogue
{
    /// <summary>Finishes one row held as columns 0–15 of one panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> row, float* bias, float* y, bool accumulate, int cols)
    {
        if (cols == PackLayout.PanelWidth)
        {
            if (bias != null) row += Vector512.Load(bias);
            if (accumulate) row += Vector512.Load(y);
            row.Store(y);
        }
        else
        {
            for (int c = 0; c < cols; c++) Put(row.GetElement(c), bias, y, c, accumulate);
        }
    }

    /// <summary>Finishes one row held as columns 0–7 and 8–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> lo, Vector256<float> hi, float* bias, float* y, bool accumulate, int cols)
    {
        if (cols == PackLayout.PanelWidth)
        {
            if (bias != null)
            {
                lo += Vector256.Load(bias);
                hi += Vector256.Load(bias + 8);
            }
            if (accumulate)
            {
                lo += Vector256.Load(y);
                hi += Vector256.Load(y + 8);
            }
            lo.Store(y);
            hi.Store(y + 8);
        }
        else
        {
            // Inlined and call-free on purpose: a call after the K loop would make the JIT keep
            // the accumulators in caller-saved registers it then spills inside the loop.
            for (int c = 0; c < cols; c++)
                Put(c < 8 ? lo.GetElement(c) : hi.GetElement(c - 8), bias, y, c, accumulate);
        }
    }

    /// <summary>Finishes one row held as columns 0–3, 4–7, 8–11 and 12–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> c0, Vector128<float> c1, Vector128<float> c2, Vector128<float> c3,
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
            for (int c = 0; c < cols; c++)
            {
                Vector128<float> v = c < 8 ? (c < 4 ? c0 : c1) : (c < 12 ? c2 : c3);
                Put(v.GetElement(c & 3), bias, y, c, accumulate);
            }
        }
    }

    /// <summary>Finishes one output: bias, then accumulate-into-Y. Also the scalar path's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put(float sum, float* bias, float* y, int j, bool accumulate)
    {
        if (bias != null) sum += bias[j];
        y[j] = accumulate ? y[j] + sum : sum;
    }
}
