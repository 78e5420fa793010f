namespace FoldBench.Kernels;

public static unsafe partial class Linear
{
    /// <summary>
    /// The scalar path, the reference the vector paths are compared with: plain loops over the
    /// PyTorch layout (W row j at <c>w + j·ldw</c>), float accumulation in K order. A share of several covers the
    /// columns of the 16-wide panels the vector paths would give it.
    /// </summary>
    private static void RunScalar(float* x, int m, int ldx, float* w, int k, int ldw, int n, float* bias, float* y, int ldy, bool accumulate,
        int share, int shares)
    {
        var (first, end) = ShareOf(PackLayout.PanelCount(n), share, shares);
        int jFirst = first * PackLayout.PanelWidth, jEnd = Math.Min(end * PackLayout.PanelWidth, n);
        for (int i = 0; i < m; i++)
        {
            float* xi = x + (nint)i * ldx, yi = y + (nint)i * ldy;
            for (int j = jFirst; j < jEnd; j++)
            {
                float* wj = w + (nint)j * ldw;
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += xi[p] * wj[p];
                Epilogue.Put(sum, bias, yi, j, accumulate);
            }
        }
    }
}
