using System.Globalization;
using System.Text;

namespace FoldBench.Energy.Tests.Support;

/// <summary>
/// A fixture tree as text: "d PATH", "l PATH -> TARGET", "f MODE PATH = CONTENT" (content escaped: \n, \\), sorted: the
/// format of the layout files (src/FoldBench.Energy/Simulation/Layouts/*.tree), read back from disk independently.
/// Files under dev/ (binary MSR images, device nodes), foldbench-sim/ (stand-ins for syscalls and tools) and the writer's
/// ledger are generated, not listed.
/// </summary>
public static class FixtureManifest
{
    public static string Describe(string root)
    {
        var lines = new List<string>();
        Walk(root, root, lines);
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + "\n";
    }

    private static void Walk(string root, string dir, List<string> lines)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            string rel = Path.GetRelativePath(root, entry).Replace('\\', '/');
            if (rel == "dev" || rel == "foldbench-sim" || rel == "foldbench-injected.csv") continue;
            var info = new FileInfo(entry);
            if (info.LinkTarget is { } target) { lines.Add($"l {rel} -> {target}"); continue; }
            if (Directory.Exists(entry))
            {
                lines.Add($"d {rel}");
                Walk(root, entry, lines);
                continue;
            }
            string mode = OperatingSystem.IsWindows() ? "0444" : Convert.ToString((int)File.GetUnixFileMode(entry), 8).PadLeft(4, '0');
            lines.Add($"f {mode} {rel} = {Escape(File.ReadAllText(entry))}");
        }
    }

    /// <summary>Builds the tree a manifest describes under <paramref name="root"/>.</summary>
    public static void Materialize(string manifest, string root)
    {
        foreach (var line in manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (line[0])
            {
                case 'd':
                    Directory.CreateDirectory(Path.Combine(root, line[2..]));
                    break;
                case 'l':
                {
                    int arrow = line.IndexOf(" -> ", StringComparison.Ordinal);
                    string link = Path.Combine(root, line[2..arrow]);
                    Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                    File.CreateSymbolicLink(link, line[(arrow + 4)..]);
                    break;
                }
                case 'f':
                {
                    string mode = line[2..6];
                    int eq = line.IndexOf(" = ", 7, StringComparison.Ordinal);
                    string path = Path.Combine(root, line[7..eq]);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllText(path, Unescape(line[(eq + 3)..]));
                    if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
                    break;
                }
                default:
                    throw new FormatException($"bad manifest line '{line}'");
            }
        }
    }

    /// <summary>Materializes the committed layout file's tree <paramref name="layout"/> (e.g. "intel-laptop") into a new folder.</summary>
    public static string MaterializeCommitted(string layout, string root)
    {
        Materialize(FoldBench.Energy.Simulation.LayoutFile.Load(layout).Manifest(), root);
        return root;
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s)
            sb.Append(c switch { '\\' => "\\\\", '\n' => "\\n", '\t' => "\\t", '\0' => "\\0", _ => c.ToString(CultureInfo.InvariantCulture) });
        return sb.ToString();
    }

    private static string Unescape(string s)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { sb.Append(s[i]); continue; }
            char n = s[++i];
            sb.Append(n switch { 'n' => '\n', 't' => '\t', '0' => '\0', _ => n });
        }
        return sb.ToString();
    }
}
