using System.Runtime.InteropServices;

namespace FoldBench.Energy.IO;

/// <summary>
/// Facts about the host that explain why a counter is absent: a hypervisor or a container never passes
/// RAPL through, and root reads files whatever their mode.
/// </summary>
public static partial class HostFacts
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    /// <summary>True when the process runs as root (euid 0) on Unix; always false on Windows.</summary>
    public static bool IsRoot()
    {
        if (OperatingSystem.IsWindows()) return false;
        try { return GetEuid() == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    /// <summary>"a virtual machine (…)", "a container (…)", both joined with "and", or null — read under the configured root.</summary>
    public static string? Virtualization(string root)
    {
        var parts = new List<string>();
        string? cpuinfo = SysText.TryReadAll(SysText.UnderRoot(root, "/proc/cpuinfo"));
        string? vendor = SysText.TryReadAll(SysText.UnderRoot(root, "/sys/class/dmi/id/sys_vendor"))?.Trim();
        string? product = SysText.TryReadAll(SysText.UnderRoot(root, "/sys/class/dmi/id/product_name"))?.Trim();
        string[] vmVendors = ["QEMU", "KVM", "VMware", "VirtualBox", "innotek", "Xen", "Microsoft Corporation", "Amazon EC2", "Google", "Parallels", "Bochs"];
        string? dmi = vmVendors.FirstOrDefault(v =>
            (vendor?.Contains(v, StringComparison.OrdinalIgnoreCase) ?? false) ||
            (product?.Contains(v, StringComparison.OrdinalIgnoreCase) ?? false));
        if (dmi is not null && !(dmi == "Microsoft Corporation" && !(product ?? "").Contains("Virtual", StringComparison.OrdinalIgnoreCase)))
            parts.Add($"virtual machine (DMI vendor '{vendor}', product '{product}')");
        else if (cpuinfo is not null && cpuinfo.Split('\n').Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(" hypervisor")))
            parts.Add("virtual machine (the 'hypervisor' CPU flag is set)");
        if (File.Exists(SysText.UnderRoot(root, "/.dockerenv")))
            parts.Add("container (/.dockerenv)");
        else if (File.Exists(SysText.UnderRoot(root, "/run/.containerenv")))
            parts.Add("container (/run/.containerenv)");
        return parts.Count == 0 ? null : string.Join(" and ", parts.Select(p => "a " + p));
    }

    /// <summary>" — this host is a …: hypervisors and containers do not expose …" or empty.</summary>
    public static string VirtualizationNote(string root, string what)
    {
        string? v = Virtualization(root);
        return v is null ? "" : $"; this host is {v}, which does not expose {what}";
    }

    /// <summary>The path of the running executable, for a setcap command.</summary>
    public static string ProcessPath() => Environment.ProcessPath ?? "$(readlink -f \"$(command -v dotnet)\")";
}
