namespace FoldBench.Model.Compute;

/// <summary>
/// Scaled dot-product attention of folded sub-tokens over a key/value buffer. Keys and values
/// live interleaved per sub-row, <c>[k (W) | v (W)]</c> with W the sub-token width, because the
/// fused key/value projection writes them that way. The valid rows are two ranges: the cached
/// left context (a ring, so its rows are in no particular order — attention without a mask does
/// not depend on key order) and this step's chunk and look-ahead.
/// </summary>
internal static class AttentionKernel
{
    /// <param name="query">queryRows × width, already multiplied by 1/√headWidth (folded into the query weights).</param>
    /// <param name="keyValue">rows × 2·width.</param>
    /// <param name="cacheRows">Valid rows at the start of <paramref name="keyValue"/> (the left-context ring).</param>
    /// <param name="currentFirstRow">First row of this step's keys.</param>
    /// <param name="currentRows">Rows of this step's keys (chunk and look-ahead).</param>
    /// <param name="scores">Scratch of at least cacheRows + currentRows.</param>
    /// <param name="output">queryRows × width, head h in columns [h·headWidth, (h+1)·headWidth).</param>
    public static void Run(ReadOnlySpan<float> query, int queryRows, int width, ReadOnlySpan<float> keyValue,
        int cacheRows, int currentFirstRow, int currentRows, int heads, int headWidth,
        Span<float> scores, Span<float> output)
    {
        int stride = 2 * width;
        int keys = cacheRows + currentRows;
        var s = scores[..keys];
        for (int i = 0; i < queryRows; i++)
        {
            for (int h = 0; h < heads; h++)
            {
                int column = h * headWidth;
                var q = query.Slice(i * width + column, headWidth);
                float max = float.NegativeInfinity;
                int k = 0;
                for (int r = 0; r < cacheRows; r++, k++)
                    max = MathF.Max(max, s[k] = VectorMath.Dot(q, keyValue.Slice(r * stride + column, headWidth)));
                for (int r = currentFirstRow; r < currentFirstRow + currentRows; r++, k++)
                    max = MathF.Max(max, s[k] = VectorMath.Dot(q, keyValue.Slice(r * stride + column, headWidth)));

                float sum = VectorMath.ExpShifted(s, max);

                var o = output.Slice(i * width + column, headWidth);
                o.Clear();
                k = 0;
                for (int r = 0; r < cacheRows; r++, k++)
                    VectorMath.AddScaled(o, s[k], keyValue.Slice(r * stride + width + column, headWidth));
                for (int r = currentFirstRow; r < currentFirstRow + currentRows; r++, k++)
                    VectorMath.AddScaled(o, s[k], keyValue.Slice(r * stride + width + column, headWidth));
                VectorMath.Scale(o, 1f / sum);
            }
        }
    }
}
