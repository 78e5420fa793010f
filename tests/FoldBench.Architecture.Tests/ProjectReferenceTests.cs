using System.Xml.Linq;

namespace FoldBench.Architecture.Tests;

/// <summary>
/// The allowed references between FoldBench's projects (docs/ARCHITECTURE.md draws the same graph).
/// A reference not listed here fails the build's tests: add it here and in the document only after
/// deciding it belongs, never to make a test pass.
/// </summary>
public class ProjectReferenceTests
{
    /// <summary>Each library and what it may reference directly.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        // What the OS and the machine give (CPU identity, thread CPU clock, atomic writes): the bottom layer.
        ["FoldBench.Platform"] = [],
        ["FoldBench.Results"] = ["FoldBench.Platform"],
        ["FoldBench.Kernels"] = [],
        ["FoldBench.Model"] = ["FoldBench.Kernels", "FoldBench.Results"],
        ["FoldBench.Energy"] = ["FoldBench.Platform", "FoldBench.Results"],
        ["FoldBench.Energy.BenchmarkDotNet"] = ["FoldBench.Energy", "FoldBench.Results"],
        ["FoldBench.Reporting"] = ["FoldBench.Platform", "FoldBench.Results"],
        ["FoldBench.Regression"] = ["FoldBench.Platform", "FoldBench.Results"],
        ["FoldBench.Benchmarks"] = ["FoldBench.Kernels", "FoldBench.Model", "FoldBench.Platform", "FoldBench.Results", "FoldBench.Energy",
                                    "FoldBench.Energy.BenchmarkDotNet", "FoldBench.Regression"],
        // The command line parses and calls libraries; it reaches the kernels only through the suites and probes.
        ["FoldBench.Cli"] = ["FoldBench.Model", "FoldBench.Platform", "FoldBench.Results", "FoldBench.Energy", "FoldBench.Reporting",
                             "FoldBench.Regression", "FoldBench.Benchmarks"],
    };

    /// <summary>Packages that only the projects named may use: heavy dependencies stay at the edges.</summary>
    private static readonly Dictionary<string, string[]> PackageOwners = new()
    {
        ["BenchmarkDotNet"] = ["FoldBench.Energy.BenchmarkDotNet", "FoldBench.Benchmarks"],
        ["ScottPlot"] = ["FoldBench.Reporting"],
        ["Microsoft.ML.OnnxRuntime"] = ["FoldBench.Benchmarks"],
        // The console is the command line's: libraries and bench/ report progress through interfaces (ISweepProgress).
        ["Spectre.Console"] = ["FoldBench.Cli"],
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FoldBench.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no FoldBench.sln above {AppContext.BaseDirectory}");
    }

    private sealed record ProjectFile(string Name, string Folder, IReadOnlyList<string> Projects, IReadOnlyList<string> Packages);

    private static List<ProjectFile> Projects(string top)
    {
        var root = RepositoryRoot();
        var list = new List<ProjectFile>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, top), "*.csproj", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var xml = XDocument.Load(file);
            var projects = xml.Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')))
                .ToList();
            var packages = xml.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? "").ToList();
            list.Add(new ProjectFile(Path.GetFileNameWithoutExtension(file), top, projects, packages));
        }
        return list;
    }

    [Fact]
    public void Every_library_references_only_what_the_architecture_allows()
    {
        var libraries = Projects("src").Concat(Projects("bench")).ToList();
        Assert.NotEmpty(libraries);
        var wrong = new List<string>();
        foreach (var p in libraries)
        {
            if (!Allowed.TryGetValue(p.Name, out var allowed))
            {
                wrong.Add($"{p.Name} is a new project: give it a place in docs/ARCHITECTURE.md and in this test's list");
                continue;
            }
            wrong.AddRange(p.Projects.Where(r => !allowed.Contains(r)).Select(r => $"{p.Name} must not reference {r}"));
        }
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Heavy_packages_stay_in_the_projects_that_own_them()
    {
        var wrong = Projects("src").Concat(Projects("bench"))
            .SelectMany(p => p.Packages.Where(pkg => PackageOwners.TryGetValue(pkg, out var owners) && !owners.Contains(p.Name))
                                       .Select(pkg => $"{p.Name} must not use the package {pkg}"))
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Tests_reference_libraries_never_other_tests()
    {
        var libraries = Allowed.Keys.ToHashSet();
        var wrong = Projects("tests")
            .SelectMany(p => p.Projects.Where(r => !libraries.Contains(r)).Select(r => $"{p.Name} references {r}, which is not a library"))
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void The_graph_has_no_cycle()
    {
        // A library's allowed references must themselves reach only libraries below it: walk the allowed graph.
        var state = new Dictionary<string, int>();
        bool Visit(string n)
        {
            if (state.TryGetValue(n, out int s)) return s == 2;
            state[n] = 1;
            foreach (var m in Allowed.GetValueOrDefault(n, [])) if (!Visit(m)) return false;
            state[n] = 2;
            return true;
        }
        Assert.All(Allowed.Keys, n => Assert.True(Visit(n), $"a cycle through {n}"));
    }
}
