namespace FoldBench.Model;

/// <summary>How heads are laid out on folded sub-tokens of width D/N.</summary>
public enum HeadPolicy
{
    /// <summary>Keep H heads, each of width D/(N·H); needs N·H to divide D.</summary>
    KeepHeads,
    /// <summary>Use H/N heads, each of the unfolded head width D/H; needs N to divide H.</summary>
    ReduceHeads,
}

/// <summary>Whether the N sub-positions of a token share one set of folded weights.</summary>
public enum WeightSharing
{
    /// <summary>One (D/N)×(D/N) matrix for every sub-position: weights shrink N².</summary>
    Shared,
    /// <summary>One (D/N)×(D/N) matrix per sub-position (a block-diagonal D×D): weights shrink N.</summary>
    BlockDiagonal,
}

/// <summary>Which attention projections run on folded sub-tokens.</summary>
public enum FoldedProjections
{
    /// <summary>Query, key, value and output projections are all folded.</summary>
    Qkvo,
    /// <summary>Query, key and value are folded; the output projection stays an unfolded D×D layer.</summary>
    Qkv,
}

/// <summary>
/// The folding experiment's switches. Li et al., "Folding Attention" (ICASSP 2024, arXiv 2309.07988)
/// fold the attention projections by a factor N with weights shared by all sub-tokens and leave the
/// FFN unfolded; the paper does not fix the head policy, per-position weights, which projections fold
/// or FFN folding, so each is a switch whose effect the sweep reports. <see cref="Fold"/> = 1 is the
/// ordinary model whatever the other switches say.
/// </summary>
public sealed record FoldingOptions(
    int Fold = 1,
    HeadPolicy Heads = HeadPolicy.KeepHeads,
    WeightSharing Sharing = WeightSharing.Shared,
    FoldedProjections Projections = FoldedProjections.Qkvo,
    bool FoldFfn = false)
{
    public static FoldingOptions Unfolded { get; } = new();

    /// <summary>The same switches at another fold factor.</summary>
    public FoldingOptions WithFold(int fold) => this with { Fold = fold };

    /// <summary>A short human-readable description, e.g. "fold=2, keep heads, shared weights, qkvo folded, FFN unfolded".</summary>
    public string Describe() =>
        $"fold={Fold}, {Names.Of(Heads)} heads, {Names.Of(Sharing)} weights, {Names.Of(Projections)} folded, FFN {(FoldFfn ? "folded" : "unfolded")}";

    /// <summary>The command-line / JSON spellings of the switches.</summary>
    public static class Names
    {
        public static string Of(HeadPolicy p) => p == HeadPolicy.KeepHeads ? "keep" : "reduce";
        public static string Of(WeightSharing s) => s == WeightSharing.Shared ? "shared" : "block-diagonal";
        public static string Of(FoldedProjections p) => p == FoldedProjections.Qkvo ? "qkvo" : "qkv";

        public static HeadPolicy ParseHeads(string s) => s.ToLowerInvariant() switch
        {
            "keep" or "keep-heads" => HeadPolicy.KeepHeads,
            "reduce" or "reduce-heads" => HeadPolicy.ReduceHeads,
            _ => throw new ConfigFieldException($"unknown head policy '{s}' (expected keep or reduce)", "heads"),
        };

        public static WeightSharing ParseSharing(string s) => s.ToLowerInvariant() switch
        {
            "shared" => WeightSharing.Shared,
            "block-diagonal" or "blockdiagonal" => WeightSharing.BlockDiagonal,
            _ => throw new ConfigFieldException($"unknown weight sharing '{s}' (expected shared or block-diagonal)", "sharing"),
        };

        public static FoldedProjections ParseProjections(string s) => s.ToLowerInvariant() switch
        {
            "qkvo" => FoldedProjections.Qkvo,
            "qkv" => FoldedProjections.Qkv,
            _ => throw new ConfigFieldException($"unknown projection set '{s}' (expected qkvo or qkv)", "projections"),
        };
    }
}
