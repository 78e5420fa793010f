using System.Runtime.CompilerServices;

namespace FoldBench.Kernels;

/// <summary>
/// Weights of a linear layer (PyTorch <c>Linear</c> layout, [N×K] row-major, plus optional bias of N)
/// packed once into the layout one kernel path wants. Packing is done here, off the timed path.
/// </summary>
/// <remarks>
/// The packed weights and the (padded) bias live in one array on the pinned object heap, with the
/// weights starting on a 64-byte boundary: every 16-float row of a panel is then exactly one cache
/// line, and the kernels can read through raw pointers without pinning on every call.
/// </remarks>
public sealed unsafe class PackedWeights
{
    private const int Alignment = 64;

    private readonly float[] _storage;
    private readonly int _offset;
    private readonly int _packedLength;
    private readonly int _biasLength;
    private readonly int _n;

    private PackedWeights(float[] storage, int offset, int packedLength, int biasLength, int n, int k, KernelPath path)
    {
        _storage = storage;
        _offset = offset;
        _packedLength = packedLength;
        _biasLength = biasLength;
        _n = n;
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

    public bool HasBias => _biasLength > 0;

    /// <summary>
    /// Where the caller expects these weights to be when they are read (<see cref="WeightResidency"/>): a speed hint,
    /// never a change of result. Set it to <see cref="WeightResidency.Memory"/> when this set is one of many read in turn
    /// that together exceed the last-level cache.
    /// </summary>
    public WeightResidency Residency { get; set; } = WeightResidency.Cache;

    /// <summary>The bias as given (N values), or empty.</summary>
    public ReadOnlySpan<float> Bias => HasBias ? new ReadOnlySpan<float>(_storage, _offset + _packedLength, _n) : default;

    /// <summary>Start of the packed weights; stable because the storage is pinned.</summary>
    internal float* PackedPointer => (float*)Unsafe.AsPointer(ref _storage[_offset]);

    /// <summary>Start of the bias in the kernel's layout (zero-padded to whole panels), or null.</summary>
    internal float* BiasPointer => HasBias ? (float*)Unsafe.AsPointer(ref _storage[_offset + _packedLength]) : null;

    /// <summary>Floats between panels (vector paths) or weight rows (scalar).</summary>
    internal int WeightStride => PackLayout.WeightStride(InputCount, Path);

    /// <summary>Logical parameter bytes (fp32 weights and bias), what a model file would hold.</summary>
    public long ParameterBytes => ((long)OutputCount * InputCount + (HasBias ? OutputCount : 0)) * sizeof(float);

    /// <summary>Bytes the kernel actually streams through, padding of the packed layout included
    /// (the alignment slack before the buffer is never read and is not counted).</summary>
    public long PackedBytes => ((long)_packedLength + _biasLength) * sizeof(float);

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

        long packedLength = PackLayout.PackedLength(n, k, path);
        int biasLength = bias.IsEmpty ? 0 : PackLayout.BiasLength(n, path);
        long total = packedLength + biasLength + Alignment / sizeof(float);
        if (total > Array.MaxLength)
            throw new ArgumentException($"packed weights of N×K = {n}×{k} need {total} floats, more than one array can hold", nameof(weights));

        float[] storage = GC.AllocateUninitializedArray<float>((int)total, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref storage[0]);
        int offset = (int)((Alignment - address % Alignment) % Alignment) / sizeof(float);
        PackLayout.Pack(weights, n, k, path, storage.AsSpan(offset, (int)packedLength));
        if (biasLength > 0) PackLayout.PackBias(bias, storage.AsSpan(offset + (int)packedLength, biasLength));
        return new PackedWeights(storage, offset, (int)packedLength, biasLength, n, k, path);
    }

    public static PackedWeights Pack(ReadOnlySpan<float> weights, int n, int k, KernelPath path)
        => Pack(weights, n, k, ReadOnlySpan<float>.Empty, path);

    /// <summary>Packs for the fastest path this CPU supports.</summary>
    public static PackedWeights Pack(ReadOnlySpan<float> weights, int n, int k, ReadOnlySpan<float> bias = default)
        => Pack(weights, n, k, bias, KernelPaths.Best);
}
