namespace FoldBench.Benchmarks.Diagnosers;

/// <summary>
/// Peak resident memory of the process during one case. On Linux the high-water mark (VmHWM) is
/// reset before each case by writing 5 to /proc/self/clear_refs, so each case's peak is its own;
/// elsewhere only the process-lifetime peak exists, and the result says so.
/// </summary>
public static class PeakMemory
{
    private const string ClearRefs = "/proc/self/clear_refs";
    private const string Status = "/proc/self/status";

    /// <summary>
    /// Collects everything unreachable and asks the GC to give freed memory back to the OS
    /// (aggressive mode decommits), so the next peak reflects what is live.
    /// </summary>
    public static void Quiesce()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Resets the peak; returns false where the OS has no way to (peaks are then cumulative).</summary>
    public static bool TryReset()
    {
        try
        {
            if (!File.Exists(ClearRefs)) return false;
            File.WriteAllText(ClearRefs, "5");
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Peak resident bytes since the last reset (Linux), else the process-lifetime peak working set.</summary>
    public static long Read()
    {
        try
        {
            if (File.Exists(Status))
                foreach (var line in File.ReadLines(Status))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length >= 2 && long.TryParse(parts[1], out long kb)) return kb * 1024;
                    }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        return p.PeakWorkingSet64;
    }
}
