namespace FoldBench.Model;

/// <summary>
/// Built-in configurations. <c>emformer-base</c> is torchaudio's <c>emformer_rnnt_base(4097)</c>
/// (torchaudio.models.emformer_rnnt_base: D = 512, 20 layers, 8 heads, FFN 2048), the likeliest base
/// of the folding paper's LibriSpeech models. The two on-device presets are FoldBench's own illustrative choices — smaller
/// widths of the same architecture for phones and single-board computers — not models from the
/// paper, whose on-device configurations are not public.
/// </summary>
public static class ModelPresets
{
    private static readonly ModelConfig EmformerBase = new()
    {
        Name = "emformer-base",
        Width = 512, Heads = 8, FfnWidth = 2048, Layers = 20,
        // torchaudio: segment 16 frames and right context 4 frames at stride 4; left context 30 tokens.
        ChunkTokens = 4, RightContextTokens = 1, LeftContextTokens = 30,
        Rnnt = new RnntConfig
        {
            InputFeatures = 80, TimeReductionInputWidth = 128, TimeReductionStride = 4,
            EncoderOutputWidth = 1024, PredictorWidth = 512, PredictorLstmLayers = 3,
            LstmLayerNorm = true, Vocabulary = 4097,
        },
    };

    private static readonly ModelConfig OnDevice256 = new()
    {
        Name = "ondevice-256",
        Width = 256, Heads = 4, FfnWidth = 1024, Layers = 12,
        ChunkTokens = 4, RightContextTokens = 1, LeftContextTokens = 30,
        Rnnt = new RnntConfig
        {
            InputFeatures = 80, TimeReductionInputWidth = 64, TimeReductionStride = 4,
            EncoderOutputWidth = 512, PredictorWidth = 256, PredictorLstmLayers = 2,
            LstmLayerNorm = true, Vocabulary = 4097,
        },
    };

    private static readonly ModelConfig OnDevice144 = new()
    {
        Name = "ondevice-144",
        Width = 144, Heads = 4, FfnWidth = 576, Layers = 16,
        ChunkTokens = 4, RightContextTokens = 1, LeftContextTokens = 30,
        Rnnt = new RnntConfig
        {
            InputFeatures = 80, TimeReductionInputWidth = 36, TimeReductionStride = 4,
            EncoderOutputWidth = 256, PredictorWidth = 256, PredictorLstmLayers = 2,
            LstmLayerNorm = true, Vocabulary = 4097,
        },
    };

    private static readonly ModelConfig[] All = [EmformerBase, OnDevice256, OnDevice144];

    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToArray();

    /// <summary>The preset of that name, or an <see cref="ArgumentException"/> listing the names.</summary>
    public static ModelConfig Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigFieldException($"unknown model preset '{name}' (expected one of: {string.Join(", ", Names)})", "preset");
}
