using System.Runtime.CompilerServices;

namespace FoldBench.Kernels;

/// <summary>
/// The scalar end of every path: finishing one output (bias, then accumulate-into-Y) the same way,
/// for the N tail of a panel and for the dot products of the row-major M = 1 path.
/// </summary>
internal static unsafe class TailStore
{
    /// <summary>Finishes <paramref name="cols"/> outputs from a tile row spilled to <paramref name="row"/>.</summary>
    public static void Finish(float* row, float* bias, float* y, bool accumulate, int cols)
    {
        for (int c = 0; c < cols; c++) Put(row[c], bias, y, c, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put(float sum, float* bias, float* y, int j, bool accumulate)
    {
        if (bias != null) sum += bias[j];
        y[j] = accumulate ? y[j] + sum : sum;
    }
}
