namespace FoldBench.Kernels;

/// <summary>
/// Linear projection <c>Y[M×N] = X[M×K]·Wᵀ + b</c> (or <c>Y += …</c>), dispatched to the path the
/// weights were packed for. No allocation: callers own every buffer.
/// </summary>
public static class Linear
{
    /// <summary>Contiguous rows: X is M×K, Y is M×N.</summary>
    public static void Project(ReadOnlySpan<float> x, int m, PackedWeights w, Span<float> y, bool accumulate = false)
        => Project(x, m, w.InputCount, w, y, w.OutputCount, accumulate);

    /// <summary>
    /// Strided rows: row i of X starts at <c>i·ldx</c>, row i of Y at <c>i·ldy</c>. Strides let the
    /// block-diagonal folded projection address one sub-position of every token without a copy.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, int ldx, PackedWeights w, Span<float> y, int ldy, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        int k = w.InputCount, n = w.OutputCount;
        Validate(x.Length, y.Length, m, k, n, ldx, ldy);
        if (m == 0) return;
        switch (w.Path)
        {
            default:
                ScalarKernel.Run(x, m, ldx, w, y, ldy, accumulate);
                break;
        }
    }

    internal static void Validate(int xLength, int yLength, int m, int k, int n, int ldx, int ldy)
    {
        if (m < 0) throw new ArgumentException($"row count M must not be negative, got {m}", nameof(m));
        if (ldx < k) throw new ArgumentException($"X row stride {ldx} is smaller than K = {k}", nameof(ldx));
        if (ldy < n) throw new ArgumentException($"Y row stride {ldy} is smaller than N = {n}", nameof(ldy));
        if (m == 0) return;
        long needX = (long)(m - 1) * ldx + k, needY = (long)(m - 1) * ldy + n;
        if (xLength < needX)
            throw new ArgumentException($"X has {xLength} elements but M×K = {m}×{k} (stride {ldx}) needs {needX}", "x");
        if (yLength < needY)
            throw new ArgumentException($"Y has {yLength} elements but M×N = {m}×{n} (stride {ldy}) needs {needY}", "y");
    }
}
