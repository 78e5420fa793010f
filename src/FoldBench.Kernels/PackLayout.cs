namespace FoldBench.Kernels;

/// <summary>Turns PyTorch-layout weights into the layout each kernel path reads.</summary>
internal static class PackLayout
{
    public static float[] Pack(ReadOnlySpan<float> weights, int n, int k, KernelPath path) => path switch
    {
        // The scalar reference reads the PyTorch layout as it is.
        _ => weights.ToArray(),
    };
}
