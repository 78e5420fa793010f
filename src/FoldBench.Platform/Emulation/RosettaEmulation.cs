using System.Runtime.InteropServices;

namespace FoldBench.Platform.Emulation;

/// <summary>
/// Rosetta 2 on macOS: the kernel answers <c>sysctl.proc_translated</c> with 1 for a translated (x64) process,
/// 0 for a native one, and has no such name on Intel Macs (no Rosetta there).
/// </summary>
public static partial class RosettaEmulation
{
    public static EmulationStatus Detect()
    {
        int? value = null;
        int errno = 0;
        try
        {
            int v = 0;
            nuint size = sizeof(int);
            if (SysctlByName("sysctl.proc_translated", ref v, ref size, 0, 0) == 0) value = v;
            else errno = Marshal.GetLastPInvokeError();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { errno = -1; }
        return Interpret(value, errno);
    }

    /// <summary>What a <c>sysctl.proc_translated</c> answer means: its value, or the errno of a failed call (ENOENT 2: no Rosetta).</summary>
    public static EmulationStatus Interpret(int? procTranslated, int errno) => procTranslated switch
    {
        1 => new EmulationStatus(true, "rosetta-2", "sysctl.proc_translated = 1: Rosetta 2 translates this process's x64 code to arm64"),
        0 => EmulationStatus.Native("native: sysctl.proc_translated = 0"),
        int other => EmulationStatus.Native($"native: sysctl.proc_translated = {other}"),
        null when errno == 2 => EmulationStatus.Native("native: no sysctl.proc_translated (a Mac without Rosetta)"),
        null => EmulationStatus.Native($"not determined: sysctl.proc_translated could not be read (errno {errno})"),
    };

    [LibraryImport("libc", EntryPoint = "sysctlbyname", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SysctlByName(string name, ref int value, ref nuint size, nint newValue, nuint newSize);
}
