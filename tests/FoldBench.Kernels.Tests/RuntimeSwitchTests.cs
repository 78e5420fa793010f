using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>
/// Runs in the normal test run and again inside every forced-feature child: there it proves the
/// parent's switch really took effect; in the normal run it proves the architecture's native path
/// is supported, so a skipped avx2 or neon test cannot hide a broken dispatch.
/// </summary>
[Trait("Category", "Kernel")]
public class RuntimeSwitchTests
{
    /// <summary>What the parent asked for ("", "no-avx2" or "no-hwintrinsic").</summary>
    internal static string Expectation => Environment.GetEnvironmentVariable(ChildTestRun.ExpectVariable) ?? "";

    [Fact]
    public void NativePathAndSwitchesAreAsRequested()
    {
        string expect = Expectation;
        bool noHw = expect == "no-hwintrinsic", noAvx2 = expect == "no-avx2" || noHw;
        switch (RuntimeInformation.ProcessArchitecture)
        {
            case Architecture.X64:
                Assert.Equal(!noAvx2, Avx2.IsSupported);
                Assert.Equal(!noAvx2, KernelPaths.IsSupported(KernelPath.Avx2));
                Assert.Equal(!noHw, Vector128.IsHardwareAccelerated);
                Assert.Equal(noAvx2 ? (noHw ? KernelPath.Scalar : KernelPath.Portable) : KernelPath.Avx2, KernelPaths.Best);
                Assert.False(KernelPaths.IsSupported(KernelPath.Neon));
                break;
            case Architecture.Arm64:
                Assert.Equal(!noHw, AdvSimd.Arm64.IsSupported);
                Assert.Equal(!noHw, KernelPaths.IsSupported(KernelPath.Neon));
                Assert.Equal(noHw ? KernelPath.Scalar : KernelPath.Neon, KernelPaths.Best);
                Assert.False(KernelPaths.IsSupported(KernelPath.Avx2));
                break;
            default:
                Assert.Skip($"no hand-written path for {RuntimeInformation.ProcessArchitecture}");
                break;
        }
    }
}
