using FoldBench.Results;

namespace FoldBench.Reporting.Data;

/// <summary>
/// The cases of one fold sweep: one suite ("encoder", "projections", "attention"), one preset, one ISA path,
/// laid out on a chunk-size × fold-factor grid. Charts and tables for a sweep read this, never raw case lists.
/// </summary>
internal sealed class SweepGroup
{
    private readonly Dictionary<(int Chunk, int Fold), CaseResult> _grid = [];

    public string Suite { get; }
    public string? Preset { get; }
    public string Path { get; }
    public IReadOnlyList<CaseResult> Cases { get; }
    public IReadOnlyList<int> Chunks { get; }
    public IReadOnlyList<int> Folds { get; }
    /// <summary>Cases that landed on a grid cell already taken (same chunk and fold): not drawn, reported as a caveat.</summary>
    public IReadOnlyList<CaseResult> Duplicates { get; }
    /// <summary>Distinguishes this group's file names from its siblings' ("encoder", "encoder-small-avx2").</summary>
    public string FileSuffix { get; internal set; }

    internal SweepGroup(string suite, string? preset, string path, IReadOnlyList<CaseResult> cases)
    {
        Suite = suite;
        Preset = preset;
        Path = path;
        Cases = cases;
        var dup = new List<CaseResult>();
        foreach (var c in cases)
        {
            if (c.ChunkTokens is not int chunk) continue;
            if (!_grid.TryAdd((chunk, c.Fold), c)) dup.Add(c);
        }
        Duplicates = dup;
        Chunks = _grid.Keys.Select(k => k.Chunk).Distinct().Order().ToList();
        Folds = _grid.Keys.Select(k => k.Fold).Distinct().Order().ToList();
        FileSuffix = suite;
    }

    public CaseResult? At(int chunk, int fold) => _grid.GetValueOrDefault((chunk, fold));

    /// <summary>The unfolded case at a chunk size: the baseline every saving is measured against.</summary>
    public CaseResult? Baseline(int chunk) => At(chunk, 1);

    public string SuiteTitle => Suites.Title(Suite);

    /// <summary>"Encoder step (preset emformer-base, avx2)".</summary>
    public string Label
    {
        get
        {
            var parts = new[] { Preset is null ? null : $"preset {Preset}", Path }.Where(p => !string.IsNullOrEmpty(p)).ToList();
            return parts.Count == 0 ? SuiteTitle : $"{SuiteTitle} ({string.Join(", ", parts)})";
        }
    }

    /// <summary>A value for every (chunk, fold) cell, null where the case is missing or did not measure it.</summary>
    public IEnumerable<(int Chunk, double? Value)> Series(int fold, Func<CaseResult, double?> value) =>
        Chunks.Select(ch => (ch, At(ch, fold) is { } c ? value(c) : null));
}

/// <summary>Order and titles of the suites as a reader sees them (the names are <see cref="SuiteNames"/>).</summary>
internal static class Suites
{
    /// <summary>The fold-sweep suites, headline first: the encoder step is what a device runs.</summary>
    public static readonly IReadOnlyList<string> FoldSweeps = [SuiteNames.Encoder, SuiteNames.Projections, SuiteNames.Attention];

    public static string Title(string suite) => suite switch
    {
        SuiteNames.Encoder => "Encoder step",
        SuiteNames.Projections => "Attention projections",
        SuiteNames.Attention => "Attention block",
        SuiteNames.Kernels => "Kernels",
        _ => suite,
    };
}
