using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>
/// Runs in the normal test run and again inside every forced-feature child: there it proves the
/// parent's switch really took effect; in the normal run it proves the architecture's native path
/// is supported, so a skipped avx2, avx512 or neon test cannot hide a broken dispatch.
/// </summary>
[Trait("Category", "Kernel")]
public class RuntimeSwitchTests
{
    /// <summary>
    /// What the parent asked for: "" (nothing), "no-avx512" (DOTNET_EnableAVX512=0), "vector256"
    /// (DOTNET_PreferredVectorBitWidth=256), "no-avx2" or "no-hwintrinsic".
    /// </summary>
    internal static string Expectation => Environment.GetEnvironmentVariable(ChildTestRun.ExpectVariable) ?? "";

    [Fact]
    public void NativePathAndSwitchesAreAsRequested()
    {
        string expect = Expectation;
        bool noHw = expect == "no-hwintrinsic", noAvx2 = expect == "no-avx2" || noHw;
        bool noAvx512 = expect == "no-avx512" || noAvx2, narrow = expect == "vector256";
        switch (RuntimeInformation.ProcessArchitecture)
        {
            case Architecture.X64:
                Assert.Equal(!noAvx2, Avx2.IsSupported);
                Assert.Equal(!noAvx2, KernelPaths.IsSupported(KernelPath.Avx2));
                Assert.Equal(!noHw, Vector128.IsHardwareAccelerated);
                // AVX-512: the children are only started where the parent has it; natively, the
                // kernel's own CPU flags (Linux) say whether the runtime must see it.
                if (noAvx512) Assert.False(Avx512F.IsSupported);
                else if (narrow) Assert.True(Avx512F.IsSupported);
                else if (CpuFlags.Has("avx512f") is bool has) Assert.Equal(has, Avx512F.IsSupported);
                Assert.Equal(Avx512F.IsSupported, KernelPaths.IsSupported(KernelPath.Avx512));
                // 256-bit preference: Avx512F stays, 512-bit vectors are not accelerated, best is avx2.
                if (narrow || noAvx512) Assert.False(Vector512.IsHardwareAccelerated);
                bool wide = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;
                Assert.Equal(wide ? KernelPath.Avx512 : noAvx2 ? (noHw ? KernelPath.Scalar : KernelPath.Portable) : KernelPath.Avx2,
                    KernelPaths.Best);
                Assert.False(KernelPaths.IsSupported(KernelPath.Neon));
                break;
            case Architecture.Arm64:
                Assert.Equal(!noHw, AdvSimd.Arm64.IsSupported);
                Assert.Equal(!noHw, KernelPaths.IsSupported(KernelPath.Neon));
                Assert.Equal(noHw ? KernelPath.Scalar : KernelPath.Neon, KernelPaths.Best);
                Assert.False(KernelPaths.IsSupported(KernelPath.Avx2));
                Assert.False(KernelPaths.IsSupported(KernelPath.Avx512));
                break;
            default:
                Assert.Skip($"no hand-written path for {RuntimeInformation.ProcessArchitecture}");
                break;
        }
    }

    /// <summary>The best path (whatever the switches made it) is exact, like every named path.</summary>
    [Fact]
    public void BestPathIsExact()
    {
        foreach (var (k, n) in new[] { (1, 1), (13, 33), (37, 45), (128, 100) })
        {
            var c = new ProjectionCase(KernelPaths.Best, k, n, exact: true);
            foreach (int m in new[] { 1, 4, 13, 16 }) c.Check(m, accumulate: m % 2 == 0);
        }
    }
}
