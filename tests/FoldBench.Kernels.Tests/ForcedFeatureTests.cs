using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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
    private const string BestTest = "FoldBench.Kernels.Tests.RuntimeSwitchTests.BestPathIsExact";

    /// <summary>Emulated ARM64 runs tens of times slower; allow for it.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 3 : 10);

    /// <summary>
    /// <c>DOTNET_EnableAVX512=0</c> (the .NET 10 switch; <c>EnableAVX512F</c> no longer exists):
    /// the child must refuse avx512 (its tests skip) and best must be avx2, still exact.
    /// </summary>
    [Fact]
    public void KernelTestsPassWithoutAvx512()
    {
        SkipUnlessAvx512();
        var r = ChildTestRun.Run("no-avx512", new Dictionary<string, string> { ["DOTNET_EnableAVX512"] = "0" }, KernelFilter, Timeout);
        AssertChildPassed(r);
        Assert.Equal("skipped", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.EveryWidth(path: Avx512, m: 1)"]);
        Assert.Equal("passed", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.ExactArithmetic(path: Avx2, m: 1)"]);
        Assert.Equal("passed", r.Statuses[BestTest]);
    }

    /// <summary>
    /// <c>DOTNET_PreferredVectorBitWidth=256</c>: Avx512F stays supported but Vector512 is not
    /// accelerated, so best is avx2 (asserted in the child) while an explicit avx512 still runs.
    /// </summary>
    [Fact]
    public void KernelTestsPassWith256BitVectorsPreferred()
    {
        SkipUnlessAvx512();
        var r = ChildTestRun.Run("vector256", new Dictionary<string, string> { ["DOTNET_PreferredVectorBitWidth"] = "256" }, KernelFilter, Timeout);
        AssertChildPassed(r);
        Assert.Equal("passed", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.ExactArithmetic(path: Avx512, m: 1)"]);
        Assert.Equal("passed", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.ExactArithmetic(path: Avx2, m: 1)"]);
        Assert.Equal("passed", r.Statuses[BestTest]);
    }

    [Fact]
    public void KernelTestsPassWithoutAvx2()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64, "DOTNET_EnableAVX2 only applies to x64");
        var r = ChildTestRun.Run("no-avx2", new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" }, KernelFilter, Timeout);
        AssertChildPassed(r);
        // Without AVX2 the avx2 and avx512 tests must be skipped and the portable ones (now Vector128) must run.
        Assert.Equal("skipped", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.EveryWidth(path: Avx2, m: 1)"]);
        Assert.Equal("skipped", r.Statuses["FoldBench.Kernels.Tests.KernelSweepTests.EveryWidth(path: Avx512, m: 1)"]);
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

    private static void SkipUnlessAvx512()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64, "DOTNET_EnableAVX512 only applies to x64");
        Assert.SkipUnless(Avx512F.IsSupported, "this CPU (or the runtime's switches) has no AVX-512F: there is nothing to switch off");
    }

    private static void AssertChildPassed(ChildTestRun.Result r)
    {
        Assert.True(r.ExitCode == 0 && r.Failed == 0, r.Describe());
        Assert.True(r.Passed > 0, "the child ran no test: " + r.Describe());
        Assert.True(r.Statuses.TryGetValue(ProbeTest, out string? probe) && probe == "passed",
            $"the child's switch probe did not pass (status: {probe ?? "not run"}): " + r.Describe());
    }
}
