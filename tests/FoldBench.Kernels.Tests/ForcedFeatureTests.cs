using System.Runtime.InteropServices;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>
/// The kernel tests again, in child processes whose runtime has an ISA switched off, so the
/// fallback paths run on this machine too. Each child also runs
/// <see cref="RuntimeSwitchTests.NativePathAndSwitchesAreAsRequested"/>, which asserts inside the
/// child that the switch took effect (e.g. <c>Avx2.IsSupported</c> is false).
/// </summary>
[Trait("Category", "Child")]
public class ForcedFeatureTests
{
    private static readonly string[] KernelFilter = ["--filter-trait", "Category=Kernel"];
    private const string ProbeTest = "FoldBench.Kernels.Tests.RuntimeSwitchTests.NativePathAndSwitchesAreAsRequested";

    /// <summary>Emulated ARM64 runs tens of times slower; allow for it.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 3 : 10);

    [Fact]
    public void KernelTestsPassWithoutAvx2()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64, "DOTNET_EnableAVX2 only applies to x64");
        var r = ChildTestRun.Run("no-avx2", new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" }, KernelFilter, Timeout);
        AssertChildPassed(r);
        // Without AVX2 the avx2 tests must be skipped and the portable ones (now Vector128) must run.
        Assert.Equal("skipped", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.EveryWidth(path: Avx2, m: 1)"]);
        Assert.Equal("passed", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.EveryWidth(path: Portable, m: 1)"]);
    }

    [Fact]
    public void KernelTestsPassWithoutHardwareIntrinsics()
    {
        var arch = RuntimeInformation.ProcessArchitecture;
        Assert.SkipUnless(arch is Architecture.X64 or Architecture.Arm64, "DOTNET_EnableHWIntrinsic is tested on x64 and arm64");
        var r = ChildTestRun.Run("no-hwintrinsic", new Dictionary<string, string> { ["DOTNET_EnableHWIntrinsic"] = "0" }, KernelFilter, Timeout);
        AssertChildPassed(r);
        // Only the scalar path is left.
        Assert.Equal("skipped", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.EveryWidth(path: Portable, m: 1)"]);
        Assert.Equal("passed", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.EveryWidth(path: Scalar, m: 1)"]);
    }

    private static void AssertChildPassed(ChildTestRun.Result r)
    {
        Assert.True(r.ExitCode == 0 && r.Failed == 0, r.Describe());
        Assert.True(r.Passed > 0, "the child ran no test: " + r.Describe());
        Assert.True(r.Statuses.TryGetValue(ProbeTest, out string? probe) && probe == "passed",
            $"the child's switch probe did not pass (status: {probe ?? "not run"}): " + r.Describe());
    }
}
