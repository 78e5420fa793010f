using FoldBench.Model.Compute;

namespace FoldBench.Model;

/// <summary>
/// Exact size, compute and memory-traffic accounting from a configuration (no measurement).
/// Formulas, per layer, with D width, F FFN width, N fold, T chunk tokens, R look-ahead tokens,
/// C left-context tokens, Q = T + R rows computed per step (Emformer also runs the look-ahead
/// rows through every layer), S = C + T + R keys, B = 1 (shared) or N (block-diagonal):
/// <list type="bullet">
/// <item>attention projections: B·(4(D/N)² + 4D/N) folded (the paper's 4D²/N² + 4D/N when shared);
///   with only QKV folded the output projection keeps D² + D;</item>
/// <item>FFN: 2DF + F + D, or B·(2(D/N)(F/N) + (F + D)/N) when the FFN is folded;</item>
/// <item>norms: three LayerNorms of 2D (pre-attention, FFN, output);</item>
/// <item>projection MACs: Q·(3D²/N + D²/N_o), N_o the output projection's fold; score MACs
///   (QKᵀ and AV over N·Q query and N·S key sub-tokens): 2·N·Q·S·D, independent of the head
///   policy; FFN MACs: 2·Q·D·F/N_f;</item>
/// <item>activation bytes: (21·Q·D + 4·Q·F)·4 per layer (14·Q·D·4 in the attention block);
///   cache bytes: (2·C·D read + 2·min(T, C)·D written)·4;</item>
/// <item>score elements: H_a·(N·Q)·(N·S), H_a the heads on sub-tokens (H keeping heads, H/N reducing them): one
///   exp each, and 4·4 bytes of score-matrix traffic (written, read and rewritten by the softmax, read by ·V);</item>
/// <item>element-wise work per layer: 3 LayerNorms over Q·D, the activation over Q·F, 2 residual additions of
///   Q·D (<see cref="ElementwiseWork"/>);</item>
/// <item>resident footprint of the encoder: fp32 weights, every layer's key/value buffer of (C + Q)·2D floats,
///   and the shared scratch (<see cref="ResidentFootprint"/>).</item>
/// </list>
/// The rest of the RNN-T follows torchaudio's <c>emformer_rnnt_model</c>; for
/// <c>emformer-base</c> the whole model is 76,738,049 parameters (≈ 292.7 MiB fp32).
/// <see cref="AttentionBlock.ParameterCount"/>, <see cref="EncoderLayer.ParameterCount"/> and
/// <see cref="StreamingEncoder.ParameterCount"/> count the allocated tensors and must agree.
/// </summary>
public static class ModelAccounting
{
    public static ModelAccount Compute(ModelConfig c, FoldingOptions o)
    {
        var g = new FoldGeometry(c, o);
        long d = g.Width, f = g.FfnWidth, sub = g.SubWidth;
        long outSub = d / g.OutputFold;
        long ffIn = d / g.FfnFold, ffHidden = f / g.FfnFold;

        long query = g.AttentionBlocks * (sub * sub + sub);
        long keyValue = g.AttentionBlocks * (2 * sub * sub + 2 * sub);
        long output = g.OutputBlocks * (outSub * outSub + outSub);
        long attentionProjections = query + keyValue + output;
        long ffn = g.FfnBlocks * (ffHidden * ffIn + ffHidden + ffIn * ffHidden + ffIn);
        long norms = 3 * 2 * d;
        var rnnt = Rnnt(c);

        int layers = c.Layers;
        var parameters = new ParameterBreakdown(
            new ParameterGroup(attentionProjections * layers),
            new ParameterGroup(ffn * layers),
            new ParameterGroup(norms * layers),
            new ParameterGroup(rnnt.Total));

        long q = c.QueryTokens, s = c.KeyTokens, n = g.Fold;
        long projectionMacs = q * (3 * d * d / n + d * d / g.OutputFold);
        long scoreMacs = 2 * n * q * s * d;
        long ffnMacs = 2 * q * d * f / g.FfnFold;
        long cacheBytes = 4 * (2 * c.LeftContextTokens * d + 2 * Math.Min(c.ChunkTokens, c.LeftContextTokens) * d);
        // Every head scores all N·Q query sub-rows against all N·S key sub-rows: H·N²·Q·S elements keeping H
        // heads, (H/N)·N²·Q·S = H·N·Q·S reducing them (the score MACs are the same: the heads are narrower).
        long scores = g.AttentionHeads * (n * q) * (n * s);
        long scoreBytes = StepCost.ScoreBytesPerElement * scores;
        var activation = ActivationCost.Of(c);
        var attentionWork = new ElementwiseWork(scores, q * d, q, 0, q * d, activation);
        var layerWork = new ElementwiseWork(scores, 3 * q * d, 3 * q, q * f, 2 * q * d, activation);

        long attentionBlockParameters = attentionProjections + 2 * d;
        var attentionBlock = new StepCost(projectionMacs, scoreMacs, 0,
            4 * attentionBlockParameters, 4 * 14 * q * d, cacheBytes, scoreBytes, attentionWork, c.ChunkTokens);
        long layerParameters = attentionProjections + ffn + norms;
        var perLayer = new StepCost(projectionMacs, scoreMacs, ffnMacs,
            4 * layerParameters, 4 * (21 * q * d + 4 * q * f), cacheBytes, scoreBytes, layerWork, c.ChunkTokens);

        return new ModelAccount(c, o, parameters, rnnt, attentionBlockParameters, layerParameters,
            perLayer * layers, perLayer, attentionBlock, Footprint(g, layers * layerParameters));
    }

