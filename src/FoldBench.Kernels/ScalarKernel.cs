namespace FoldBench.Kernels;

/// <summary>The reference path: plain loops over the PyTorch layout, float accumulation.</summary>
internal static unsafe class ScalarKernel
{
    /// <summary>Y = X·Wᵀ (+ b) (+ Y) with W row j at <c>w + j·ldw</c>; only the first <paramref name="k"/> inputs are used.</summary>
    public static void Run(float* x, int m, int ldx, float* w, int k, int ldw, int n, float* bias, float* y, int ldy, bool accumulate)
    {
        for (int i = 0; i < m; i++)
            RowMajor(x + (nint)i * ldx, w, n, k, ldw, bias, y + (nint)i * ldy, accumulate);
    }

    /// <summary>One row of X against every row of W: N dot products.</summary>
    public static void RowMajor(float* x, float* w, int n, int k, int ldw, float* bias, float* y, bool accumulate)
    {
        for (int j = 0; j < n; j++)
        {
            float* wj = w + (nint)j * ldw;
            float sum = 0f;
            for (int p = 0; p < k; p++) sum += x[p] * wj[p];
            TailStore.Put(sum, bias, y, j, accumulate);
        }
    }
}
