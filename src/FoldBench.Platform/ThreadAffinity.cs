using System.Globalization;
using System.Runtime.InteropServices;

namespace FoldBench.Platform;

/// <summary>
/// The CPUs the calling thread may run on, read and set (Linux: sched_getaffinity/sched_setaffinity on the thread
/// itself; Windows: SetThreadAffinityMask). A projection's workers pin themselves with it, and a benchmark pinned to one CPU keeps helper threads such as the energy
/// sampler off that CPU with it; on Linux a new thread inherits its creator's set, so a thread started after the pin
/// would otherwise share the benchmark's CPU. macOS has no affinity call: there the calls say so.
/// </summary>
public static partial class ThreadAffinity
{
    private const int MaskWords = 16; // 1024 CPUs, the kernel's default CONFIG_NR_CPUS range

    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    /// <summary>The CPUs the calling thread may run on, ascending; null where the OS does not say.</summary>
    public static IReadOnlyList<int>? OfCurrentThread()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                var mask = new ulong[MaskWords];
                if (SchedGetAffinity(0, (nint)(MaskWords * sizeof(ulong)), mask) != 0) return null;
                var cpus = new List<int>();
                for (int w = 0; w < MaskWords; w++)
                    for (int b = 0; b < 64; b++)
                        if ((mask[w] & (1UL << b)) != 0) cpus.Add(w * 64 + b);
                return cpus;
            }
            if (OperatingSystem.IsWindows())
            {
                using var p = System.Diagnostics.Process.GetCurrentProcess();
                long m = (long)p.ProcessorAffinity;
                return [.. Enumerable.Range(0, 64).Where(b => (m & (1L << b)) != 0)];
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
        return null;
    }

    /// <summary>Restricts the calling thread to <paramref name="cpus"/>; null on success, else why not (one line).</summary>
    public static string? TrySetCurrentThread(IReadOnlyList<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        if (cpus.Count == 0) return "no CPU given";
        try
        {
            if (OperatingSystem.IsLinux())
            {
                var mask = new ulong[MaskWords];
                foreach (int c in cpus)
                {
                    if (c < 0 || c >= MaskWords * 64) return $"CPU {c} is outside the affinity mask";
                    mask[c / 64] |= 1UL << (c % 64);
                }
                return SchedSetAffinity(0, (nint)(MaskWords * sizeof(ulong)), mask) == 0
                    ? null : $"sched_setaffinity failed (errno {Marshal.GetLastPInvokeError()})";
            }
            if (OperatingSystem.IsWindows())
            {
                if (cpus.Any(c => c is < 0 or >= 64)) return "a CPU beyond the first 64 (processor groups are not handled)";
                nuint mask = 0;
                foreach (int c in cpus) mask |= (nuint)1 << c;
                return SetThreadAffinityMask(GetCurrentThread(), mask) != 0 ? null : $"SetThreadAffinityMask failed (error {Marshal.GetLastPInvokeError()})";
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return e.Message;
        }
        return $"{RuntimeInformation.OSDescription} has no thread affinity call";
    }

    /// <summary>Pins the calling thread to one CPU (a projection's worker, the benchmark thread); null on success, else why not.</summary>
    public static string? TryPinCurrentThread(int cpu) =>
        cpu < 0 || cpu >= MaskWords * 64 ? $"CPU {cpu} is outside what an affinity mask holds" : TrySetCurrentThread([cpu]);

    /// <summary>The kernel's id of the calling thread on Linux (the name of its /proc/thread-self task folder); null elsewhere.</summary>
    public static int? CurrentThreadId()
    {
        if (!OperatingSystem.IsLinux()) return null;
        string? target = new DirectoryInfo("/proc/thread-self").LinkTarget; // "<pid>/task/<tid>"
        return target is not null && int.TryParse(Path.GetFileName(target), NumberStyles.None, CultureInfo.InvariantCulture, out int tid) ? tid : null;
    }

    /// <summary>"0-2,5": a CPU list as the kernel prints one (Cpus_allowed_list).</summary>
    public static string Format(IReadOnlyList<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        var parts = new List<string>();
        var sorted = cpus.Distinct().Order().ToList();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i].ToString(CultureInfo.InvariantCulture)}-{sorted[j].ToString(CultureInfo.InvariantCulture)}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nint size, [Out] ulong[] mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint size, ulong[] mask);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial nuint SetThreadAffinityMask(nint thread, nuint mask);

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentThread();
}
