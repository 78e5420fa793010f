namespace FoldBench.Kernels;

/// <summary>The reference path: plain loops over the PyTorch layout, float accumulation.</summary>
internal static class ScalarKernel
{
    public static void Run(ReadOnlySpan<float> x, int m, int ldx, PackedWeights w, Span<float> y, int ldy, bool accumulate)
    {
        int k = w.InputCount, n = w.OutputCount;
        ReadOnlySpan<float> wt = w.Packed;
        ReadOnlySpan<float> bias = w.Bias;
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> xi = x.Slice(i * ldx, k);
            Span<float> yi = y.Slice(i * ldy, n);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<float> wj = wt.Slice(j * k, k);
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += xi[p] * wj[p];
                if (!bias.IsEmpty) sum += bias[j];
                yi[j] = accumulate ? yi[j] + sum : sum;
            }
        }
    }
}
