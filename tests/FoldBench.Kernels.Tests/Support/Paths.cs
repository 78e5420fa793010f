namespace FoldBench.Kernels.Tests.Support;

/// <summary>Theory data over kernel paths, and the skip for paths this CPU lacks.</summary>
internal static class Paths
{
    /// <summary>Every path, supported or not: unsupported ones show up as skipped, never silently absent.</summary>
    public static IEnumerable<KernelPath> All => KernelPaths.All;

    public static void SkipUnlessSupported(KernelPath path)
        => Assert.SkipUnless(KernelPaths.IsSupported(path), $"the {path.Name()} path is not supported on this CPU/runtime");

    public static TheoryData<KernelPath, int> Cross(IEnumerable<int> values)
    {
        var data = new TheoryData<KernelPath, int>();
        foreach (var p in All)
            foreach (int v in values) data.Add(p, v);
        return data;
    }
}
