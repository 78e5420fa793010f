using System.Runtime.CompilerServices;

namespace FoldBench.Kernels.Quantized;

/// <summary>
/// Weights of a linear layer (PyTorch layout, [N×K] row-major, plus optional bias of N) quantized to symmetric int8 with
/// one fp32 scale per output channel (<see cref="RowQuantizer"/>) and packed once for one int8 path.
/// </summary>
/// <remarks>
/// <para>
/// <b>scalar</b> keeps the PyTorch layout: row n of the int8 weights is output n, stride K.
/// </para>
/// <para>
/// <b>Vector paths</b> use 16-wide column panels like the fp32 paths (<see cref="PackLayout"/>), with K in groups of 4
/// (K padded to kp, a multiple of 4, with zero weights): group g of panel p is 64 bytes, byte 4c + j holding
/// W[16p + c, 4g + j]. One group is then one ZMM or two YMM of <c>vpdpbusd</c> operands (16 int32 lanes × 4 bytes) or
/// four Q registers of <c>sdot</c> (4 columns × 4 bytes each); panel p starts at p·16·kp bytes. Columns past N are zero.
/// </para>
/// <para>
/// Next to the bytes: the per-channel scales and the bias (fp32, zero-padded to whole panels), and for the unsigned-
/// activation path (avxvnni) the accumulator start values −128·Σₖ qw[n,k] that cancel the activations' zero point.
/// All buffers are pinned; the weights start on a 64-byte boundary (one group is one cache line).
/// </para>
/// </remarks>
public sealed unsafe class QuantizedWeights
{
    private const int Alignment = 64;

    private readonly sbyte[] _packed;
    private readonly int _offset;
    private readonly int _packedLength;
    private readonly float[] _scales;
    private readonly float[]? _bias;
    private readonly int[]? _start;
    private readonly sbyte[] _quantized;

    private QuantizedWeights(sbyte[] packed, int offset, int packedLength, float[] scales, float[]? bias, int[]? start, sbyte[] quantized,
        int n, int k, QuantizedPath path)
    {
        _packed = packed;
        _offset = offset;
        _packedLength = packedLength;
        _scales = scales;
        _bias = bias;
        _start = start;
        _quantized = quantized;
        OutputCount = n;
        InputCount = k;
        Path = path;
    }

    /// <summary>N: number of outputs.</summary>
    public int OutputCount { get; }

    /// <summary>K: number of inputs.</summary>
    public int InputCount { get; }

    /// <summary>K rounded up to whole groups of 4 (the vector paths' K).</summary>
    public int PaddedInputCount => RowQuantizer.PaddedLength(InputCount);

    /// <summary>The int8 path this buffer is laid out for.</summary>
    public QuantizedPath Path { get; }

    public bool HasBias => _bias is not null;

    /// <summary>
    /// Where the caller expects these weights to be when they are read (<see cref="WeightResidency"/>): a speed hint,
    /// never a change of result, as for <see cref="PackedWeights.Residency"/>. Set it to <see cref="WeightResidency.Memory"/>
    /// when this set is one of many read in turn that together exceed the last-level cache.
    /// </summary>
    public WeightResidency Residency { get; set; } = WeightResidency.Cache;

    /// <summary>The bias as given (N values), or empty.</summary>
    public ReadOnlySpan<float> Bias => _bias is null ? default : _bias.AsSpan(0, OutputCount);

    /// <summary>The per-output-channel scales (N values): W[n,k] ≈ scale[n]·q[n,k].</summary>
    public ReadOnlySpan<float> Scales => _scales.AsSpan(0, OutputCount);

    /// <summary>The quantized weights in the PyTorch layout ([N×K] row-major), whatever the path's packing.</summary>
    public ReadOnlySpan<sbyte> Quantized => _quantized;

    /// <summary>Whether the path multiplies unsigned activations (qx + 128) and starts its accumulators from the correction.</summary>
    internal bool UnsignedActivations => Path == QuantizedPath.AvxVnni;

    internal sbyte* PackedPointer => (sbyte*)Unsafe.AsPointer(ref _packed[_offset]);

    internal float* ScalePointer => (float*)Unsafe.AsPointer(ref _scales[0]);

    internal float* BiasPointer => _bias is null ? null : (float*)Unsafe.AsPointer(ref _bias[0]);

    internal int* StartPointer => _start is null ? null : (int*)Unsafe.AsPointer(ref _start[0]);

    /// <summary>Logical parameter bytes: one byte per weight, one fp32 scale per channel, the fp32 bias.</summary>
    public long ParameterBytes => (long)OutputCount * InputCount + (long)OutputCount * sizeof(float) + (HasBias ? (long)OutputCount * sizeof(float) : 0);

