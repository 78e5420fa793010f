namespace FoldBench.Kernels.Quantized;

/// <summary>
/// The folded projection (<see cref="FoldedProjection"/>) over int8 weights: the T×D chunk is reinterpreted, without a
/// copy, as N·T sub-tokens of D/N, and each of those rows is quantized with its own scale (quantization follows the
/// fold, so a sub-token's scale is that of its D/N values, not of the whole token).
/// </summary>
public static class QuantizedFoldedProjection
{
    /// <summary>
    /// Shared (D/N)×(D/N) int8 weights; <paramref name="chunk"/> and <paramref name="output"/> are T×D; the scratch holds
    /// ≥ N·T rows. With a <paramref name="pool"/>, the output panels are split across its threads (the same bits).
    /// </summary>
    public static void Project(ReadOnlySpan<float> chunk, int tokens, int width, int fold, QuantizedWeights weights,
        Span<float> output, QuantizedScratch scratch, bool accumulate = false, ProjectionPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int sub = FoldedProjection.SubWidth(width, fold);
        if (weights.InputCount != sub || weights.OutputCount != sub)
            throw new ArgumentException($"weights are {weights.OutputCount}×{weights.InputCount} but the folded projection needs (D/N)×(D/N) = {sub}×{sub}", nameof(weights));
        if (tokens < 0) throw new ArgumentException($"token count T must not be negative, got {tokens}", nameof(tokens));
        long need = (long)tokens * width;
        if (chunk.Length != need)
            throw new ArgumentException($"chunk has {chunk.Length} elements but T×D = {tokens}×{width} = {need}", nameof(chunk));
        if (output.Length != need)
            throw new ArgumentException($"output has {output.Length} elements but T×D = {tokens}×{width} = {need}", nameof(output));
        QuantizedLinear.Project(chunk, tokens * fold, weights, output, scratch, accumulate, pool);
    }
}
