using System.Runtime.InteropServices;

namespace FoldBench.Regression.Instructions;

/// <summary>
/// The phase marker of the probe protocol: a call to a libc function that neither the runtime nor the
/// kernels call, so that callgrind's <c>--dump-before=getpgrp</c> writes one cost dump exactly at each
/// phase boundary. Outside callgrind it is an ordinary, harmless system call.
/// </summary>
public static partial class InstructionMarker
{
    /// <summary>The libc function callgrind is told to dump before.</summary>
    public const string FunctionName = "getpgrp";

    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>Marks a phase boundary (a no-op where there is no libc to call).</summary>
    public static void Hit()
    {
        if (IsAvailable) GetProcessGroup();
    }

    [LibraryImport("libc", EntryPoint = FunctionName)]
    private static partial int GetProcessGroup();
}
