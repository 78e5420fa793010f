namespace FoldBench.Model;

/// <summary>
/// Every size that follows from a configuration and folding options, worked out (and validated)
/// once: sub-token widths, head layout, weight blocks, rows per step. Compute, weights and
/// accounting all read their shapes from here, so they cannot disagree.
/// </summary>
public sealed class FoldGeometry
{
    public FoldGeometry(ModelConfig config, FoldingOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.Validate(options);
        Config = config;
        Options = options;
        int n = options.Fold;
        Width = config.Width;
        Fold = n;
        SubWidth = config.Width / n;
        AttentionHeads = options.Heads == HeadPolicy.KeepHeads || n == 1 ? config.Heads : config.Heads / n;
        HeadWidth = SubWidth / AttentionHeads;
        bool blockDiagonal = n > 1 && options.Sharing == WeightSharing.BlockDiagonal;
        AttentionBlocks = blockDiagonal ? n : 1;
        OutputFold = options.Projections == FoldedProjections.Qkvo ? n : 1;
        OutputBlocks = options.Projections == FoldedProjections.Qkvo ? AttentionBlocks : 1;
        FfnFold = options.FoldFfn ? n : 1;
        FfnBlocks = options.FoldFfn ? AttentionBlocks : 1;
        FfnWidth = config.FfnWidth;
    }

    public ModelConfig Config { get; }
    public FoldingOptions Options { get; }

    /// <summary>D.</summary>
    public int Width { get; }
    /// <summary>N.</summary>
    public int Fold { get; }
    /// <summary>D/N: width of a sub-token and of the folded attention projections.</summary>
    public int SubWidth { get; }
    /// <summary>Heads on sub-tokens: H (keep) or H/N (reduce).</summary>
    public int AttentionHeads { get; }
    /// <summary>Width of one head: D/(N·H) (keep) or D/H (reduce).</summary>
    public int HeadWidth { get; }
    /// <summary>Weight blocks of a folded attention projection: 1 (shared) or N (block-diagonal).</summary>
    public int AttentionBlocks { get; }
    /// <summary>Fold factor of the output projection: N (QKVO) or 1 (QKV: unfolded D×D).</summary>
    public int OutputFold { get; }
    /// <summary>Weight blocks of the output projection.</summary>
    public int OutputBlocks { get; }
    /// <summary>F.</summary>
    public int FfnWidth { get; }
    /// <summary>Fold factor of the FFN: N when it is folded, else 1.</summary>
    public int FfnFold { get; }
    /// <summary>Weight blocks of each FFN linear.</summary>
    public int FfnBlocks { get; }

    /// <summary>Rows per step: chunk plus look-ahead (T + R) tokens.</summary>
    public int QueryTokens => Config.QueryTokens;
    /// <summary>Left-context tokens cached per layer.</summary>
    public int CacheTokens => Config.LeftContextTokens;
    /// <summary>Sub-token query rows per step: N·(T + R).</summary>
    public int QueryRows => Fold * QueryTokens;
    /// <summary>Sub-token key rows in steady state: N·(left + T + R).</summary>
    public int KeyRows => Fold * Config.KeyTokens;
    /// <summary>1/√(head width): the score scale.</summary>
    public float ScoreScale => 1f / MathF.Sqrt(HeadWidth);
}
