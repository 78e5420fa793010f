using FoldBench.Model;

namespace FoldBench.Benchmarks.Correctness;

/// <summary>
/// The streaming encoder written again from its definition, to check the model suites' cases against: double
/// precision, plain loops over tokens, sub-positions, heads and keys, its own left-context cache as a list of
/// past tokens, and none of FoldBench.Model's compute (no kernels, no fused buffers, no transposed scores). It
/// reads only the weights, through their public shapes, and the folding options, which it applies as they are
/// defined:
/// <list type="bullet">
/// <item>a folded linear maps sub-position j of a token (columns [j·in, (j+1)·in)) through block j when the
///   weights are block-diagonal, through the one block when they are shared;</item>
/// <item>every query sub-row attends to every key sub-row of the cached and current tokens; a head is a slice of
///   the sub-token: H heads of width D/(N·H) keeping heads, H/N heads of width D/H reducing them;</item>
/// <item>the output projection folds by N with QKVO and is one D×D layer with QKV; the FFN folds by N when asked.</item>
/// </list>
/// </summary>
public sealed class ModelReference
{
    private readonly ModelConfig _c;
    private readonly FoldingOptions _o;
    private readonly IReadOnlyList<LayerWeights>? _layers;
    private readonly AttentionWeights[] _attention;
    // Per layer: keys and values of the cached tokens, oldest first, each token D keys then D values.
    private readonly List<double[]>[] _cache;

    private ModelReference(ModelConfig c, FoldingOptions o, AttentionWeights[] attention, IReadOnlyList<LayerWeights>? layers)
    {
        _c = c;
        _o = o;
        _attention = attention;
        _layers = layers;
        _cache = [.. attention.Select(_ => new List<double[]>())];
    }

    /// <summary>One attention block (pre-norm attention and residual), streamed.</summary>
    public static ModelReference Attention(ModelConfig c, FoldingOptions o, AttentionWeights weights) => new(c, o, [weights], null);

    /// <summary>Every layer of an encoder, streamed; the step returns the chunk rows.</summary>
    public static ModelReference Encoder(ModelConfig c, FoldingOptions o, EncoderWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new(c, o, [.. weights.Layers.Select(l => l.Attention)], weights.Layers);
    }

