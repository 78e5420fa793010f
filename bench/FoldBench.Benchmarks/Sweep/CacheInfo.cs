using System.Runtime.Intrinsics.X86;

using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>One memory level as the calibration reads it: its name, capacity (0 for memory) and the buffer read.</summary>
public sealed record CacheLevel(string Name, long CapacityBytes, long BufferBytes);

/// <summary>The cache levels of cpu0 and where their sizes came from; the last level is always "memory".</summary>
public sealed record CacheDescription(string Source, IReadOnlyList<CacheLevel> Levels)
{
    public long LastLevelCacheBytes => Levels.Where(l => l.CapacityBytes > 0).Select(l => l.CapacityBytes).DefaultIfEmpty(0).Max();
}

/// <summary>
/// The CPU's cache description: sysfs (<c>/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}</c>), else
/// CPUID's deterministic cache parameters (x86), else a size sweep whose "levels" are named by buffer size.
/// </summary>
public static class CacheInfo
{
    public const string SysfsRoot = "/sys/devices/system/cpu/cpu0/cache";

    /// <summary>Fallback when nothing says: 32 MiB, Zen 3's L3, larger than most phones' SLC.</summary>
    public const long DefaultLastLevelCacheBytes = 32L << 20;

    /// <summary>
    /// Buffers of the fallback sweep, when no source describes the caches. 1 MiB is there because it is the
    /// kernels' cache-resident weight size (K = N = 512) and a common L2: without it, on the Zen 5 VM (no sysfs
    /// cache index, CPUID leaf 0x8000001D zeroed) those weights were bounded by the 4 MiB level's 80 GB/s and
    /// read 141% of their roof.
    /// </summary>
    public static IReadOnlyList<long> SweepBytes { get; } = [16L << 10, 256L << 10, 1L << 20, 4L << 20, 16L << 20];

    private static readonly Lazy<CacheDescription> Machine = new(() => Describe(SysfsRoot));

    /// <summary>This machine's description (read once; it does not change while the process runs).</summary>
    public static CacheDescription Current => Machine.Value;

    public static long LastLevelCacheBytes()
    {
        long llc = Current.LastLevelCacheBytes;
        return llc > 0 ? llc : DefaultLastLevelCacheBytes;
    }

    /// <summary>Describes the caches from a sysfs tree (a fixture in tests), falling back to CPUID and then to the size sweep.</summary>
    public static CacheDescription Describe(string sysfsRoot, bool useCpuid = true)
    {
        var sizes = FromSysfs(sysfsRoot);
        if (sizes.Count > 0) return FromSizes("sysfs", sizes);
        sizes = useCpuid ? FromCpuid() : [];
        if (sizes.Count > 0) return FromSizes("cpuid", sizes);
        return WithSweep(useCpuid ? FromAmdLegacyCpuid() : []);
    }

    /// <summary>
    /// Known per-core levels (L1 and L2 from AMD's legacy CPUID leaves, or none), then the size sweep's buffers
    /// above them, named by size, then memory.
    /// </summary>
    public static CacheDescription WithSweep(IReadOnlyDictionary<int, long> known)
    {
        var levels = FromSizes("cpuid", known).Levels.Where(l => l.CapacityBytes > 0).ToList();
        long top = levels.Count > 0 ? levels[^1].CapacityBytes : 0;
        levels.AddRange(SweepBytes.Where(b => b > top).Select(b => new CacheLevel(SizeName(b), b, b)));
        levels.Add(new CacheLevel(Roofline.Memory, 0, MemoryBuffer(Math.Max(top, SweepBytes[^1]))));
        return new CacheDescription(known.Count > 0 ? "cpuid legacy leaves (L1, L2) + size sweep" : "size sweep", levels);
    }

