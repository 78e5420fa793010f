namespace FoldBench.Kernels.Tests.Support;

/// <summary>
/// The CPU feature flags the operating system reports (Linux <c>/proc/cpuinfo</c>), a source
/// independent of the runtime's own detection; null where there is none.
/// </summary>
internal static class CpuFlags
{
    public static bool? Has(string flag)
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(cpuinfo)) return null;
        foreach (string line in File.ReadLines(cpuinfo))
            if (line.StartsWith("flags", StringComparison.Ordinal))
                return line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag);
        return null;
    }
}
