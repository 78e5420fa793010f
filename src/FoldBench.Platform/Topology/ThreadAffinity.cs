using System.Runtime.InteropServices;

namespace FoldBench.Platform.Topology;

/// <summary>
/// The calling thread's own CPU affinity (not the process's): sched_setaffinity/sched_getaffinity with pid 0 on
/// Linux, SetThreadGroupAffinity/GetThreadGroupAffinity on Windows. A projection's workers each pin themselves this
/// way. macOS has no thread affinity.
/// </summary>
public static unsafe partial class ThreadAffinity
{
    // A mask of 1024 CPUs (glibc's cpu_set_t), as 16 64-bit words.
    private const int MaskWords = 16;

    /// <summary>Whether this OS lets a thread be pinned.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    /// <summary>Pins the calling thread to <paramref name="cpu"/>; the reason it could not, or null when it did.</summary>
    public static string? TryPinCurrentThread(int cpu)
    {
        if (cpu < 0 || cpu >= MaskWords * 64) return $"CPU {cpu} is outside what an affinity mask holds";
        try
        {
            if (OperatingSystem.IsLinux())
            {
                ulong* mask = stackalloc ulong[MaskWords];
                new Span<ulong>(mask, MaskWords).Clear();
                mask[cpu / 64] = 1UL << (cpu % 64);
                return SchedSetAffinity(0, MaskWords * sizeof(ulong), mask) == 0 ? null
                    : $"sched_setaffinity failed (errno {Marshal.GetLastPInvokeError()})";
            }
            if (OperatingSystem.IsWindows())
            {
                var affinity = new GroupAffinity { Mask = (nuint)(1UL << (cpu % 64)), Group = (ushort)(cpu / 64) };
                return SetThreadGroupAffinity(GetCurrentThread(), &affinity, null) ? null
                    : $"SetThreadGroupAffinity failed (error {Marshal.GetLastPInvokeError()})";
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return e.Message;
        }
        return "this OS has no thread affinity";
    }

    /// <summary>The CPUs the calling thread may run on, ascending; null where the OS does not say.</summary>
    public static IReadOnlyList<int>? CurrentThreadCpus()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                ulong* mask = stackalloc ulong[MaskWords];
                new Span<ulong>(mask, MaskWords).Clear();
                if (SchedGetAffinity(0, MaskWords * sizeof(ulong), mask) != 0) return null;
                var cpus = new List<int>();
                for (int i = 0; i < MaskWords * 64; i++)
                    if ((mask[i / 64] & (1UL << (i % 64))) != 0) cpus.Add(i);
                return cpus;
            }
            if (OperatingSystem.IsWindows())
            {
                GroupAffinity affinity;
                if (!GetThreadGroupAffinity(GetCurrentThread(), &affinity)) return null;
                var cpus = new List<int>();
                for (int i = 0; i < 64; i++)
                    if (((ulong)affinity.Mask & (1UL << i)) != 0) cpus.Add(affinity.Group * 64 + i);
                return cpus;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct GroupAffinity
    {
        public nuint Mask;
        public ushort Group;
        public ushort Reserved0, Reserved1, Reserved2;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong* mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nuint size, ulong* mask);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetThreadGroupAffinity(nint thread, GroupAffinity* affinity, GroupAffinity* previous);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadGroupAffinity(nint thread, GroupAffinity* affinity);

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentThread();
}
