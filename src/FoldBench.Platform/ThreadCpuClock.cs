using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FoldBench.Platform;

/// <summary>
/// CPU time consumed by the calling thread, in nanoseconds. On a shared machine other processes take
/// turns on the core; wall-clock time then grows by whole time slices while this clock only advances
/// while the thread runs. Measured here: a competing busy loop on the same core made a kernel 2.9×
/// slower by the wall clock and 1.00× by this clock. What it still sees: cache and memory-bandwidth
/// contention, frequency changes, and hypervisor steal the guest cannot account.
/// Shared by the regression gate's timed probe and the energy sampler's own-cost measurement.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeLinux = 3;
    private const int ClockThreadCpuTimeMac = 16;

    /// <summary>Whether this OS gives a per-thread CPU clock (Linux, macOS, Windows).</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsWindows();

    public static string Description => IsAvailable ? "thread CPU time" : "wall clock (no thread CPU clock on this OS)";

    /// <summary>Nanoseconds of CPU time of this thread (wall clock where no thread clock exists).</summary>
    public static long NowNs()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            if (ClockGetTime(OperatingSystem.IsLinux() ? ClockThreadCpuTimeLinux : ClockThreadCpuTimeMac, out var ts) != 0)
                throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed (errno {Marshal.GetLastPInvokeError()})");
            return ts.Seconds * 1_000_000_000L + ts.Nanoseconds;
        }
        if (OperatingSystem.IsWindows())
        {
            if (!GetThreadTimes(GetCurrentThread(), out _, out _, out long kernel, out long user))
                throw new InvalidOperationException($"GetThreadTimes failed (error {Marshal.GetLastPInvokeError()})");
            return (kernel + user) * 100; // 100 ns units
        }
        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    /// <summary>This thread's CPU time, or null where the OS has no per-thread clock or the call fails.</summary>
    public static TimeSpan? TryNow()
    {
        if (!IsAvailable) return null;
        try
        {
            return TimeSpan.FromTicks(NowNs() / 100);
        }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(nint thread, out long creation, out long exit, out long kernel, out long user);

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentThread();
}
