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
}
