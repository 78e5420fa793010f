namespace FoldBench.Model.Compute;

/// <summary>
/// Scratch buffers for one layer's step, planned once from the configuration. Layers run one
/// after another, so a streaming encoder gives all its layers one workspace.
/// </summary>
internal sealed class Workspace
{
    public Workspace(FoldGeometry g)
    {
        int rows = g.QueryTokens;
        Normed = new float[rows * g.Width];
        Query = new float[rows * g.Width];
        Attention = new float[rows * g.Width];
        Residual = new float[rows * g.Width];
        Hidden = new float[rows * g.FfnWidth];
        Scores = new float[AttentionKernel.ScratchLength(g.QueryRows, g.KeyRows, g.HeadWidth)];
    }

    /// <summary>LayerNorm output (before attention, and before the FFN).</summary>
    public float[] Normed { get; }
    /// <summary>Scaled queries, (T+R)×D floats seen as N·(T+R) sub-rows.</summary>
    public float[] Query { get; }
    /// <summary>Attention output before the output projection.</summary>
    public float[] Attention { get; }
    /// <summary>An encoder layer's attention-block output (residual for the FFN).</summary>
    public float[] Residual { get; }
    /// <summary>FFN hidden activations, (T+R)×F.</summary>
    public float[] Hidden { get; }
    /// <summary>The attention core's scratch: one head's transposed queries, scores and softmax sums.</summary>
    public float[] Scores { get; }
    /// <summary>The int8 projections' quantized rows (empty at fp32), one set for all the layers.</summary>
    public Int8Scratch Quantized { get; } = new();

    public long Bytes => ((long)Normed.Length + Query.Length + Attention.Length + Residual.Length + Hidden.Length + Scores.Length) * sizeof(float)
        + Quantized.Bytes;
}
