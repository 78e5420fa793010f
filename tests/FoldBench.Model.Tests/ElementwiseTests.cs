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
    public void Relu_and_silu_match_their_definitions_on_vector_and_tail_lanes()
    {
        // 37 values (whole vectors plus a scalar tail), and the extremes where e^(−x) overflows or vanishes.
        var x = Enumerable.Range(0, 37).Select(i => -9f + i * 0.5f).Concat([-100f, 100f, 0f]).ToArray();
        var relu = x.ToArray();
        VectorMath.Activate(Activation.Relu, relu);
        var silu = x.ToArray();
        VectorMath.Activate(Activation.Silu, silu);
        for (int i = 0; i < x.Length; i++)
        {
            // ReLU is exact: max(x, 0). SiLU: x/(1 + e^(−x)) in double; −100·σ(−100) ≈ −3.7e-42 rounds to −0 in float.
            Assert.Equal(Math.Max(x[i], 0f), relu[i]);
            Assert.Equal(x[i] / (1 + Math.Exp(-(double)x[i])), silu[i], 2e-6 * (1 + Math.Abs(x[i])));
        }
        // Hand values: σ(2) = 1/(1 + e^−2) = 0.880797…, so SiLU(2) = 1.761594…; SiLU(−2) = −2·σ(−2) = −0.238405….
        Assert.Equal(1.7615942, silu[Array.IndexOf(x, 2f)], 1e-6);
        Assert.Equal(-0.2384058, silu[Array.IndexOf(x, -2f)], 1e-6);
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

    [Theory]
    [InlineData(VectorMath.TensorPrimitivesFromWidth - 1)]
    [InlineData(VectorMath.TensorPrimitivesFromWidth)]
    [InlineData(512)]
    [InlineData(2048)]
    public void Layer_norm_matches_a_double_reference_on_both_sides_of_the_library_switch(int width)
    {
        int rows = 2;
        var random = new Random(width);
        var x = Enumerable.Range(0, rows * width).Select(_ => 3f + 2f * random.NextSingle()).ToArray();
        var gain = Enumerable.Range(0, width).Select(_ => 0.5f + random.NextSingle()).ToArray();
        var shift = Enumerable.Range(0, width).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var y = x.ToArray();
        VectorMath.LayerNorm(y, y, rows, width, gain, shift, 1e-5f);   // in place, as the encoder's output norm runs
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * width).Take(width).Select(v => (double)v).ToArray();
            double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
            for (int i = 0; i < width; i++)
                Assert.Equal((row[i] - mean) / Math.Sqrt(variance + 1e-5) * gain[i] + shift[i], y[r * width + i], 1e-4);
        }
    }
}