    /// <summary>The encoder's resident memory, as <see cref="StreamingEncoder"/> allocates it (see <see cref="ResidentFootprint"/>).</summary>
    private static ResidentFootprint Footprint(FoldGeometry g, long encoderParameters)
    {
        long d = g.Width, q = g.QueryTokens;
        long keyValue = g.Config.Layers * (g.CacheTokens + q) * 2 * d;
        // Normed, Query, Attention and Residual (Q×D each), Hidden (Q×F), the encoder's rows (Q×D), and the
        // attention core's scratch: one head's Qᵀ, full score matrix and softmax sums over padded query sub-rows.
        long scratch = 5 * q * d + q * g.FfnWidth
            + (long)AttentionKernel.PaddedRows(g.QueryRows) * (g.HeadWidth + g.KeyRows + 1);
        return new ResidentFootprint(4 * encoderParameters, 4 * keyValue, 4 * scratch);
    }

    /// <summary>The RNN-T parts around the encoder, after torchaudio's <c>emformer_rnnt_model</c>.</summary>
    public static RnntParameters Rnnt(ModelConfig c)
    {
        if (c.Rnnt is not { } r) return RnntParameters.None;
        long d = c.Width, e = r.EncoderOutputWidth, p = r.PredictorWidth, v = r.Vocabulary;
        long inputLinear = (long)r.InputFeatures * r.TimeReductionInputWidth;        // bias-free
        long encoderOutput = d * e + e;                                              // output_linear
        long embedding = v * p;
        // _CustomLSTM: x2g (bias only without layer norm) and bias-free p2g, plus c_norm and g_norm.
        long lstm = 4 * p * p + (r.LstmLayerNorm ? 0 : 4 * p) + 4 * p * p + (r.LstmLayerNorm ? 2 * p + 8 * p : 0);
        long lstms = r.PredictorLstmLayers * lstm;
        long predictorOutput = p * e + e;                                            // predictor linear
        long joiner = e * v + v;
        long norms = 2 * e /* encoder layer_norm */ + 2 * p /* predictor input_layer_norm */ + 2 * e /* output_layer_norm */;
        return new RnntParameters(inputLinear, encoderOutput, embedding, lstms, predictorOutput, joiner, norms);
    }
}
