using System.Runtime.InteropServices;

namespace FoldBench.Platform.Emulation;

/// <summary>
/// User-mode emulation on Linux (qemu-user, FEX, box64): the process's instruction set is not the kernel's.
/// qemu-user answers <c>uname</c> and rewrites /proc/self/auxv (AT_PLATFORM, AT_HWCAP), /proc/self/maps and
/// /proc/self/exe with the guest's view, so those cannot tell. What it passes through from the host kernel
/// is read instead: /proc/sys/kernel/arch (the kernel's machine, Linux 6.1 and later), else the CPU that
/// /proc/cpuinfo describes. The emulator's name comes from the enabled binfmt_misc entry that matches the
/// process's own executable (the kernel started the process through that entry's interpreter).
/// Every path is under a root given as a parameter, so tests run on fixture trees laid out as /proc is.
/// </summary>
public static class LinuxEmulation
{
    /// <summary>Bytes of the executable's start compared with binfmt_misc magics (ELF's e_machine sits at byte 18).</summary>
    private const int HeadBytes = 128;

    public static EmulationStatus Detect(Architecture process, string procRoot, string? executable)
    {
        string processName = process.ToString().ToLowerInvariant();
        var kernel = KernelMachine(procRoot);
        if (kernel is null)
            return EmulationStatus.Native($"not determined: neither {procRoot}/sys/kernel/arch nor {procRoot}/cpuinfo names the kernel's architecture");
        var (family, description) = kernel.Value;
        string? processFamily = ArchitectureFamily.Of(process);
        if (processFamily is null || processFamily == family)
            return EmulationStatus.Native($"native: the process is {processName} and the kernel runs on {description}");

        var entry = executable is null ? null : MatchingBinfmt(procRoot, executable);
        string emulator = entry is null ? "user-mode emulator" : EmulatorName(entry.Interpreter);
        string how = entry is null
            ? "no enabled binfmt_misc entry matches the executable (an emulator started it directly)"
            : $"binfmt_misc entry '{entry.Name}' hands this executable to {entry.Interpreter}";
        return new EmulationStatus(true, emulator, $"the process is {processName} but the kernel runs on {description}; {how}");
    }

    /// <summary>The kernel's architecture family and where it was read, or null when nothing says.</summary>
    internal static (string Family, string Description)? KernelMachine(string procRoot)
    {
        string arch = Path.Combine(procRoot, "sys", "kernel", "arch");
        if (ReadText(arch)?.Trim() is { Length: > 0 } machine && ArchitectureFamily.OfMachine(machine) is { } f)
            return (f, $"{machine} ({procRoot}/sys/kernel/arch)");
        string cpuinfo = Path.Combine(procRoot, "cpuinfo");
        if (ReadText(cpuinfo) is not { } text) return null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        // x86 kernels list the vendor string and "flags"; s390 also says vendor_id, but never one of these.
        if (fields.TryGetValue("vendor_id", out var vendor) && fields.ContainsKey("flags") &&
            vendor is "GenuineIntel" or "AuthenticAMD" or "HygonGenuine" or "CentaurHauls" or "Shanghai" or "GenuineIotel")
            return (ArchitectureFamily.X86, $"an x86 CPU (vendor_id {vendor} in {procRoot}/cpuinfo)");
        if (fields.TryGetValue("CPU implementer", out var implementer))
            return (ArchitectureFamily.Arm, $"an ARM CPU (CPU implementer {implementer} in {procRoot}/cpuinfo)");
        return null;
    }

    /// <summary>The enabled binfmt_misc entry whose magic matches the executable's first bytes, if any.</summary>
    internal static BinfmtEntry? MatchingBinfmt(string procRoot, string executable)
    {
        string dir = Path.Combine(procRoot, "sys", "fs", "binfmt_misc");
        byte[]? head = ReadHead(executable);
        if (head is null || !Directory.Exists(dir)) return null;
        string[] files;
        try { files = Directory.GetFiles(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (name is "register" or "status") continue;
            if (ReadText(file) is { } text && BinfmtEntry.Parse(name, text) is { Enabled: true } entry && entry.Matches(head))
                return entry;
        }
        return null;
    }

    /// <summary>"qemu-user" for any qemu interpreter (qemu-aarch64-static, /usr/libexec/qemu-binfmt/aarch64-binfmt-P), else the interpreter's file name.</summary>
    internal static string EmulatorName(string interpreter)
    {
        string file = Path.GetFileName(interpreter);
        if (interpreter.Contains("qemu", StringComparison.OrdinalIgnoreCase)) return "qemu-user";
        if (file.StartsWith("FEX", StringComparison.OrdinalIgnoreCase)) return "fex-emu";
        return file.Length > 0 ? file : interpreter;
    }

    private static string? ReadText(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static byte[]? ReadHead(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            var buffer = new byte[HeadBytes];
            int n = f.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..n];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
