using System.Runtime.Intrinsics.X86;

namespace FoldBench.Platform.Topology;

/// <summary>
/// The core type of the CPU the calling thread runs on, from CPUID: leaf 7 EDX bit 15 says the processor is hybrid,
/// and leaf 0x1A EAX bits 31..24 give this core's type (0x40 Core, a P-core; 0x20 Atom, an E-core). It answers for
/// the current CPU only, so it confirms a pinned thread's core; hypervisors often hide it.
/// </summary>
public static class HybridCpuId
{
    /// <summary>"core", "atom", or null when not x86, not hybrid, or not said.</summary>
    public static string? CurrentCoreType()
    {
        if (!X86Base.IsSupported) return null;
        uint maxLeaf = (uint)X86Base.CpuId(0, 0).Eax;
        if (maxLeaf < 0x1A) return null;
        bool hybrid = ((uint)X86Base.CpuId(7, 0).Edx & (1u << 15)) != 0;
        return hybrid ? Decode((uint)X86Base.CpuId(0x1A, 0).Eax) : null;
    }

    /// <summary>The core type in a leaf-0x1A EAX value.</summary>
    public static string? Decode(uint eax) => (eax >> 24) switch
    {
        0x40 => "core",
        0x20 => "atom",
        _ => null,
    };
}
