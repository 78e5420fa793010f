using FoldBench.Kernels;
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
/// At <see cref="Precision.Int8"/> only what the int8 linear layers change: each stores one byte per weight, one fp32
/// scale per output channel and its fp32 bias (B·(out·in + 8·out) bytes for B blocks of out×in), which is what a step reads
/// and what stays resident; LayerNorm parameters stay fp32. Activations, keys/values and scores stay fp32; every
/// projection call additionally writes its input's quantized rows (K padded to a multiple of 4, one byte each, and one
/// fp32 scale per row) and the kernel reads them back: 2·(rows·K₄ + 4·rows) bytes, counted apart
/// (<see cref="StepCost.QuantizedRowBytesPerStep"/>). The resident scratch gains those rows, one buffer per distinct K
/// shared by all layers, as large as the most rows one call of that K quantizes (<see cref="Compute.Int8Scratch"/>).
/// The rest of the RNN-T follows torchaudio's <c>emformer_rnnt_model</c>; for
/// <c>emformer-base</c> the whole model is 76,738,049 parameters (≈ 292.7 MiB fp32).
/// <see cref="AttentionBlock.ParameterCount"/>, <see cref="EncoderLayer.ParameterCount"/> and
/// <see cref="StreamingEncoder.ParameterCount"/> count the allocated tensors and must agree.
/// </summary>
public static class ModelAccounting
{
    /// <summary>The precisions an account can assume, as the command line spells them ("fp32", "int8").</summary>
    public static IReadOnlyList<string> PrecisionNames { get; } = [.. Precisions.All.Select(p => p.Name())];

    /// <summary>"fp32" or "int8"; anything else is an <see cref="ArgumentException"/> listing both.</summary>
    public static Precision ParsePrecision(string name) => Precisions.Parse(name);

    public static ModelAccount Compute(ModelConfig c, FoldingOptions o, Precision precision = Precision.Fp32)
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
        long layerParameters = attentionProjections + ffn + norms;
        var projections = Projections(g);
        var attentionProjectionShapes = projections.Take(AttentionProjectionCount).ToArray();
        bool int8 = precision == Precision.Int8;
        // The weights as stored: fp32 throughout, or int8 linear layers (bytes, fp32 scales, fp32 bias) and fp32 norms.
        long attentionBlockWeightBytes = int8 ? StoredInt8(attentionProjectionShapes) + 4 * 2 * d : 4 * attentionBlockParameters;
        long layerWeightBytes = int8 ? StoredInt8(projections) + 4 * norms : 4 * layerParameters;
        var attentionBlock = new StepCost(projectionMacs, scoreMacs, 0,
            attentionBlockWeightBytes, 4 * 14 * q * d, cacheBytes, scoreBytes, attentionWork, c.ChunkTokens,
            int8 ? QuantizedRowTraffic(attentionProjectionShapes) : 0);
        var perLayer = new StepCost(projectionMacs, scoreMacs, ffnMacs,
            layerWeightBytes, 4 * (21 * q * d + 4 * q * f), cacheBytes, scoreBytes, layerWork, c.ChunkTokens,
            int8 ? QuantizedRowTraffic(projections) : 0);

        return new ModelAccount(c, o, parameters, rnnt, attentionBlockParameters, layerParameters,
            perLayer * layers, perLayer, attentionBlock, Footprint(g, layers * layerWeightBytes, int8 ? projections : []))
        {
            Precision = precision,
        };
    }

    /// <summary>The query, key/value and output projections come first in <see cref="Projections"/>; the FFN's two linears follow.</summary>
    private const int AttentionProjectionCount = 3;

    /// <summary>
    /// One linear layer of an encoder layer as <see cref="FoldedLinear"/> runs it: <paramref name="Blocks"/> weight blocks of
    /// <paramref name="Outputs"/>×<paramref name="Inputs"/>, each call projecting <paramref name="RowsPerCall"/> rows
    /// (fold·Q through one shared block, Q per block-diagonal block) and <paramref name="Blocks"/> calls per step.
    /// </summary>
    private readonly record struct LinearShape(int Inputs, int Outputs, int Blocks, int RowsPerCall);

    /// <summary>Query, key/value, output, FFN expand, FFN contract: the layer's linear layers, in the order a step runs them.</summary>
    private static LinearShape[] Projections(FoldGeometry g)
    {
        int q = g.QueryTokens, sub = g.SubWidth, outSub = g.Width / g.OutputFold;
        int ffIn = g.Width / g.FfnFold, ffHidden = g.FfnWidth / g.FfnFold;
        int Rows(int blocks, int fold) => blocks == 1 ? fold * q : q;
        return
        [
            new(sub, sub, g.AttentionBlocks, Rows(g.AttentionBlocks, g.Fold)),
            new(sub, 2 * sub, g.AttentionBlocks, Rows(g.AttentionBlocks, g.Fold)),
            new(outSub, outSub, g.OutputBlocks, Rows(g.OutputBlocks, g.OutputFold)),
            new(ffIn, ffHidden, g.FfnBlocks, Rows(g.FfnBlocks, g.FfnFold)),
            new(ffHidden, ffIn, g.FfnBlocks, Rows(g.FfnBlocks, g.FfnFold)),
        ];
    }

    /// <summary>int8 storage: a byte per weight, an fp32 scale and an fp32 bias per output channel, per block.</summary>
    private static long StoredInt8(IEnumerable<LinearShape> shapes) =>
        shapes.Sum(p => (long)p.Blocks * ((long)p.Outputs * p.Inputs + 2L * sizeof(float) * p.Outputs));

    /// <summary>Every call's quantized rows and row scales, written by the quantizer and read by the kernel.</summary>
    private static long QuantizedRowTraffic(IEnumerable<LinearShape> shapes) =>
        shapes.Sum(p => 2 * p.Blocks * Int8Scratch.RowBytes(p.RowsPerCall, p.Inputs));

    /// <summary>
    /// The encoder's resident memory, as <see cref="StreamingEncoder"/> allocates it (see <see cref="ResidentFootprint"/>);
    /// at int8 the scratch also holds, per distinct input width, the most rows one call of that width quantizes.
    /// </summary>
    private static ResidentFootprint Footprint(FoldGeometry g, long weightBytes, IReadOnlyList<LinearShape> int8Projections)
    {
        long d = g.Width, q = g.QueryTokens;
        long keyValue = g.Config.Layers * (g.CacheTokens + q) * 2 * d;
        // Normed, Query, Attention and Residual (Q×D each), Hidden (Q×F), the encoder's rows (Q×D), and the
        // attention core's scratch: one head's Qᵀ, full score matrix and softmax sums over padded query sub-rows.
        long scratch = 5 * q * d + q * g.FfnWidth
            + (long)AttentionKernel.PaddedRows(g.QueryRows) * (g.HeadWidth + g.KeyRows + 1);
        long quantizedRows = int8Projections.GroupBy(p => p.Inputs)
            .Sum(byWidth => Int8Scratch.RowBytes(byWidth.Max(p => p.RowsPerCall), byWidth.Key));
        return new ResidentFootprint(weightBytes, 4 * keyValue, 4 * scratch + quantizedRows);
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
