namespace FoldBench.Results;

/// <summary>
/// Finds results folders (folders holding summary.json) in the paths a user gives: a results folder is itself;
/// any other folder stands for every results folder inside it, at any depth up to <see cref="MaxDepth"/> (a fleet's
/// downloaded artifacts, one folder per device, or a results/ tree of machine/timestamp folders).
/// </summary>
public static class ResultsFolders
{
    /// <summary>How deep below a given folder results folders are looked for (results/&lt;machine&gt;/&lt;time&gt; is 2).</summary>
    public const int MaxDepth = 4;

    public static bool IsResultsFolder(string path) => File.Exists(Path.Combine(path, SummaryStore.FileName));

    /// <summary>
    /// Every results folder the paths stand for, in the order given and by ordinal path within a folder; a path that is not
    /// a folder is passed on as it is (for <see cref="SummaryStore.Read"/> to read or reject).
    /// </summary>
    /// <exception cref="ResultsFormatException">A folder that neither is nor holds a results folder.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var found = new List<string>();
        foreach (var path in paths)
        {
            if (!Directory.Exists(path) || IsResultsFolder(path))
            {
                found.Add(path);
                continue;
            }
            var inside = Below(path, MaxDepth).ToList();
            if (inside.Count == 0)
                throw new ResultsFormatException($"'{path}' is not a FoldBench results folder (no {SummaryStore.FileName}) and holds none up to {MaxDepth} levels below");
            found.AddRange(inside);
        }
        return found;
    }

    private static IEnumerable<string> Below(string dir, int depth)
    {
        if (depth == 0) yield break;
        string[] children;
        try { children = Directory.GetDirectories(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var child in children.Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(child).StartsWith('.')) continue; // .git and the like
            if (IsResultsFolder(child)) yield return child; // its own plots/ and bdn/ are not searched
            else
                foreach (var d in Below(child, depth - 1)) yield return d;
        }
    }
}
