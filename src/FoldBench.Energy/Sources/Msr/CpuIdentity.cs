using System.Globalization;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Msr;

/// <summary>Vendor, family and model from /proc/cpuinfo (under the configured root): they decide the MSR layout and units.</summary>
public sealed record CpuIdentity(string Vendor, int Family, int Model)
{
    public bool IsIntel => Vendor == "GenuineIntel";
    public bool IsAmd => Vendor is "AuthenticAMD" or "HygonGenuine";

    /// <summary>
    /// Intel server parts whose DRAM domain counts in a fixed 15.3 µJ unit whatever MSR 0x606 says: Haswell-EP and
    /// Broadwell-EP (and the later Xeon-SP and Xeon Phi parts the kernel treats the same way).
    /// </summary>
    public bool HasFixedDramUnit => IsIntel && Family == 6 && Model is
        0x3F /* Haswell-EP */ or 0x4F /* Broadwell-EP */ or 0x56 /* Broadwell-DE */ or 0x55 /* Skylake/Cascade Lake-SP */ or
        0x6A or 0x6C /* Ice Lake-SP */ or 0x8F /* Sapphire Rapids */ or 0xCF /* Emerald Rapids */ or 0x57 or 0x85 /* Xeon Phi */;

    /// <summary>
    /// Silvermont and Airmont Atoms (Bay Trail 0x37, Merrifield 0x4A, Cherry Trail 0x4C, Moorefield 0x5A), whose energy
    /// status unit counts 2^ESU µJ instead of 2^-ESU J: the models the kernel checks with rapl_check_unit_atom.
    /// </summary>
    public bool HasAtomEnergyUnit => IsIntel && Family == 6 && Model is 0x37 or 0x4A or 0x4C or 0x5A;

    public static CpuIdentity? Read(string sysfsRoot)
    {
        string? text = SysText.TryReadAll(SysText.UnderRoot(sysfsRoot, "/proc/cpuinfo"));
        if (text is null) return null;
        string? vendor = null;
        int? family = null, model = null;
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (key == "vendor_id") vendor ??= value;
            else if (key == "cpu family" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int f)) family ??= f;
            else if (key == "model" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int m)) model ??= m;
            if (key.Length == 0 && vendor is not null) break; // end of the first processor block
        }
        return vendor is null ? null : new CpuIdentity(vendor, family ?? 0, model ?? 0);
    }
}
