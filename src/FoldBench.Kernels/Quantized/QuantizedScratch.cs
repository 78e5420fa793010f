using System.Runtime.CompilerServices;

namespace FoldBench.Kernels.Quantized;

/// <summary>
/// The caller-owned working memory of <see cref="QuantizedLinear"/>: the quantized rows of X (padded to whole groups of
/// 4, 64-byte aligned) and one scale per row. Made once for the largest M and the weights' K; no call allocates.
/// Not thread-safe: one scratch per concurrent caller.
/// </summary>
public sealed unsafe class QuantizedScratch
{
    private const int Alignment = 64;
    private readonly byte[] _rows;
    private readonly int _offset;
    private readonly float[] _scales;

    public QuantizedScratch(int maxRows, int inputCount)
    {
        if (maxRows <= 0) throw new ArgumentException($"row capacity must be positive, got {maxRows}", nameof(maxRows));
        if (inputCount <= 0) throw new ArgumentException($"input count K must be positive, got {inputCount}", nameof(inputCount));
        MaxRows = maxRows;
        InputCount = inputCount;
        PaddedInputCount = RowQuantizer.PaddedLength(inputCount);
        long bytes = (long)maxRows * PaddedInputCount + Alignment;
        if (bytes > Array.MaxLength)
            throw new ArgumentException($"a scratch of {maxRows} rows × {PaddedInputCount} bytes is more than one array can hold", nameof(maxRows));
        _rows = GC.AllocateUninitializedArray<byte>((int)bytes, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _rows[0]);
        _offset = (int)((Alignment - address % Alignment) % Alignment);
        _scales = GC.AllocateArray<float>(maxRows, pinned: true);
    }

    /// <summary>Scratch for up to <paramref name="maxRows"/> rows of the weights' K.</summary>
    public static QuantizedScratch For(QuantizedWeights weights, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new QuantizedScratch(maxRows, weights.InputCount);
    }

    /// <summary>Most rows (M) one call may project with this scratch.</summary>
    public int MaxRows { get; }

    /// <summary>K of the weights this scratch serves.</summary>
    public int InputCount { get; }

    /// <summary>K rounded up to whole groups of 4: the row stride of the quantized rows.</summary>
    public int PaddedInputCount { get; }

    internal byte* Rows => (byte*)Unsafe.AsPointer(ref _rows[_offset]);

    internal float* Scales => (float*)Unsafe.AsPointer(ref _scales[0]);

    /// <summary>The scale of quantized row <paramref name="i"/> after the last call (for tests and diagnostics).</summary>
    public float RowScale(int i) => _scales[i];

    internal void KeepAlive()
    {
        GC.KeepAlive(_rows);
        GC.KeepAlive(_scales);
    }
}
