using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ArmIsa = System.Runtime.Intrinsics.Arm;
using X86Isa = System.Runtime.Intrinsics.X86;

namespace FoldBench.Platform;

/// <summary>
/// What the OS and the runtime say about this machine: the CPU's name and identity, the ISA the JIT may use,
/// whether it runs under emulation. FoldBench.Results turns these facts into the results' machine
/// description (<c>MachineInfo.Describe</c>); the energy library adds the energy sources.
/// </summary>
public static class MachineProbe
{
    /// <summary>"x64", "arm64", …</summary>
    public static string ArchitectureName => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    public static List<string> IsaFeatures()
    {
        var f = new List<string>();
        if (X86Isa.Sse2.IsSupported) f.Add("sse2");
        if (X86Isa.Sse41.IsSupported) f.Add("sse4.1");
        if (X86Isa.Avx.IsSupported) f.Add("avx");
        if (X86Isa.Avx2.IsSupported) f.Add("avx2");
        if (X86Isa.Fma.IsSupported) f.Add("fma");
        if (X86Isa.Avx512F.IsSupported) f.Add("avx512f");
        if (ArmIsa.AdvSimd.IsSupported) f.Add("advsimd");
        if (ArmIsa.AdvSimd.Arm64.IsSupported) f.Add("advsimd-arm64");
        if (ArmIsa.Dp.IsSupported) f.Add("dotprod");
        if (Vector128.IsHardwareAccelerated) f.Add("vector128");
        if (Vector256.IsHardwareAccelerated) f.Add("vector256");
        return f;
    }

    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    // x86 says "model name", many ARM kernels only "Hardware" or "CPU part".
                    if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Hardware", StringComparison.Ordinal))
                        return line[(line.IndexOf(':') + 1)..].Trim();
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>Vendor, family, model and stepping (x86) or implementer, part and variant (ARM), from /proc/cpuinfo.</summary>
    public static string? CpuId()
    {
        try
        {
            return File.Exists("/proc/cpuinfo") ? CpuIdFromCpuInfo(File.ReadLines("/proc/cpuinfo")) : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The identity of the first processor listed in a /proc/cpuinfo text.</summary>
    public static string? CpuIdFromCpuInfo(IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.Length == 0 && fields.Count > 0) break; // the first processor's block ends
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        if (fields.TryGetValue("vendor_id", out var vendor) && fields.TryGetValue("cpu family", out var family) && fields.TryGetValue("model", out var model))
            return $"{vendor} family {family} model {model}" + (fields.TryGetValue("stepping", out var stepping) ? $" stepping {stepping}" : "");
        if (fields.TryGetValue("CPU implementer", out var implementer) && fields.TryGetValue("CPU part", out var part))
            return $"arm implementer {implementer} part {part}" + (fields.TryGetValue("CPU variant", out var variant) ? $" variant {variant}" : "");
        return null;
    }

    /// <summary>Whether this process runs emulated (qemu-user, Rosetta 2, Windows on ARM): see <see cref="Emulation.EmulationProbe"/>.</summary>
    public static bool IsEmulated() => Emulation.EmulationProbe.Detect().Emulated;

    /// <summary>
    /// A name that is one folder under results/: letters, digits, '-', '_' and '.', anything else '-'. A name of
    /// dots only ("..", from `--machine ../x` say) would climb out of results/, so it becomes "machine" like an empty one.
    /// </summary>
    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        var s = new string(chars).Trim('-');
        return s.Length == 0 || s.All(c => c == '.') ? "machine" : s;
    }
}