    /// <summary>Bytes the kernel streams through: packed weights with their padding, padded scales, bias and start values.</summary>
    public long PackedBytes => _packedLength + ((long)_scales.Length + (_bias?.Length ?? 0) + (_start?.Length ?? 0)) * 4;

    internal void KeepAlive()
    {
        GC.KeepAlive(_packed);
        GC.KeepAlive(_scales);
        GC.KeepAlive(_bias);
        GC.KeepAlive(_start);
    }

    /// <summary>Quantizes and packs row-major [n×k] weights (and an optional bias of n, empty for none) for one int8 path.</summary>
    public static QuantizedWeights Pack(ReadOnlySpan<float> weights, int n, int k, ReadOnlySpan<float> bias, QuantizedPath path)
    {
        if (n <= 0) throw new ArgumentException($"output count N must be positive, got {n}", nameof(n));
        if (k <= 0) throw new ArgumentException($"input count K must be positive, got {k}", nameof(k));
        if (k > RowQuantizer.MaxInputCount)
            throw new ArgumentException($"input count K = {k} exceeds {RowQuantizer.MaxInputCount}, the most whose int8 dot products (K·127²) fit int32", nameof(k));
        if (weights.Length != (long)n * k)
            throw new ArgumentException($"weights length {weights.Length} does not match N×K = {n}×{k} = {(long)n * k}", nameof(weights));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"bias length {bias.Length} does not match N = {n}", nameof(bias));
        foreach (float v in weights)
            if (!float.IsFinite(v)) throw new ArgumentException("weights must be finite to be quantized (found NaN or infinity)", nameof(weights));
        QuantizedPaths.EnsureSupported(path);

        bool panels = path != QuantizedPath.Scalar;
        int panelCount = PackLayout.PanelCount(n), width = panels ? panelCount * PackLayout.PanelWidth : n;
        int kp = RowQuantizer.PaddedLength(k);
        var quantized = new sbyte[(long)n * k];
        var scales = GC.AllocateArray<float>(width, pinned: true);
        for (int j = 0; j < n; j++) scales[j] = RowQuantizer.Quantize(weights.Slice(j * k, k), quantized.AsSpan(j * k, k));

        long packedLength = panels ? (long)width * kp : (long)n * k;
        if (packedLength + Alignment > Array.MaxLength)
            throw new ArgumentException($"packed int8 weights of N×K = {n}×{k} need {packedLength} bytes, more than one array can hold", nameof(weights));
        var packed = GC.AllocateArray<sbyte>((int)packedLength + Alignment, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref packed[0]);
        int offset = (int)((Alignment - address % Alignment) % Alignment);
        Span<sbyte> dest = packed.AsSpan(offset, (int)packedLength);
        if (!panels) quantized.CopyTo(dest);
        else
        {
            for (int j = 0; j < n; j++)
            {
                int p = j / PackLayout.PanelWidth, c = j % PackLayout.PanelWidth;
                for (int kk = 0; kk < k; kk++)
                {
                    int g = kk / RowQuantizer.Group, b = kk % RowQuantizer.Group;
                    dest[p * PackLayout.PanelWidth * kp + g * 64 + c * RowQuantizer.Group + b] = quantized[j * k + kk];
                }
            }
        }

        float[]? packedBias = null;
        if (!bias.IsEmpty)
        {
            packedBias = GC.AllocateArray<float>(width, pinned: true);
            bias.CopyTo(packedBias);
        }
        int[]? start = null;
        if (path == QuantizedPath.AvxVnni)
        {
            start = GC.AllocateArray<int>(width, pinned: true);
            for (int j = 0; j < n; j++)
            {
                int sum = 0;
                for (int kk = 0; kk < k; kk++) sum += quantized[j * k + kk];
                // |sum| ≤ 127·K ≤ 1.7e7 and 128·|sum| ≤ 2.2e9 may wrap: int32 arithmetic modulo 2³² keeps the final sum exact.
                start[j] = unchecked(-RowQuantizer.UnsignedZeroPoint * sum);
            }
        }
        return new QuantizedWeights(packed, offset, (int)packedLength, scales, packedBias, start, quantized, n, k, path);
    }

    public static QuantizedWeights Pack(ReadOnlySpan<float> weights, int n, int k, QuantizedPath path)
        => Pack(weights, n, k, ReadOnlySpan<float>.Empty, path);

    /// <summary>Packs for the fastest int8 path this CPU supports.</summary>
    public static QuantizedWeights Pack(ReadOnlySpan<float> weights, int n, int k, ReadOnlySpan<float> bias = default)
        => Pack(weights, n, k, bias, QuantizedPaths.Best);
}
