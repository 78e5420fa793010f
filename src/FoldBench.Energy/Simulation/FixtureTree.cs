namespace FoldBench.Energy.Simulation;

/// <summary>Lays a layout's manifest lines out on disk the way sysfs has them: attribute files with their modes, relative symlinks.</summary>
internal sealed class FixtureTree(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The fixture path of a kernel path ("/sys/class/powercap" or "sys/class/powercap" → ROOT/sys/class/powercap).</summary>
    public string At(string kernelPath) => Path.Combine(Root, kernelPath.TrimStart('/'));

    /// <summary>Creates one manifest entry: "d PATH", "l PATH -> TARGET" or "f MODE PATH = CONTENT" (content escaped).</summary>
    public void Create(string entry)
    {
        switch (entry[0])
        {
            case 'd':
                Directory.CreateDirectory(At(entry[2..]));
                break;
            case 'l':
            {
                int arrow = entry.IndexOf(" -> ", StringComparison.Ordinal);
                string link = At(entry[2..arrow]);
                Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                File.CreateSymbolicLink(link, entry[(arrow + 4)..]);
                break;
            }
            case 'f':
            {
                int eq = entry.IndexOf(" = ", 7, StringComparison.Ordinal);
                string path = At(entry[7..eq]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, LayoutFile.Unescape(entry[(eq + 3)..]));
                // Modes as the kernel sets them: 0444 read-only, 0644 writable limits, 0400 root-only (energy_uj).
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(entry[2..6], 8));
                break;
            }
            default:
                throw new FormatException($"bad fixture entry '{entry}'");
        }
    }
}
