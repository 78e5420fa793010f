namespace FoldBench.Kernels;

/// <summary>
/// Weights of a linear layer (PyTorch <c>Linear</c> layout, [N×K] row-major, plus optional bias of N)
/// packed once into the layout one kernel path wants. Packing is done here, off the timed path.
/// </summary>
public sealed class PackedWeights
{
    private readonly float[] _packed;
    private readonly float[]? _bias;

    private PackedWeights(float[] packed, float[]? bias, int n, int k, KernelPath path)
    {
        _packed = packed;
        _bias = bias;
        OutputCount = n;
        InputCount = k;
        Path = path;
    }

    /// <summary>N: number of outputs (rows of the PyTorch weight).</summary>
    public int OutputCount { get; }

    /// <summary>K: number of inputs (columns of the PyTorch weight).</summary>
    public int InputCount { get; }

    /// <summary>The kernel path this buffer is laid out for.</summary>
    public KernelPath Path { get; }

    public bool HasBias => _bias is not null;

    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>The packed buffer, in the path's own layout (see <see cref="PackLayout"/>).</summary>
    internal float[] Packed => _packed;

    /// <summary>Logical parameter bytes (fp32 weights and bias), what a model file would hold.</summary>
    public long ParameterBytes => ((long)OutputCount * InputCount + (_bias?.Length ?? 0)) * sizeof(float);

    /// <summary>Bytes the kernel actually streams through, padding of the packed layout included.</summary>
    public long PackedBytes => ((long)_packed.Length + (_bias?.Length ?? 0)) * sizeof(float);

    /// <summary>Packs row-major [n×k] weights (and an optional bias of n, empty for none) for one kernel path.</summary>
    public static PackedWeights Pack(ReadOnlySpan<float> weights, int n, int k, ReadOnlySpan<float> bias, KernelPath path)
    {
        if (n <= 0) throw new ArgumentException($"output count N must be positive, got {n}", nameof(n));
        if (k <= 0) throw new ArgumentException($"input count K must be positive, got {k}", nameof(k));
        if (weights.Length != (long)n * k)
            throw new ArgumentException($"weights length {weights.Length} does not match N×K = {n}×{k} = {(long)n * k}", nameof(weights));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"bias length {bias.Length} does not match N = {n}", nameof(bias));
        KernelPaths.EnsureSupported(path);
        float[] packed = PackLayout.Pack(weights, n, k, path);
        return new PackedWeights(packed, bias.IsEmpty ? null : bias.ToArray(), n, k, path);
    }

    public static PackedWeights Pack(ReadOnlySpan<float> weights, int n, int k, KernelPath path)
        => Pack(weights, n, k, ReadOnlySpan<float>.Empty, path);

    /// <summary>Packs for the fastest path this CPU supports.</summary>
    public static PackedWeights Pack(ReadOnlySpan<float> weights, int n, int k, ReadOnlySpan<float> bias = default)
        => Pack(weights, n, k, bias, KernelPaths.Best);
}
