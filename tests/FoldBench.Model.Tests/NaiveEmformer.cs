namespace FoldBench.Model.Tests;

/// <summary>
/// The model written again from its definition, independently of the code under test: plain
/// loops, double accumulation, the whole utterance at once, with Emformer's block mask instead
/// of caches, folding done by explicit sub-token indexing, and the score scale applied to the
/// scores (the model folds it into the query weights). Slow on purpose; tests keep sizes tiny.
/// </summary>
internal static class NaiveEmformer
{
    private const double Epsilon = 1e-5;

    /// <summary>
    /// Rows of a whole utterance at one layer: U utterance tokens (segment u / T) followed by one
    /// look-ahead block of R tokens per segment (segment i's block holds frames after segment i).
    /// </summary>
    public sealed record Utterance(double[][] Rows, int UtteranceTokens, int Segments);

    /// <summary>Builds layer-0 rows from frames: utterance = first Segments·T frames; block i = frames [(i+1)T, (i+1)T+R).</summary>
    public static Utterance FromFrames(float[][] frames, ModelConfig c, int segments)
    {
        int t = c.ChunkTokens, r = c.RightContextTokens, u = segments * t;
        var rows = new List<double[]>();
        for (int i = 0; i < u; i++) rows.Add(frames[i].Select(v => (double)v).ToArray());
        for (int i = 0; i < segments; i++)
            for (int k = 0; k < r; k++) rows.Add(frames[(i + 1) * t + k].Select(v => (double)v).ToArray());
        return new Utterance(rows.ToArray(), u, segments);
    }

    public static int SegmentOf(int row, ModelConfig c, Utterance x) =>
        row < x.UtteranceTokens ? row / c.ChunkTokens : (row - x.UtteranceTokens) / Math.Max(1, c.RightContextTokens);

    /// <summary>Emformer's block mask: a row of segment i sees its own look-ahead block and utterance tokens [iT − left, (i+1)T).</summary>
    public static bool Visible(int queryRow, int keyRow, ModelConfig c, Utterance x)
    {
        int seg = SegmentOf(queryRow, c, x);
        if (keyRow >= x.UtteranceTokens) return SegmentOf(keyRow, c, x) == seg;
        return keyRow >= Math.Max(seg * c.ChunkTokens - c.LeftContextTokens, 0) && keyRow < (seg + 1) * c.ChunkTokens;
    }

    public static Utterance Encoder(Utterance x, ModelConfig c, FoldingOptions o, EncoderWeights w)
    {
        foreach (var layer in w.Layers) x = Layer(x, c, o, layer);
        return x;
    }

    public static Utterance Layer(Utterance x, ModelConfig c, FoldingOptions o, LayerWeights w)
    {
        var residual = AttentionBlock(x, c, o, w.Attention);
        int n = o.FoldFfn ? o.Fold : 1;
        var rows = residual.Rows.Select(row =>
        {
            var normed = LayerNorm(row, w.FeedForward.Norm);
            var hidden = FoldedLinear(normed, w.FeedForward.Expand, n).Select(v => Activate(c.Activation, v)).ToArray();
            var back = FoldedLinear(hidden, w.FeedForward.Contract, n);
            var sum = row.Zip(back, (a, b) => a + b).ToArray();
            return LayerNorm(sum, w.NormOutput);
        }).ToArray();
        return x with { Rows = rows };
    }

