using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoldBench.Kernels;

/// <summary>
/// The scalar end of every path: finishing one output (bias, then accumulate-into-Y) the same way,
/// for the N tail of a panel and for the dot products of the row-major M = 1 path.
/// </summary>
internal static unsafe class TailStore
{
    /// <summary>
    /// Finishes the first <paramref name="cols"/> (&lt; 16) outputs of one tile row, for the last
    /// panel's N tail. Inlined and call-free on purpose: a call after the K loop would make the JIT
    /// keep the accumulators in caller-saved registers it then spills inside the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(Vector256<float> lo, Vector256<float> hi, float* bias, float* y, bool accumulate, int cols)
    {
        for (int c = 0; c < cols; c++)
            Put(c < 8 ? lo.GetElement(c) : hi.GetElement(c - 8), bias, y, c, accumulate);
    }

    /// <summary>The same for a row held in four 4-wide registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(Vector128<float> c0, Vector128<float> c1, Vector128<float> c2, Vector128<float> c3,
        float* bias, float* y, bool accumulate, int cols)
    {
        for (int c = 0; c < cols; c++)
        {
            Vector128<float> v = c < 8 ? (c < 4 ? c0 : c1) : (c < 12 ? c2 : c3);
            Put(v.GetElement(c & 3), bias, y, c, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put(float sum, float* bias, float* y, int j, bool accumulate)
    {
        if (bias != null) sum += bias[j];
        y[j] = accumulate ? y[j] + sum : sum;
    }
}
