using System.Runtime.InteropServices;

namespace FoldBench.Platform.Emulation;

/// <summary>
/// Instruction-set families: a process of one family on a CPU of another is translated or emulated, while a
/// 32-bit process on its 64-bit sibling (x86 on x64, arm on arm64) runs natively and is not.
/// </summary>
internal static class ArchitectureFamily
{
    public const string X86 = "x86", Arm = "arm", RiscV = "riscv", Power = "powerpc", S390 = "s390", LoongArch = "loongarch";

    public static string? Of(Architecture a) => a switch
    {
        Architecture.X64 or Architecture.X86 => X86,
        Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 => Arm,
        Architecture.RiscV64 => RiscV,
        Architecture.Ppc64le => Power,
        Architecture.S390x => S390,
        Architecture.LoongArch64 => LoongArch,
        _ => null,
    };

    /// <summary>The family of a kernel machine name as <c>uname -m</c> and /proc/sys/kernel/arch spell it.</summary>
    public static string? OfMachine(string machine)
    {
        string m = machine.Trim().ToLowerInvariant();
        if (m is "x86_64" or "amd64" or "i386" or "i486" or "i586" or "i686" or "x86") return X86;
        if (m is "aarch64" or "arm64" or "aarch64_be" || m.StartsWith("armv", StringComparison.Ordinal) || m == "arm") return Arm;
        if (m.StartsWith("riscv", StringComparison.Ordinal)) return RiscV;
        if (m.StartsWith("ppc", StringComparison.Ordinal)) return Power;
        if (m.StartsWith("s390", StringComparison.Ordinal)) return S390;
        if (m.StartsWith("loongarch", StringComparison.Ordinal)) return LoongArch;
        return null;
    }
}