    /// <summary>x + OutProj(Attention(LayerNorm(x))) over all rows, with the block mask.</summary>
    public static Utterance AttentionBlock(Utterance x, ModelConfig c, FoldingOptions o, AttentionWeights w)
    {
        int d = c.Width, fold = o.Fold, sub = d / fold;
        int heads = o.Heads == HeadPolicy.KeepHeads || fold == 1 ? c.Heads : c.Heads / fold;
        int hd = sub / heads;
        var normed = x.Rows.Select(r => LayerNorm(r, w.NormInput)).ToArray();
        var q = normed.Select(r => FoldedLinear(r, w.Query, fold)).ToArray();            // token × D, sub-token j at [j·sub, (j+1)·sub)
        var kv = normed.Select(r => FoldedLinear(r, w.KeyValue, fold)).ToArray();        // token × 2D, sub-token j at [j·2sub, (j+1)·2sub): k then v
        int rows = x.Rows.Length;
        var attended = new double[rows][];
        double scale = 1.0 / Math.Sqrt(hd);
        for (int qt = 0; qt < rows; qt++)
        {
            attended[qt] = new double[d];
            for (int qj = 0; qj < fold; qj++)
                for (int h = 0; h < heads; h++)
                {
                    // Every visible key token contributes all of its N sub-tokens.
                    var scores = new List<(double Score, int Token, int Sub)>();
                    for (int kt = 0; kt < rows; kt++)
                    {
                        if (!Visible(qt, kt, c, x)) continue;
                        for (int kj = 0; kj < fold; kj++)
                        {
                            double s = 0;
                            for (int e = 0; e < hd; e++)
                                s += q[qt][qj * sub + h * hd + e] * kv[kt][kj * 2 * sub + h * hd + e];
                            scores.Add((s * scale, kt, kj));
                        }
                    }
                    double max = scores.Max(s => s.Score);
                    double total = scores.Sum(s => Math.Exp(s.Score - max));
                    foreach (var (score, kt, kj) in scores)
                    {
                        double p = Math.Exp(score - max) / total;
                        for (int e = 0; e < hd; e++)
                            attended[qt][qj * sub + h * hd + e] += p * kv[kt][kj * 2 * sub + sub + h * hd + e];
                    }
                }
        }
        int outFold = o.Projections == FoldedProjections.Qkvo ? fold : 1;
        var result = new double[rows][];
        for (int t = 0; t < rows; t++)
        {
            var projected = FoldedLinear(attended[t], w.Output, outFold);
            result[t] = x.Rows[t].Zip(projected, (a, b) => a + b).ToArray();
        }
        return x with { Rows = result };
    }

    /// <summary>One token through a folded linear: sub-position j of the input, block j (or the shared block).</summary>
    public static double[] FoldedLinear(double[] token, ProjectionWeights w, int fold)
    {
        int inSub = w.Blocks[0].Inputs, outSub = w.Blocks[0].Outputs;
        var y = new double[outSub * fold];
        for (int j = 0; j < fold; j++)
        {
            var b = w.Blocks[w.Blocks.Count == 1 ? 0 : j];
            var weight = b.Weight;
            for (int o = 0; o < outSub; o++)
            {
                double s = b.Bias[o];
                for (int i = 0; i < inSub; i++) s += weight[o * inSub + i] * token[j * inSub + i];
                y[j * outSub + o] = s;
            }
        }
        return y;
    }

    public static double[] LayerNorm(double[] x, NormWeights w)
    {
        double mean = x.Average();
        double variance = x.Select(v => (v - mean) * (v - mean)).Average();
        double inv = 1 / Math.Sqrt(variance + Epsilon);
        var gain = w.Gain.ToArray();
        var shift = w.Shift.ToArray();
        return x.Select((v, i) => (v - mean) * inv * gain[i] + shift[i]).ToArray();
    }

    /// <summary>The FFN activations from their definitions.</summary>
    public static double Activate(Activation a, double x) => a switch
    {
        Activation.Gelu => Gelu(x),
        Activation.Relu => Math.Max(x, 0),
        Activation.Silu => x / (1 + Math.Exp(-x)),
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>Exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)).</summary>
    public static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>erf from its Maclaurin series for |x| &lt; 3, and from the continued fraction of erfc beyond.</summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        if (z >= 3)
        {
            double t = z;
            for (int k = 80; k >= 1; k--) t = z + k / 2.0 / t;
            double erfc = Math.Exp(-z * z) / (Math.Sqrt(Math.PI) * t);
            return Math.Sign(x) * (1 - erfc);
        }
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-20) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
