namespace FoldBench.Kernels.Quantized;

public static unsafe partial class QuantizedLinear
{
    /// <summary>
    /// The scalar int8 path: plain loops over the PyTorch layout (row n of the int8 weights at n·K), s8 activations,
    /// exact int32 sums (bounded by <see cref="RowQuantizer.MaxInputCount"/>), then the shared epilogue. A share of several
    /// covers the columns of the 16-wide panels the vector paths would give it.
    /// </summary>
    private static void RunScalar<TOut>(sbyte* x, int m, int k, float* xs, QuantizedWeights w, float* y, int ldy, bool accumulate,
        int share, int shares)
        where TOut : struct, IQuantizedOutput
    {
        sbyte* pw = w.PackedPointer;
        float* scales = w.ScalePointer, bias = w.BiasPointer;
        int n = w.OutputCount;
        var (first, end) = Linear.ShareOf(PackLayout.PanelCount(n), share, shares);
        int jFirst = first * PackLayout.PanelWidth, jEnd = Math.Min(end * PackLayout.PanelWidth, n);
        for (int i = 0; i < m; i++)
        {
            sbyte* xi = x + (nint)i * k;
            float* yi = y + (nint)i * ldy;
            for (int j = jFirst; j < jEnd; j++)
            {
                sbyte* wj = pw + (nint)j * k;
                int sum = 0;
                for (int p = 0; p < k; p++) sum += xi[p] * wj[p];
                QuantizedEpilogue.Put<TOut>(sum, xs[i], scales, bias, yi, j, accumulate);
            }
        }
    }
}
