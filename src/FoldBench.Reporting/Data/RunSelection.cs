using FoldBench.Results;

namespace FoldBench.Reporting.Data;

/// <summary>Splits a run's cases into what the charts and tables draw: fold sweeps and kernel cases.</summary>
internal static class RunSelection
{
    /// <summary>
    /// One group per (fold-sweep suite, preset, path, folding options), encoder first; the unfolded cases belong to every
    /// options group of their suite, preset and path, as the baseline its savings are measured against. File suffixes are
    /// unique within the run.
    /// </summary>
    /// <summary>The fewest threads any case ran on (1 in runs without `--threads`): the fold tables show those cases.</summary>
    public static int BaseThreads(RunSummary s) => s.Cases.Select(c => c.Threads ?? 1).DefaultIfEmpty(1).Min();

    public static IReadOnlyList<SweepGroup> FoldSweeps(RunSummary s)
    {
        var groups = new List<SweepGroup>();
        foreach (var suite in Suites.FoldSweeps)
        {
            // One thread count per fold table: the run's fewest (the threads scaling section compares the counts).
            int threads = BaseThreads(s);
            var cases = s.Cases.Where(c => c.Suite == suite && c.ChunkTokens is not null && (c.Threads ?? 1) == threads).ToList();
            var keys = cases.Select(c => (c.Preset, c.Path)).Distinct()
                .OrderBy(k => k.Preset ?? "", StringComparer.Ordinal).ThenBy(k => k.Path, StringComparer.Ordinal).ToList();
            bool manyPresets = keys.Select(k => k.Preset).Distinct().Count() > 1;
            bool manyPaths = keys.Select(k => k.Path).Distinct().Count() > 1;
            foreach (var (preset, path) in keys)
            {
                var mine = cases.Where(c => c.Preset == preset && c.Path == path).ToList();
                var unfolded = mine.Where(c => FoldingVariant.Of(c).IsNone).ToList();
                var variants = Variants(mine);
                foreach (var variant in variants)
                {
                    var members = variant.IsNone ? unfolded : [.. mine.Where(c => c.Fold == 1 || FoldingVariant.Of(c) == variant)];
                    var g = new SweepGroup(suite, preset, path, members, variant);
                    string suffix = suite;
                    if (manyPresets) suffix += "-" + FileSafe(preset ?? "default");
                    if (manyPaths) suffix += "-" + FileSafe(path);
                    if (variants.Count > 1) suffix += "-" + FileSafe(variant.Slug);
                    g.FileSuffix = suffix;
                    groups.Add(g);
                }
            }
        }
        return groups;
    }

    /// <summary>The distinct folding options of the folded cases, in option order; just <see cref="FoldingVariant.None"/> when none are recorded.</summary>
    public static IReadOnlyList<FoldingVariant> Variants(IEnumerable<CaseResult> cases)
    {
        var variants = cases.Select(FoldingVariant.Of).Where(v => !v.IsNone).Distinct().Order(FoldingVariant.Order).ToList();
        return variants.Count == 0 ? [FoldingVariant.None] : variants;
    }

    /// <summary>Kernel cases with a shape, ordered path, regime, K, N, M (the order of the kernels table).</summary>
    public static IReadOnlyList<CaseResult> Kernels(RunSummary s) =>
        s.Cases.Where(c => c.Suite == SuiteNames.Kernels && c.M is not null)
            .OrderBy(c => c.Path, StringComparer.Ordinal)
            .ThenBy(c => RegimeOrder(c.Regime))
            .ThenBy(c => c.K).ThenBy(c => c.N).ThenBy(c => c.M)
            .ToList();

    /// <summary>Arithmetic intensity in FLOP/byte, from the case's own throughput figures (so it uses the sweep's byte accounting).</summary>
    public static double? ArithmeticIntensity(CaseResult c) =>
        c.Gflops is double g && c.GbPerS is double b && g > 0 && b > 0 ? g / b : null;

    public static string RegimeTitle(string? regime) => regime switch
    {
        RegimeNames.Cache => "cache-resident weights",
        RegimeNames.Streamed => "streamed weights",
        null => "weights (regime not recorded)",
        _ => regime + " weights",
    };

    private static int RegimeOrder(string? regime) => RegimeNames.Order(regime);

    public static string FileSafe(string name)
    {
        var chars = name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? char.ToLowerInvariant(ch) : '-').ToArray();
        string s = new string(chars).Trim('-');
        return s.Length == 0 ? "x" : s;
    }

    /// <summary>Median and maximum coefficient of variation over the cases that recorded one, with the noisiest case.</summary>
    public static (double Median, double Max, CaseResult Noisiest, int Count)? Noise(RunSummary s)
    {
        var withCv = s.Cases.Where(c => c.CoefficientOfVariation is double v && !double.IsNaN(v)).ToList();
        if (withCv.Count == 0) return null;
        var sorted = withCv.Select(c => c.CoefficientOfVariation!.Value).Order().ToList();
        int n = sorted.Count;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        var noisiest = withCv.MaxBy(c => c.CoefficientOfVariation!.Value)!;
        return (median, noisiest.CoefficientOfVariation!.Value, noisiest, n);
    }
}
