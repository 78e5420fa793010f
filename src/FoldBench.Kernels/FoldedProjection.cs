namespace FoldBench.Kernels;

/// <summary>
/// Folded linear projection (Li et al., "Folding Attention", ICASSP 2024): a chunk of T tokens of
/// width D is seen as N·T sub-tokens of width D/N. In row-major memory that view is the same
/// buffer, so folding and unfolding cost no copy: the kernel simply runs with M = N·T, K = D/N.
/// </summary>
public static class FoldedProjection
{
    /// <summary>
    /// Shared weights: every sub-token uses the same (D/N)×(D/N) weights. <paramref name="chunk"/> is
    /// T×D, <paramref name="output"/> is T×D (unfolded).
    /// </summary>
    public static void Project(ReadOnlySpan<float> chunk, int tokens, int width, int fold, PackedWeights weights,
        Span<float> output, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int sub = SubWidth(width, fold);
        CheckWeights(weights, sub, "weights");
        CheckChunk(chunk.Length, output.Length, tokens, width);
        Linear.Project(chunk, tokens * fold, weights, output, accumulate);
    }

    /// <summary>
    /// Block-diagonal weights: sub-position j of every token uses its own (D/N)×(D/N) weights
    /// <paramref name="perPosition"/>[j], D²/N parameters in all. Each position is one strided
    /// projection over the T tokens (row stride D), again without copying.
    /// </summary>
    public static void ProjectBlockDiagonal(ReadOnlySpan<float> chunk, int tokens, int width, int fold,
        IReadOnlyList<PackedWeights> perPosition, Span<float> output, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(perPosition);
        int sub = SubWidth(width, fold);
        if (perPosition.Count != fold)
            throw new ArgumentException($"block-diagonal projection needs {fold} weight blocks (one per sub-position), got {perPosition.Count}", nameof(perPosition));
        // The name is only formatted when a block is wrong: this check runs on every (hot) call.
        for (int j = 0; j < fold; j++)
            if (perPosition[j] is not { } w || w.InputCount != sub || w.OutputCount != sub)
                CheckWeights(perPosition[j], sub, $"perPosition[{j}]");
        CheckChunk(chunk.Length, output.Length, tokens, width);
        if (tokens == 0) return;
        for (int j = 0; j < fold; j++)
        {
            int offset = j * sub;
            Linear.Project(chunk[offset..], tokens, width, perPosition[j], output[offset..], width, accumulate);
        }
    }

    /// <summary>D/N, or a clear error when the fold factor does not divide the width.</summary>
    public static int SubWidth(int width, int fold)
    {
        if (width <= 0) throw new ArgumentException($"width D must be positive, got {width}", nameof(width));
        if (fold <= 0) throw new ArgumentException($"fold factor N must be positive, got {fold}", nameof(fold));
        if (width % fold != 0)
            throw new ArgumentException($"fold factor N = {fold} does not divide width D = {width}", nameof(fold));
        return width / fold;
    }

    private static void CheckWeights(PackedWeights w, int sub, string name)
    {
        ArgumentNullException.ThrowIfNull(w, name);
        if (w.InputCount != sub || w.OutputCount != sub)
            throw new ArgumentException($"{name} are {w.OutputCount}×{w.InputCount} but the folded projection needs (D/N)×(D/N) = {sub}×{sub}", name);
    }

    private static void CheckChunk(int chunkLength, int outputLength, int tokens, int width)
    {
        if (tokens < 0) throw new ArgumentException($"token count T must not be negative, got {tokens}", nameof(tokens));
        long need = (long)tokens * width;
        if (chunkLength != need)
            throw new ArgumentException($"chunk has {chunkLength} elements but T×D = {tokens}×{width} = {need}", "chunk");
        if (outputLength != need)
            throw new ArgumentException($"output has {outputLength} elements but T×D = {tokens}×{width} = {need}", "output");
    }
}