    /// <summary>
    /// One step: <paramref name="input"/> is (T + R) × D; <paramref name="output"/> is (T + R) × D for an attention
    /// block, T × D for an encoder.
    /// </summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        int d = _c.Width, q = _c.QueryTokens;
        var rows = new double[q][];
        for (int t = 0; t < q; t++)
        {
            rows[t] = new double[d];
            for (int e = 0; e < d; e++) rows[t][e] = input[t * d + e];
        }
        for (int l = 0; l < _attention.Length; l++)
        {
            rows = AttentionStep(l, rows);
            if (_layers is not null) rows = FeedForward(_layers[l], rows);
        }
        int outRows = _layers is null ? q : _c.ChunkTokens;
        for (int t = 0; t < outRows; t++)
            for (int e = 0; e < d; e++) output[t * d + e] = (float)rows[t][e];
    }

    private double[][] AttentionStep(int layer, double[][] x)
    {
        var w = _attention[layer];
        int d = _c.Width, n = _o.Fold, sub = d / n;
        int heads = _o.Heads == HeadPolicy.KeepHeads || n == 1 ? _c.Heads : _c.Heads / n;
        int headWidth = sub / heads;
        double scale = 1 / Math.Sqrt(headWidth);

        var normed = x.Select(row => LayerNorm(row, w.NormInput)).ToArray();
        var queries = normed.Select(row => Folded(row, w.Query, n)).ToArray();
        // The fused key/value projection gives, per sub-position, sub keys then sub values; split them into D keys and D values.
        var current = normed.Select(row =>
        {
            var kv = Folded(row, w.KeyValue, n);
            var token = new double[2 * d];
            for (int j = 0; j < n; j++)
                for (int e = 0; e < sub; e++)
                {
                    token[j * sub + e] = kv[j * 2 * sub + e];
                    token[d + j * sub + e] = kv[j * 2 * sub + sub + e];
                }
            return token;
        }).ToArray();
        var keys = _cache[layer].Concat(current).ToList();

        var attended = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            attended[t] = new double[d];
            for (int j = 0; j < n; j++)
                for (int h = 0; h < heads; h++)
                {
                    int column = j * sub + h * headWidth;
                    // Every key token contributes its N sub-rows; the head is the same slice of each sub-row.
                    var scores = new double[keys.Count * n];
                    for (int k = 0; k < keys.Count; k++)
                        for (int kj = 0; kj < n; kj++)
                        {
                            double dot = 0;
                            for (int e = 0; e < headWidth; e++) dot += queries[t][column + e] * keys[k][kj * sub + h * headWidth + e];
                            scores[k * n + kj] = dot * scale;
                        }
                    double max = scores.Max(), sum = 0;
                    for (int i = 0; i < scores.Length; i++) sum += scores[i] = Math.Exp(scores[i] - max);
                    for (int k = 0; k < keys.Count; k++)
                        for (int kj = 0; kj < n; kj++)
                        {
                            double p = scores[k * n + kj] / sum;
                            for (int e = 0; e < headWidth; e++) attended[t][column + e] += p * keys[k][d + kj * sub + h * headWidth + e];
                        }
                }
        }

        int outputFold = _o.Projections == FoldedProjections.Qkvo ? n : 1;
        var y = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            var projected = Folded(attended[t], w.Output, outputFold);
            y[t] = [.. x[t].Zip(projected, (a, b) => a + b)];
        }

        // The chunk's tokens (not the look-ahead) join the cache, which keeps the newest LeftContextTokens.
        _cache[layer].AddRange(current.Take(_c.ChunkTokens));
        int excess = _cache[layer].Count - _c.LeftContextTokens;
        if (excess > 0) _cache[layer].RemoveRange(0, excess);
        return y;
    }

    private double[][] FeedForward(LayerWeights w, double[][] x)
    {
        int fold = _o.FoldFfn ? _o.Fold : 1;
        return [.. x.Select(row =>
        {
            var hidden = Folded(LayerNorm(row, w.FeedForward.Norm), w.FeedForward.Expand, fold).Select(Gelu).ToArray();
            var back = Folded(hidden, w.FeedForward.Contract, fold);
            return LayerNorm([.. row.Zip(back, (a, b) => a + b)], w.NormOutput);
        })];
    }

    /// <summary>A token through a linear folded by <paramref name="fold"/>: sub-position j through block j, or the shared block.</summary>
    private static double[] Folded(double[] token, ProjectionWeights w, int fold)
    {
        int blocks = w.Blocks.Count;
        if (blocks != 1 && blocks != fold) throw new ArgumentException($"{blocks} weight blocks for a fold of {fold}");
        int inputs = w.Blocks[0].Inputs, outputs = w.Blocks[0].Outputs;
        if (inputs * fold != token.Length) throw new ArgumentException($"a {token.Length}-wide token does not fold by {fold} into {inputs}-wide pieces");
        var y = new double[outputs * fold];
        for (int j = 0; j < fold; j++)
        {
            var b = w.Blocks[blocks == 1 ? 0 : j];
            var weight = b.Weight;
            var bias = b.Bias;
            for (int o = 0; o < outputs; o++)
            {
                double s = bias[o];
                for (int i = 0; i < inputs; i++) s += (double)weight[o * inputs + i] * token[j * inputs + i];
                y[j * outputs + o] = s;
            }
        }
        return y;
    }

    /// <summary>PyTorch's LayerNorm: biased variance, ε = 1e-5.</summary>
    private static double[] LayerNorm(double[] x, NormWeights w)
    {
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        double inverse = 1 / Math.Sqrt(variance + ModelConfig.LayerNormEpsilon);
        var gain = w.Gain;
        var shift = w.Shift;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (x[i] - mean) * inverse * gain[i] + shift[i];
        return y;
    }

    /// <summary>Exact GELU, x·Φ(x) = ½·x·(1 + erf(x/√2)).</summary>
    public static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>
    /// erf(z) = (2/√π)·e^(−z²)·Σₙ 2ⁿ·z^(2n+1) / (1·3·5·…·(2n+1)): every term positive, so no cancellation; beyond
    /// |z| = 6, erf is ±1 to double precision (erfc(6) ≈ 2·10⁻¹⁷).
    /// </summary>
    public static double Erf(double z)
    {
        double a = Math.Abs(z);
        if (a >= 6) return Math.Sign(z);
        double term = a, sum = a;
        for (int n = 1; n < 400 && term > 1e-17 * sum; n++)
        {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.Sign(z) * 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum;
    }
}
