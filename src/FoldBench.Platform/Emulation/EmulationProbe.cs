using System.Runtime.InteropServices;

namespace FoldBench.Platform.Emulation;

/// <summary>Whether this process is emulated, by the one signal its OS gives (qemu-user and kin, Rosetta 2, Windows on ARM).</summary>
public static class EmulationProbe
{
    private static readonly Lazy<EmulationStatus> Current = new(DetectNow);

    /// <summary>This process's status, probed once (it cannot change while the process runs).</summary>
    public static EmulationStatus Detect() => Current.Value;

    private static EmulationStatus DetectNow()
    {
        if (OperatingSystem.IsLinux())
            return LinuxEmulation.Detect(RuntimeInformation.ProcessArchitecture, "/proc", Environment.ProcessPath ?? "/proc/self/exe");
        if (OperatingSystem.IsMacOS()) return RosettaEmulation.Detect();
        if (OperatingSystem.IsWindows()) return WindowsEmulation.Detect();
        return EmulationStatus.Native($"not determined: no emulation check on {RuntimeInformation.OSDescription}");
    }
}
