namespace FoldBench.Kernels;

/// <summary>
/// Turns PyTorch-layout weights ([N×K] row-major) into the layout each kernel path reads.
/// <para>
/// <b>scalar</b> keeps the PyTorch layout: row j of W is output j, stride K.
/// </para>
/// <para>
/// <b>portable, avx2, avx512, neon</b> use 16-wide column panels (MLAS / XNNPACK style): the outputs are
/// cut into ⌈N/16⌉ panels of 16 columns; inside a panel the data is K-major, so step kk of the
/// micro-kernel reads the 16 weights W[j0..j0+15, kk] as one contiguous 64-byte line (one ZMM, two YMM or
/// four NEON registers). Columns past N are zero, so the kernels never branch on the N tail inside
/// the K loop; they only mask the final store. Panel p starts at p·16·K.
/// </para>
/// </summary>
internal static class PackLayout
{
    /// <summary>Columns per panel of the vector paths: 1×16 fp32 for AVX-512 (which reads two panels per tile), 2×8 for AVX2, 4×4 for NEON / Vector128.</summary>
    public const int PanelWidth = 16;

    public static bool UsesPanels(KernelPath path) => path != KernelPath.Scalar;

    /// <summary>Floats the packed weights occupy (panel padding included).</summary>
    public static long PackedLength(int n, int k, KernelPath path)
        => UsesPanels(path) ? (long)PanelCount(n) * PanelWidth * k : (long)n * k;

    /// <summary>Floats the bias occupies in the kernel's layout (padded to whole panels).</summary>
    public static int BiasLength(int n, KernelPath path) => UsesPanels(path) ? PanelCount(n) * PanelWidth : n;

    /// <summary>Distance in floats between consecutive panels (vector paths) or weight rows (scalar).</summary>
    public static int WeightStride(int k, KernelPath path) => UsesPanels(path) ? PanelWidth * k : k;

    public static int PanelCount(int n) => (n + PanelWidth - 1) / PanelWidth;

    /// <summary>Writes the packed weights into <paramref name="destination"/> (length <see cref="PackedLength"/>).</summary>
    public static void Pack(ReadOnlySpan<float> weights, int n, int k, KernelPath path, Span<float> destination)
    {
        if (!UsesPanels(path))
        {
            weights.CopyTo(destination);
            return;
        }
        int panels = PanelCount(n);
        for (int p = 0; p < panels; p++)
        {
            Span<float> panel = destination.Slice(p * PanelWidth * k, PanelWidth * k);
            for (int c = 0; c < PanelWidth; c++)
            {
                int j = p * PanelWidth + c;
                if (j < n)
                {
                    ReadOnlySpan<float> row = weights.Slice(j * k, k);
                    for (int kk = 0; kk < k; kk++) panel[kk * PanelWidth + c] = row[kk];
                }
                else
                {
                    for (int kk = 0; kk < k; kk++) panel[kk * PanelWidth + c] = 0f;
                }
            }
        }
    }

    /// <summary>Writes the bias, zero-padded to whole panels for the vector paths.</summary>
    public static void PackBias(ReadOnlySpan<float> bias, Span<float> destination)
    {
        bias.CopyTo(destination);
        destination[bias.Length..].Clear();
    }
}
