using System.Runtime.InteropServices;

namespace FoldBench.Platform.Emulation;

/// <summary>
/// Windows on ARM runs x64 and x86 programs under emulation. <c>IsWow64Process2</c> gives the machine the OS
/// runs on natively; an x64 process there gets "unknown" as its own machine (it is not WOW64), so the
/// process's architecture comes from the runtime and is compared with the native machine.
/// </summary>
public static partial class WindowsEmulation
{
    public const ushort MachineArm64 = 0xAA64, MachineAmd64 = 0x8664, MachineI386 = 0x014C, MachineArmNt = 0x01C4;

    public static EmulationStatus Detect()
    {
        try
        {
            if (IsWow64Process2(GetCurrentProcess(), out _, out ushort native))
                return Interpret(RuntimeInformation.ProcessArchitecture, native);
            return EmulationStatus.Native($"not determined: IsWow64Process2 failed (error {Marshal.GetLastPInvokeError()})");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return EmulationStatus.Native("not determined: IsWow64Process2 is not available (Windows before 10 1709)");
        }
    }

    /// <summary>Whether a process of <paramref name="process"/> architecture is emulated on a native machine of this IMAGE_FILE_MACHINE value.</summary>
    public static EmulationStatus Interpret(Architecture process, ushort nativeMachine)
    {
        string processName = process.ToString().ToLowerInvariant();
        string nativeName = nativeMachine switch
        {
            MachineArm64 => "arm64",
            MachineAmd64 => "x64",
            MachineI386 => "x86",
            MachineArmNt => "arm",
            _ => $"0x{nativeMachine:X4}",
        };
        bool x86Process = process is Architecture.X64 or Architecture.X86;
        if (x86Process && nativeMachine is MachineArm64 or MachineArmNt)
            return new EmulationStatus(true, $"windows-{nativeName}-{processName}-emulation",
                $"IsWow64Process2: the native machine is {nativeName} and the process is {processName}, so Windows emulates it");
        return EmulationStatus.Native($"native: IsWow64Process2 gives native machine {nativeName} for a {processName} process");
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool IsWow64Process2(nint process, out ushort processMachine, out ushort nativeMachine);

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentProcess();
}
