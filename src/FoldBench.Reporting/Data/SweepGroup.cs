using FoldBench.Results;

namespace FoldBench.Reporting.Data;

/// <summary>
/// The folding options of a folded case, as summary.json records them; a null field is one the case's suite does not
/// have (or an older result that did not record it). The unfolded model has none: every variant shares its cases.
/// </summary>
internal sealed record FoldingVariant(string? Heads, string? Sharing, string? Projections, bool? FoldFfn)
{
    public static FoldingVariant None { get; } = new(null, null, null, null);

    public static FoldingVariant Of(CaseResult c) => c.Fold == 1 ? None : new(c.Heads, c.Sharing, c.Projections, c.FoldFfn);

    public bool IsNone => this == None;

    /// <summary>"keep heads, block-diagonal, QKV folded, FFN folded": the recorded options, in words.</summary>
    public string Text => string.Join(", ", Parts(
        Heads is null ? null : $"{Heads} heads",
        Sharing is null ? null : $"{Sharing} weights",
        Projections is null ? null : $"{Projections.ToUpperInvariant()} folded",
        FoldFfn is null ? null : FoldFfn.Value ? "FFN folded" : "FFN unfolded"));

    /// <summary>"keep-block-diagonal-qkv-ffn": the options for file names.</summary>
    public string Slug => string.Join("-", Parts(Heads, Sharing, Projections, FoldFfn == true ? "ffn" : null));

    /// <summary>
    /// Orders variants by heads, sharing, projections, FFN, each with the paper's choice first (keep, shared, qkvo,
    /// unfolded), so the paper's configuration leads; unknown spellings after the known ones.
    /// </summary>
    public static IComparer<FoldingVariant> Order { get; } = Comparer<FoldingVariant>.Create((a, b) =>
    {
        int c = Rank(a.Heads, "keep", "reduce").CompareTo(Rank(b.Heads, "keep", "reduce"));
        if (c == 0) c = Rank(a.Sharing, "shared", "block-diagonal").CompareTo(Rank(b.Sharing, "shared", "block-diagonal"));
        if (c == 0) c = Rank(a.Projections, "qkvo", "qkv").CompareTo(Rank(b.Projections, "qkvo", "qkv"));
        if (c == 0) c = (a.FoldFfn is null ? -1 : a.FoldFfn.Value ? 1 : 0).CompareTo(b.FoldFfn is null ? -1 : b.FoldFfn.Value ? 1 : 0);
        return c != 0 ? c : string.CompareOrdinal($"{a.Heads}|{a.Sharing}|{a.Projections}", $"{b.Heads}|{b.Sharing}|{b.Projections}");
    });

    private static int Rank(string? value, params string[] known) =>
        value is null ? -1 : Array.IndexOf(known, value) is int i and >= 0 ? i : known.Length;

    private static IEnumerable<string> Parts(params string?[] parts) => parts.Where(p => !string.IsNullOrEmpty(p))!;
}

/// <summary>
/// The cases of one fold sweep: one suite ("encoder", "projections", "attention"), one preset, one ISA path and one
/// set of folding options (its folded cases; the unfolded baseline is every variant's), laid out on a chunk-size ×
/// fold-factor grid. Charts and tables for a sweep read this, never raw case lists.
/// </summary>
internal sealed class SweepGroup
{
    private readonly Dictionary<(int Chunk, int Fold), CaseResult> _grid = [];

    public string Suite { get; }
    public string? Preset { get; }
    public string Path { get; }
    /// <summary>The folding options of the group's folded cases (<see cref="FoldingVariant.None"/> when none are recorded).</summary>
    public FoldingVariant Variant { get; }
    public IReadOnlyList<CaseResult> Cases { get; }
    public IReadOnlyList<int> Chunks { get; }
    public IReadOnlyList<int> Folds { get; }
    /// <summary>Cases that landed on a grid cell already taken (same chunk and fold): not drawn, reported as a caveat.</summary>
    public IReadOnlyList<CaseResult> Duplicates { get; }
    /// <summary>Distinguishes this group's file names from its siblings' ("encoder", "encoder-small-avx2").</summary>
    public string FileSuffix { get; internal set; }

    internal SweepGroup(string suite, string? preset, string path, IReadOnlyList<CaseResult> cases, FoldingVariant? variant = null)
    {
        Suite = suite;
        Preset = preset;
        Path = path;
        Variant = variant ?? FoldingVariant.None;
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

    /// <summary>"Encoder step (preset emformer-base, avx2)", with the folding options when recorded: "…; reduce heads, shared weights, …)".</summary>
    public string Label
    {
        get
        {
            var parts = new[] { Preset is null ? null : $"preset {Preset}", Path }.Where(p => !string.IsNullOrEmpty(p)).ToList();
            string options = Variant.IsNone ? "" : Variant.Text;
            if (parts.Count == 0 && options.Length == 0) return SuiteTitle;
            return $"{SuiteTitle} ({string.Join(", ", parts)}{(parts.Count > 0 && options.Length > 0 ? "; " : "")}{options})";
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
