namespace FoldBench.Energy.Sources.Msr;

/// <summary>RAPL model-specific registers (Intel SDM vol. 4; AMD PPR for family 17h and later).</summary>
public static class MsrRegisters
{
    public const uint IntelPowerUnit = 0x606;       // bits 12:8 = energy status unit (ESU): one count = 2^-ESU J
    public const uint IntelPackageEnergy = 0x611;   // PKG_ENERGY_STATUS
    public const uint IntelDramEnergy = 0x619;      // DRAM_ENERGY_STATUS
    public const uint IntelPp0Energy = 0x639;       // PP0 (cores)
    public const uint IntelPp1Energy = 0x641;       // PP1 (uncore / integrated graphics, client parts)
    public const uint AmdPowerUnit = 0xC0010299;    // same layout: bits 12:8 = ESU
    public const uint AmdCoreEnergy = 0xC001029A;   // per core
    public const uint AmdPackageEnergy = 0xC001029B;

    /// <summary>The fixed DRAM unit of Haswell-EP/Broadwell-EP class servers.</summary>
    public const double FixedDramUnitJoules = 15.3e-6;

    /// <summary>Joules per count from a power-unit register: 2^-ESU, ESU in bits 12:8.</summary>
    public static double EnergyUnitJoules(ulong powerUnit) => Math.Pow(0.5, EnergyStatusUnit(powerUnit));

    /// <summary>
    /// Joules per count for <paramref name="cpu"/>: Silvermont and Airmont Atoms read the same field the other way
    /// round, 2^ESU µJ (the kernel's rapl_check_unit_atom); every other part 2^-ESU J.
    /// </summary>
    public static double EnergyUnitJoules(ulong powerUnit, CpuIdentity cpu) =>
        cpu.HasAtomEnergyUnit ? Math.Pow(2, EnergyStatusUnit(powerUnit)) * 1e-6 : EnergyUnitJoules(powerUnit);

    /// <summary>"2^-14 J" or, on the Atoms above, "2^5 µJ": the unit as the register encodes it.</summary>
    public static string DescribeUnit(ulong powerUnit, CpuIdentity cpu) =>
        cpu.HasAtomEnergyUnit ? $"2^{EnergyStatusUnit(powerUnit)} µJ" : $"2^-{EnergyStatusUnit(powerUnit)} J";

    /// <summary>The energy status unit field, bits 12:8.</summary>
    public static int EnergyStatusUnit(ulong powerUnit) => (int)((powerUnit >> 8) & 0x1F);

    /// <summary>The energy counters are the low 32 bits of their registers, and wrap there.</summary>
    public const ulong CounterRange = 1UL << 32;
}
