using System.Globalization;

namespace FoldBench.Platform.Topology;

/// <summary>The kernel's CPU list format ("0-3,6,8-11"), as in /sys/devices/system/cpu/online and */cpus files.</summary>
public static class CpuList
{
    /// <summary>The CPUs in <paramref name="text"/>, ascending; null when it is not a CPU list.</summary>
    public static IReadOnlyList<int>? Parse(string? text)
    {
        if (text is null) return null;
        var cpus = new SortedSet<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!TryCpu(part, out int cpu)) return null;
                cpus.Add(cpu);
                continue;
            }
            if (!TryCpu(part[..dash], out int from) || !TryCpu(part[(dash + 1)..], out int to) || to < from) return null;
            for (int c = from; c <= to; c++) cpus.Add(c);
        }
        return [.. cpus];
    }

    /// <summary>The inverse of <see cref="Parse"/>: "0-3,6".</summary>
    public static string Format(IEnumerable<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        var sorted = cpus.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? Invariant(sorted[i]) : $"{Invariant(sorted[i])}-{Invariant(sorted[j])}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    private static string Invariant(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static bool TryCpu(string s, out int cpu) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu < 65536;
}
