using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Kernels.Tests;

public class PrecisionTests
{
    [Fact]
    public void NamesRoundTripAndUnknownIsAClearError()
    {
        Assert.Equal(["fp32", "int8"], Precisions.All.Select(p => p.Name()));
        foreach (var p in Precisions.All) Assert.Equal(p, Precisions.Parse(p.Name().ToUpperInvariant()));
        var e = Assert.Throws<ArgumentException>(() => Precisions.Parse("fp16"));
        Assert.Contains("unknown precision 'fp16'", e.Message);
    }

    [Fact]
    public void WeightBytesAreTheStoredWidth()
    {
        Assert.Equal(4, Precision.Fp32.WeightBytes());
        Assert.Equal(1, Precision.Int8.WeightBytes());
    }

    /// <summary>Each fp32 path's int8 counterpart is the same ISA family; portable has none.</summary>
    [Fact]
    public void Int8CounterpartStaysInTheIsaFamily()
    {
        Assert.Equal(QuantizedPath.Scalar, Precisions.Int8Counterpart(KernelPath.Scalar));
        Assert.Equal(QuantizedPath.Avx2, Precisions.Int8Counterpart(KernelPath.Avx2));
        Assert.Null(Precisions.Int8Counterpart(KernelPath.Portable));
        Assert.Contains(Precisions.Int8Counterpart(KernelPath.Avx512), new QuantizedPath?[] { QuantizedPath.AvxVnni, QuantizedPath.Avx2 });
        Assert.Contains(Precisions.Int8Counterpart(KernelPath.Neon), new QuantizedPath?[] { QuantizedPath.NeonDot, QuantizedPath.Neon });
        // Where the fp32 path runs, its counterpart runs too (AVX-512F implies AVX2; Dp falls back to plain NEON).
        foreach (var p in KernelPaths.Supported)
            if (Precisions.Int8Counterpart(p) is { } q) Assert.True(QuantizedPaths.IsSupported(q), $"{p.Name()} -> {q.Name()}");
    }
}
