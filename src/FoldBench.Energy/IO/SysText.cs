using System.Globalization;

namespace FoldBench.Energy.IO;

/// <summary>One-shot reads of small static attribute files (name, type, status), through the injectable opener.</summary>
internal static class SysText
{
    /// <summary>The trimmed first line, or null when the file does not exist.</summary>
    public static string? TryRead(IFileAccess access, string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var h = access.OpenRead(path);
            var buffer = new byte[4096];
            int n = RandomAccess.Read(h, buffer, 0);
            string text = System.Text.Encoding.UTF8.GetString(buffer, 0, n);
            int nl = text.IndexOf('\n');
            return (nl >= 0 ? text[..nl] : text).Trim();
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    public static long? TryReadInteger(IFileAccess access, string path, string expected)
    {
        string? text = TryRead(access, path);
        if (text is null) return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw EnergySourceException.Malformed(path, text, expected);
        return v;
    }

    /// <summary>The whole file (e.g. /proc/cpuinfo), or null when it does not exist or cannot be read.</summary>
    public static string? TryReadAll(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Joins a kernel path ("/sys/class/powercap") onto a configurable root ("/" or a fixture folder).</summary>
    public static string UnderRoot(string root, string kernelPath) =>
        Path.Combine(root, kernelPath.TrimStart('/'));
}
