using System.Globalization;

namespace FoldBench.Platform.Topology;

/// <summary>
/// Each online CPU's type facts on Linux, under a root folder ("/" on a real machine, a fixture tree in tests):
/// <c>sys/devices/system/cpu/cpuN/cpu_capacity</c>, <c>cpuN/cpufreq/cpuinfo_max_freq</c> (a link to the CPU's
/// cpufreq policy), <c>cpuN/topology/core_cpus_list</c> (SMT siblings), the "CPU implementer"/"CPU part" of each
/// processor in <c>proc/cpuinfo</c>, and Intel's hybrid PMUs <c>sys/devices/cpu_core/cpus</c> and
/// <c>sys/devices/cpu_atom/cpus</c>.
/// </summary>
public static class LinuxCpuTopology
{
    public static CpuTopology Read(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        string cpuDir = Path.Combine(root, "sys/devices/system/cpu");
        var cpus = CpuList.Parse(ReadText(Path.Combine(cpuDir, "online"))) ?? ListCpuFolders(cpuDir);
        var parts = PartsFromCpuInfo(ReadLines(Path.Combine(root, "proc/cpuinfo")));
        var pCores = CpuList.Parse(ReadText(Path.Combine(root, "sys/devices/cpu_core/cpus")));
        var eCores = CpuList.Parse(ReadText(Path.Combine(root, "sys/devices/cpu_atom/cpus")));

        var cores = new List<CpuCore>();
        var siblings = new Dictionary<int, int>();
        foreach (int cpu in cpus)
        {
            string dir = Path.Combine(cpuDir, "cpu" + cpu.ToString(CultureInfo.InvariantCulture));
            parts.TryGetValue(cpu, out var part);
            string? hybrid = pCores?.Contains(cpu) == true ? "core" : eCores?.Contains(cpu) == true ? "atom" : null;
            cores.Add(new CpuCore(cpu, CoreTypes.Unknown,
                Capacity: ReadInt(Path.Combine(dir, "cpu_capacity")) is long c ? (int)c : null,
                MaxFrequencyKHz: ReadInt(Path.Combine(dir, "cpufreq/cpuinfo_max_freq")),
                Implementer: part.Implementer,
                Part: part.Part,
                PartName: ArmParts.Lookup(part.Implementer, part.Part)?.Name,
                HybridType: hybrid));
            var smt = CpuList.Parse(ReadText(Path.Combine(dir, "topology/core_cpus_list")))
                      ?? CpuList.Parse(ReadText(Path.Combine(dir, "topology/thread_siblings_list")));
            siblings[cpu] = smt is { Count: > 0 } ? smt[0] : cpu;
        }
        var (typed, basis) = CoreClassifier.Classify(cores);
        return new CpuTopology(typed, basis, canPin: true, physicalCoreOf: siblings);
    }

    /// <summary>"CPU implementer" and "CPU part" per "processor" block of an ARM /proc/cpuinfo (empty on x86).</summary>
    public static Dictionary<int, (string? Implementer, string? Part)> PartsFromCpuInfo(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var result = new Dictionary<int, (string?, string?)>();
        int? processor = null;
        string? implementer = null, part = null;
        void Flush()
        {
            if (processor is int p && (implementer is not null || part is not null)) result[p] = (implementer, part);
            processor = null;
            implementer = part = null;
        }
        foreach (var line in lines)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    Flush();
                    processor = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
                    break;
                case "CPU implementer": implementer = value; break;
                case "CPU part": part = value; break;
            }
        }
        Flush();
        return result;
    }

    private static List<int> ListCpuFolders(string cpuDir)
    {
        if (!Directory.Exists(cpuDir)) return [];
        return [.. Directory.EnumerateDirectories(cpuDir, "cpu*")
            .Select(d => Path.GetFileName(d)[3..])
            .Where(s => s.Length > 0 && s.All(char.IsAsciiDigit))
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .Order()];
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static long? ReadInt(string path) =>
        long.TryParse(ReadText(path), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
}
