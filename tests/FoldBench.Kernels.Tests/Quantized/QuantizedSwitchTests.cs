using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FoldBench.Kernels.Quantized;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>
/// Runs in the normal test run and inside every forced-feature child (int8 ones included): there it proves the
/// parent's switch took effect for the int8 paths; in the normal run it proves the CPU's native int8 paths are
/// supported where the operating system reports it (x64: /proc/cpuinfo; arm64 under qemu-user: the emulated max CPU has
/// DotProd), so a skipped avxvnni or neondot test cannot hide a broken support check.
/// </summary>
[Trait("Kind", "Int8")]
public class QuantizedSwitchTests
{
    [Fact]
    public void NativeInt8PathsAndSwitchesAreAsRequested()
    {
        string expect = RuntimeSwitchTests.Expectation;
        bool noHw = expect == "no-hwintrinsic";
        switch (RuntimeInformation.ProcessArchitecture)
        {
            case Architecture.X64:
            {
                bool noAvx2 = noHw || expect == "no-avx2", noVnni = noAvx2 || expect == "no-avxvnni";
                Assert.Equal(!noAvx2, QuantizedPaths.IsSupported(QuantizedPath.Avx2));
                if (noVnni) Assert.False(AvxVnni.IsSupported);
                else if (CpuFlags.Has("avx_vnni") is bool has) Assert.Equal(has, AvxVnni.IsSupported);
                Assert.Equal(AvxVnni.IsSupported, QuantizedPaths.IsSupported(QuantizedPath.AvxVnni));
                Assert.Equal(AvxVnni.IsSupported ? QuantizedPath.AvxVnni : noAvx2 ? QuantizedPath.Scalar : QuantizedPath.Avx2, QuantizedPaths.Best);
                Assert.False(QuantizedPaths.IsSupported(QuantizedPath.Neon));
                Assert.False(QuantizedPaths.IsSupported(QuantizedPath.NeonDot));
                break;
            }
            case Architecture.Arm64:
            {
                bool noDp = noHw || expect is "no-dp" or "qemu-cortex-a72";
                Assert.Equal(!noHw, QuantizedPaths.IsSupported(QuantizedPath.Neon));
                if (noDp) Assert.False(Dp.IsSupported);
                // qemu-user's default CPU ("max") has the dot-product extension: under emulation it must be seen. (No
                // /proc/cpuinfo check here: ARM64 Linux lists "Features", not "flags", and under qemu-user the file is
                // the x64 host's.)
                else if (QemuUser.IsEmulated) Assert.True(Dp.IsSupported, "qemu's max CPU has DotProd but the runtime does not see it");
                Assert.Equal(!noHw && Dp.IsSupported, QuantizedPaths.IsSupported(QuantizedPath.NeonDot));
                Assert.Equal(noHw ? QuantizedPath.Scalar : Dp.IsSupported ? QuantizedPath.NeonDot : QuantizedPath.Neon, QuantizedPaths.Best);
                Assert.False(QuantizedPaths.IsSupported(QuantizedPath.Avx2));
                Assert.False(QuantizedPaths.IsSupported(QuantizedPath.AvxVnni));
                break;
            }
            default:
                Assert.Skip($"no hand-written int8 path for {RuntimeInformation.ProcessArchitecture}");
                break;
        }
    }

    /// <summary>The best int8 path (whatever the switches made it) is exact against the reference.</summary>
    [Fact]
    public void BestInt8PathIsExact()
    {
        foreach (var (k, n) in new[] { (1, 1), (13, 33), (37, 45), (128, 100) })
        {
            var c = new QuantizedCase(QuantizedPaths.Best, k, n);
            foreach (int m in new[] { 1, 4, 13, 16 }) c.Check(m, accumulate: m % 2 == 0);
        }
    }
}

/// <summary>Whether this ARM64 process runs under qemu-user on another architecture.</summary>
internal static class QemuUser
{
    /// <summary>
    /// An ARM64 process on a machine whose kernel has qemu-aarch64 registered with binfmt_misc runs through qemu-user
    /// (a native ARM64 machine has no reason to register an emulator for its own architecture).
    /// </summary>
    public static bool IsEmulated =>
        RuntimeInformation.ProcessArchitecture == Architecture.Arm64 && File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64");
}
