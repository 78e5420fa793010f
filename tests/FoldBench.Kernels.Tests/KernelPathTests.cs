using FoldBench.Kernels;

namespace FoldBench.Kernels.Tests;

public class KernelPathTests
{
    [Fact]
    public void ScalarIsAlwaysSupported() => Assert.True(KernelPaths.IsSupported(KernelPath.Scalar));

    [Fact]
    public void UnknownPathNameIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelPaths.Parse("sse9"));
        Assert.Contains("unknown kernel path 'sse9'", e.Message);
    }

    [Fact]
    public void NamesRoundTrip()
    {
        Assert.Equal(["scalar", "portable", "avx2", "neon", "avx512"], KernelPaths.All.Select(p => p.Name()));
        foreach (var p in KernelPaths.All) Assert.Equal(p, KernelPaths.Parse(p.Name().ToUpperInvariant()));
        Assert.Equal(KernelPaths.Best, KernelPaths.Parse("best"));
        Assert.Contains(KernelPaths.Best, KernelPaths.Supported);
    }

    /// <summary>x64 lacks neon and arm64 lacks avx2: asking for it is an error, never a fallback.</summary>
    [Fact]
    public void UnsupportedPathIsAnErrorNotAFallback()
    {
        var missing = KernelPaths.All.Where(p => !KernelPaths.IsSupported(p)).ToList();
        Assert.SkipWhen(missing.Count == 0, "this CPU supports every path");
        foreach (var p in missing)
        {
            var e = Assert.Throws<PlatformNotSupportedException>(() => PackedWeights.Pack(new float[4], 2, 2, p));
            Assert.Contains($"kernel path '{p.Name()}' is not supported", e.Message);
        }
    }

    [Fact]
    public void ByteCountsAreTruthful()
    {
        // N = 17, K = 5: 85 weights + 17 biases are the parameters on every path.
        var scalar = PackedWeights.Pack(new float[85], 17, 5, new float[17], KernelPath.Scalar);
        Assert.Equal((85 + 17) * 4, scalar.ParameterBytes);
        Assert.Equal((85 + 17) * 4, scalar.PackedBytes);
        foreach (var p in KernelPaths.Supported.Where(p => p != KernelPath.Scalar))
        {
            // Two 16-wide panels of K = 5 steps, zero-padded, and the bias padded to 32.
            var packed = PackedWeights.Pack(new float[85], 17, 5, new float[17], p);
            Assert.Equal((85 + 17) * 4, packed.ParameterBytes);
            Assert.Equal((2 * 16 * 5 + 32) * 4, packed.PackedBytes);
            Assert.Equal(17, packed.Bias.Length);
        }
        var noBias = PackedWeights.Pack(new float[85], 17, 5, KernelPath.Scalar);
        Assert.False(noBias.HasBias);
        Assert.Equal(85 * 4, noBias.ParameterBytes);
    }

    [Fact]
    public void BiasIsKeptAsGiven()
    {
        float[] bias = [1, 2, 3];
        foreach (var p in KernelPaths.Supported)
            Assert.Equal(bias, PackedWeights.Pack(new float[6], 3, 2, bias, p).Bias.ToArray());
    }
}
