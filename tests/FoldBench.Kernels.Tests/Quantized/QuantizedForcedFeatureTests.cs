using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>
/// The int8 tests again in child processes whose runtime (or emulated CPU) lacks the int8 instructions, so the paths for
/// CPUs without them run on this machine too, and the missing path is refused (its tests skip). Each child also runs
/// <see cref="QuantizedSwitchTests.NativeInt8PathsAndSwitchesAreAsRequested"/>, which asserts inside the child that the
/// switch took effect. The fp32 children (<see cref="ForcedFeatureTests"/>, trait Category=Kernel) do not run them: under
/// qemu-user their no-hwintrinsic child, with the int8 tests added, ran past its 10-minute limit on the loaded VM.
/// </summary>
[Trait("Category", "Child")]
public class QuantizedForcedFeatureTests
{
    private static readonly string[] Int8Filter = ["--filter-trait", "Kind=Int8"];
    private const string Prefix = "FoldBench.Kernels.Tests.Quantized.";
    private const string ProbeTest = Prefix + "QuantizedSwitchTests.NativeInt8PathsAndSwitchesAreAsRequested";
    private const string BestTest = Prefix + "QuantizedSwitchTests.BestInt8PathIsExact";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 3 : 15);

    /// <summary><c>DOTNET_EnableAVXVNNI=0</c> (the .NET 10 switch): avxvnni is refused, best is avx2 (the sign-trick path), exact.</summary>
    [Fact]
    public void Int8TestsPassWithoutAvxVnni()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64, "DOTNET_EnableAVXVNNI only applies to x64");
        Assert.SkipUnless(AvxVnni.IsSupported, "this CPU (or the runtime's switches) has no AVX-VNNI: there is nothing to switch off");
        var r = ChildTestRun.Run("no-avxvnni", new Dictionary<string, string> { ["DOTNET_EnableAVXVNNI"] = "0" }, Int8Filter, Timeout);
        AssertChildPassed(r);
        Assert.Equal("skipped", r.Statuses[Prefix + "QuantizedSweepTests.EveryWidth(path: AvxVnni, m: 1)"]);
        Assert.Equal("passed", r.Statuses[Prefix + "QuantizedSweepTests.EveryWidth(path: Avx2, m: 1)"]);
        Assert.Equal("passed", r.Statuses[Prefix + "QuantizedEdgeTests.ExtremeValuesAreExact(path: Avx2)"]);
    }

    /// <summary><c>DOTNET_EnableArm64Dp=0</c>: neondot is refused, best is the plain NEON path, exact.</summary>
    [Fact]
    public void Int8TestsPassWithoutDotProduct()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.Arm64, "DOTNET_EnableArm64Dp only applies to arm64");
        Assert.SkipUnless(Dp.IsSupported, "this CPU (or the runtime's switches) has no dot-product extension: there is nothing to switch off");
        AssertPlainNeon(ChildTestRun.Run("no-dp", new Dictionary<string, string> { ["DOTNET_EnableArm64Dp"] = "0" }, Int8Filter, Timeout));
    }

    /// <summary>
    /// Under qemu-user, the same tests on an emulated Cortex-A72 (ARMv8.0: no DotProd), so the runtime itself finds no
    /// dot-product extension, as on such a core, rather than being told to ignore it.
    /// </summary>
    [Fact]
    public void Int8TestsPassOnAnEmulatedCoreWithoutDotProduct()
    {
        Assert.SkipUnless(QemuUser.IsEmulated, "only under qemu-user, whose QEMU_CPU picks the emulated core");
        AssertPlainNeon(ChildTestRun.Run("qemu-cortex-a72", new Dictionary<string, string> { ["QEMU_CPU"] = "cortex-a72" }, Int8Filter, Timeout));
    }

    private static void AssertPlainNeon(ChildTestRun.Result r)
    {
        AssertChildPassed(r);
        Assert.Equal("skipped", r.Statuses[Prefix + "QuantizedSweepTests.EveryWidth(path: NeonDot, m: 1)"]);
        Assert.Equal("passed", r.Statuses[Prefix + "QuantizedSweepTests.EveryWidth(path: Neon, m: 1)"]);
        Assert.Equal("passed", r.Statuses[Prefix + "QuantizedEdgeTests.AccumulatorsAreExactAtTheOverflowBound(path: Neon)"]);
    }

    private static void AssertChildPassed(ChildTestRun.Result r)
    {
        Assert.True(r.ExitCode == 0 && r.Failed == 0, r.Describe());
        Assert.True(r.Passed > 0, "the child ran no test: " + r.Describe());
        Assert.True(r.Statuses.TryGetValue(ProbeTest, out string? probe) && probe == "passed",
            $"the child's switch probe did not pass (status: {probe ?? "not run"}): " + r.Describe());
        Assert.Equal("passed", r.Statuses[BestTest]);
    }
}
