using FoldBench.Platform.Emulation;

namespace FoldBench.Results;

/// <summary>
/// The machine description's emulation check: which emulator ran the process (null when native) and how that was
/// decided, in words, so a reader can judge the check itself ("the process is arm64 but the kernel runs on x86_64
/// (/proc/sys/kernel/arch); binfmt_misc entry 'qemu-aarch64' hands this executable to …").
/// </summary>
public sealed class EmulationInfo
{
    /// <summary>"qemu-user", "rosetta-2", "windows-arm64-x64-emulation", …; null when the process ran natively.</summary>
    public string? Emulator { get; set; }
    /// <summary>The evidence, native or not ("not determined: …" when nothing could be read).</summary>
    public string DetectedBy { get; set; } = "";

    public static EmulationInfo From(EmulationStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new EmulationInfo { Emulator = status.Emulator, DetectedBy = status.Evidence };
    }

    /// <summary>
    /// What every report says first about an emulated run (one wording, recorded by the sweep and derived by the report):
    /// the timings are the emulator's, not the hardware's.
    /// </summary>
    public static string Caveat(MachineInfo machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        string emulator = machine.Emulation?.Emulator ?? "an emulator";
        string how = machine.Emulation is { DetectedBy.Length: > 0 } e ? $" Detected by: {e.DetectedBy.TrimEnd('.')}." : "";
        return $"**Emulated run**: the {machine.Architecture} process ran under {emulator} on {machine.CpuModel}, so times, throughput and energy " +
               "do not represent the hardware — only correctness counts." + how;
    }
}
