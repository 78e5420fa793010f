using FoldBench.Model.Compute;

namespace FoldBench.Model.Tests;

public class ElementwiseTests
{
    [Fact]
    public void Gelu_matches_the_exact_erf_definition_on_vector_and_tail_lanes()
    {
        // 37 values: whole vectors plus a scalar tail, from deep negative to large positive.
        var x = Enumerable.Range(0, 37).Select(i => -9f + i * 0.5f).ToArray();
        var y = x.ToArray();
        VectorMath.Gelu(y);
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(NaiveEmformer.Gelu(x[i]), y[i], 2e-6 * (1 + Math.Abs(x[i])));
    }

    [Fact]
    public void Softmax_stays_finite_for_huge_scores()
    {
        // Scores of ±1e4 overflow exp() unless the maximum is subtracted first.
        var c = TestModels.Tiny();
        int width = 8, rows = 3;
        var query = new float[width];
        var keyValue = new float[rows * 2 * width];
        for (int e = 0; e < width; e++) query[e] = 100f;
        for (int r = 0; r < rows; r++)
            for (int e = 0; e < width; e++)
            {
                keyValue[r * 2 * width + e] = r == 1 ? 12.5f : -12.5f;   // key 1 wins by 2e4
                keyValue[r * 2 * width + width + e] = r;                  // value = row index
            }
        var output = new float[width];
        AttentionKernel.Run(query, 1, width, keyValue, cacheRows: 0, currentFirstRow: 0, currentRows: rows,
            heads: 1, headWidth: width, new float[AttentionKernel.ScratchLength(1, rows, width)], output);
        Assert.All(output, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Layer_norm_normalises_each_row()
    {
        int rows = 3, width = 19;
        var random = new Random(3);
        var x = Enumerable.Range(0, rows * width).Select(_ => 5f + 3f * random.NextSingle()).ToArray();
        var y = new float[x.Length];
        var gain = Enumerable.Repeat(1f, width).ToArray();
        var shift = new float[width];
        VectorMath.LayerNorm(x, y, rows, width, gain, shift, 1e-5f);
        for (int r = 0; r < rows; r++)
        {
            var row = y.Skip(r * width).Take(width).ToArray();
            Assert.Equal(0.0, row.Average(), 1e-5);
            Assert.Equal(1.0, row.Select(v => (double)v * v).Average(), 1e-3);
        }
    }
}