    /// <summary>
    /// AMD's legacy leaves: L1d from 0x80000005 (ECX[31:24] KiB), L2 from 0x80000006 (ECX[31:16] KiB). Used when leaf
    /// 0x8000001D is zeroed, as on the Zen 5 VM. The L3 those leaves report (EDX[31:18] × 512 KiB) is left out: it is the
    /// whole package's (the VM reported 508 MiB where one core's CCD has 32 MiB), so the sweep measures beyond L2 instead.
    /// </summary>
    public static Dictionary<int, long> FromAmdLegacyCpuid()
    {
        var sizes = new Dictionary<int, long>();
        if (!X86Base.IsSupported) return sizes;
        if (X86Base.CpuId(0, 0).Ebx != 0x68747541) return sizes; // "Auth"enticAMD
        uint maxExt = (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        if (maxExt >= 0x80000005)
        {
            long l1 = ((uint)X86Base.CpuId(unchecked((int)0x80000005), 0).Ecx >> 24) * 1024L;
            if (l1 > 0) sizes[1] = l1;
        }
        if (maxExt >= 0x80000006)
        {
            long l2 = ((uint)X86Base.CpuId(unchecked((int)0x80000006), 0).Ecx >> 16) * 1024L;
            if (l2 > 0) sizes[2] = l2;
        }
        return sizes;
    }

    /// <summary>
    /// Levels from (level number, bytes): level n is named "Ln"; its buffer is half its capacity, or halfway between the
    /// next smaller level's capacity and its own when half would still fit the smaller level. Memory comes last.
    /// </summary>
    public static CacheDescription FromSizes(string source, IReadOnlyDictionary<int, long> sizes)
    {
        var levels = new List<CacheLevel>();
        long previous = 0;
        foreach (var (level, bytes) in sizes.OrderBy(kv => kv.Key))
        {
            if (bytes <= previous) continue;
            long buffer = bytes / 2 > previous ? bytes / 2 : (previous + bytes) / 2;
            levels.Add(new CacheLevel($"L{level}", bytes, buffer & ~4095L));
            previous = bytes;
        }
        levels.Add(new CacheLevel(Roofline.Memory, 0, MemoryBuffer(previous)));
        return new CacheDescription(source, levels);
    }

    /// <summary>Memory is read through a buffer of 4× the last-level cache, at least 256 MiB.</summary>
    public static long MemoryBuffer(long lastLevelBytes) => Math.Max(256L << 20, 4 * lastLevelBytes);

    /// <summary>Data and unified caches per level (the largest per level), from sysfs; empty when sysfs says nothing.</summary>
    public static Dictionary<int, long> FromSysfs(string root)
    {
        var sizes = new Dictionary<int, long>();
        try
        {
            if (!Directory.Exists(root)) return sizes;
            foreach (var index in Directory.GetDirectories(root, "index*"))
            {
                string Read(string f) => File.Exists(Path.Combine(index, f)) ? File.ReadAllText(Path.Combine(index, f)).Trim() : "";
                string type = Read("type");
                if (type is not ("Data" or "Unified")) continue;
                if (!int.TryParse(Read("level"), out int level)) continue;
                long size = ParseSize(Read("size"));
                if (size > 0) sizes[level] = Math.Max(size, sizes.GetValueOrDefault(level));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return sizes;
    }

    /// <summary>CPUID's deterministic cache parameters: leaf 0x8000001D on AMD, leaf 4 elsewhere; empty when not x86 or not reported.</summary>
    public static Dictionary<int, long> FromCpuid()
    {
        var sizes = new Dictionary<int, long>();
        if (!X86Base.IsSupported) return sizes;
        var (_, vb, _, _) = X86Base.CpuId(0, 0);
        bool amd = vb == 0x68747541; // "Auth"enticAMD
        int leaf = amd ? unchecked((int)0x8000001D) : 4;
        if (amd && (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax < 0x8000001D) return sizes;
        if (!amd && X86Base.CpuId(0, 0).Eax < 4) return sizes;
        for (int sub = 0; sub < 16; sub++)
        {
            var (a, b, c, _) = X86Base.CpuId(leaf, sub);
            int type = a & 0x1F;
            if (type == 0) break;
            if (type == 2) continue; // instruction cache
            int level = (a >> 5) & 0x7;
            long bytes = (long)(((b >> 22) & 0x3FF) + 1) * (((b >> 12) & 0x3FF) + 1) * ((b & 0xFFF) + 1) * ((long)(uint)c + 1);
            if (level > 0 && bytes > 0) sizes[level] = Math.Max(bytes, sizes.GetValueOrDefault(level));
        }
        return sizes;
    }

    /// <summary>Parses sysfs cache sizes such as "32768K" or "1M".</summary>
    public static long ParseSize(string s)
    {
        if (s.Length == 0) return 0;
        long mult = char.ToUpperInvariant(s[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string digits = mult == 1 ? s : s[..^1];
        return long.TryParse(digits, out long v) ? v * mult : 0;
    }

    /// <summary>"16KiB", "4MiB": names of the size sweep's levels.</summary>
    public static string SizeName(long bytes) => bytes >= 1L << 20 ? $"{bytes >> 20}MiB" : $"{bytes >> 10}KiB";
}
