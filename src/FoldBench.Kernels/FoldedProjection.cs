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
        Span<float> output, bool accumulate = false) => Project(chunk, tokens, width, fold, weights, output, accumulate, null);

    /// <summary>As above, the output panels split across <paramref name="pool"/>'s threads (null: this thread alone).</summary>
    public static void Project(ReadOnlySpan<float> chunk, int tokens, int width, int fold, PackedWeights weights,
        Span<float> output, bool accumulate, ProjectionPool? pool)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int sub = SubWidth(width, fold);
        CheckWeights(weights, sub, "weights");
        CheckChunk(chunk.Length, output.Length, tokens, width);
        Linear.Project(chunk, tokens * fold, weights, output, accumulate, pool);
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
