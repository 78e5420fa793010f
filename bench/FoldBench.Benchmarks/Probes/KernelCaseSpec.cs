using System.Globalization;
using FoldBench.Kernels;

namespace FoldBench.Benchmarks.Probes;

/// <summary>One kernel case of the probes (instruction counting and the CI gate's timed run).</summary>
public sealed record KernelCaseSpec(string Path, int M, int K, int N)
{
    /// <summary>The key `compare` matches on, in BenchmarkDotNet's "Name(param: value, …)" style.</summary>
    public string FullName => $"FoldBench.Kernels.Linear.Project(path: {Path}, m: {M}, k: {K}, n: {N})";

    public string ShortName => $"{Path} M={M} K={K} N={N}";

    /// <summary>The case as one item of a case list: "path:MxKxN".</summary>
    public string Token => $"{Path}:{M}x{K}x{N}";

    public double Macs => (double)M * K * N;

    /// <summary>The case's row in summary.json as far as the case itself says (the runs add what they measured).</summary>
    public FoldBench.Results.CaseResult NewResult() => new()
    {
        Suite = FoldBench.Results.SuiteNames.Kernels,
        Name = ShortName,
        FullName = FullName,
        Path = Path,
        M = M,
        K = K,
        N = N,
        WeightBytes = (long)K * N * sizeof(float),
    };
}

/// <summary>Kernel path names and case lists as the command line spells them; the one place they are parsed.</summary>
public static class KernelCases
{
    public static IReadOnlyList<int> DefaultM { get; } = [1, 16];
    public static IReadOnlyList<int> DefaultKN { get; } = [512];

    /// <summary>Every path name an option accepts: the kernel paths and "best".</summary>
    public static IReadOnlyList<string> PathNames { get; } = [.. KernelPaths.All.Select(p => p.Name()), "best"];

    /// <summary>The paths this CPU runs, by name.</summary>
    public static IReadOnlyList<string> SupportedPathNames => [.. KernelPaths.Supported.Select(p => p.Name())];

    /// <summary>The sweep's quick default: the best path plus the portable and scalar ones this CPU runs.</summary>
    public static IReadOnlyList<string> QuickPathNames =>
        [KernelPaths.Best.Name(), .. KernelPaths.Supported.Where(p => p is KernelPath.Portable or KernelPath.Scalar).Select(p => p.Name())];

    /// <summary>The canonical name of a path this CPU runs ("best" resolved); throws ArgumentException or PlatformNotSupportedException.</summary>
    public static string ResolvePath(string name)
    {
        var path = KernelPaths.Parse(name);
        KernelPaths.EnsureSupported(path);
        return path.Name();
    }

    /// <summary>
    /// Every path × (K, N) × M, in that order, without repeats. <paramref name="underValgrind"/>: the cases
    /// will run inside valgrind, whose virtual CPU has no AVX-512, so "best" is what it resolves to there
    /// and avx512 is refused (an ArgumentException: one line, exit 2).
    /// </summary>
    public static IReadOnlyList<KernelCaseSpec> Expand(IEnumerable<string> paths, IReadOnlyList<int> ms, IReadOnlyList<(int K, int N)> shapes,
        bool underValgrind = false)
    {
        var cases = new List<KernelCaseSpec>();
        var resolved = paths.Select(p => underValgrind && p.Equals("best", StringComparison.OrdinalIgnoreCase) ? KernelPaths.BestWithoutAvx512.Name() : ResolvePath(p))
                            .Distinct().ToList();
        if (underValgrind && resolved.Contains(KernelPath.Avx512.Name()))
            throw new ArgumentException("option --paths: valgrind's virtual CPU has no AVX-512, so the avx512 path cannot be counted (best counts avx2)");
        foreach (var p in resolved)
            foreach (var (k, n) in shapes)
                foreach (var m in ms)
                    cases.Add(new KernelCaseSpec(p, m, k, n));
        return cases.Distinct().ToList();
    }

    /// <summary>Parses "path:MxKxN,…" (e.g. avx2:16x512x512,scalar:1x512x512).</summary>
    public static IReadOnlyList<KernelCaseSpec> ParseList(string text)
    {
        var list = new List<KernelCaseSpec>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split(':');
            var dims = parts.Length == 2 ? parts[1].Split('x') : [];
            if (dims.Length != 3 || !dims.All(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
                throw new ArgumentException($"'{item}' is not path:MxKxN (e.g. avx2:16x512x512)");
            list.Add(new KernelCaseSpec(ResolvePath(parts[0]), int.Parse(dims[0], CultureInfo.InvariantCulture),
                int.Parse(dims[1], CultureInfo.InvariantCulture), int.Parse(dims[2], CultureInfo.InvariantCulture)));
        }
        if (list.Count == 0) throw new ArgumentException("the case list is empty");
        return list;
    }

    /// <summary>The kernel-probe arguments that run exactly these cases in this order.</summary>
    public static IReadOnlyList<string> ProbeArguments(IReadOnlyList<KernelCaseSpec> cases, int r1, int r2) =>
        ["--cases", string.Join(',', cases.Select(c => c.Token)), "--reps", $"{r1},{r2}"];
}
