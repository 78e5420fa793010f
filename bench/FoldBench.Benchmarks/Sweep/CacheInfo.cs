namespace FoldBench.Benchmarks.Sweep;

/// <summary>Last-level cache size, to size the streamed regime and the bandwidth calibration.</summary>
public static class CacheInfo
{
    /// <summary>Fallback when sysfs doesn't say: 32 MiB, Zen 3's L3, larger than most phones' SLC.</summary>
    public const long DefaultLastLevelCacheBytes = 32L << 20;

    public static long LastLevelCacheBytes()
    {
        long best = 0;
        try
        {
            var dir = "/sys/devices/system/cpu/cpu0/cache";
            if (Directory.Exists(dir))
                foreach (var index in Directory.GetDirectories(dir, "index*"))
                {
                    var sizeFile = Path.Combine(index, "size");
                    if (!File.Exists(sizeFile)) continue;
                    long size = ParseSize(File.ReadAllText(sizeFile).Trim());
                    best = Math.Max(best, size);
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return best > 0 ? best : DefaultLastLevelCacheBytes;
    }

    /// <summary>Parses sysfs cache sizes such as "32768K" or "1M".</summary>
    public static long ParseSize(string s)
    {
        if (s.Length == 0) return 0;
        long mult = char.ToUpperInvariant(s[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string digits = mult == 1 ? s : s[..^1];
        return long.TryParse(digits, out long v) ? v * mult : 0;
    }
}
