using System.Runtime.InteropServices;

namespace FoldBench.Energy.IO;

/// <summary>CPU time consumed by the calling thread: how the sampler measures its own cost.</summary>
public static partial class ThreadCpuTime
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public nint Seconds; public nint Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(nint thread, out long creation, out long exit, out long kernel, out long user);

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentThread();

    /// <summary>The calling thread's CPU time, or null where the platform offers no per-thread clock.</summary>
    public static TimeSpan? Now()
    {
        try
        {
            if (OperatingSystem.IsWindows())
                return GetThreadTimes(GetCurrentThread(), out _, out _, out long k, out long u) ? TimeSpan.FromTicks(k + u) : null;
            // CLOCK_THREAD_CPUTIME_ID is 3 on Linux (and Android), 16 on macOS.
            int clock = OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() ? 16 : 3;
            if (ClockGetTime(clock, out var ts) != 0) return null;
            return TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100);
        }
        catch (DllNotFoundException) { return null; }
        catch (EntryPointNotFoundException) { return null; }
    }
}
