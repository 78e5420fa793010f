using System.Text.Json;

namespace FoldBench.Model;

/// <summary>
/// One streaming transformer (Emformer-style) configuration. Sizes are in tokens after time
/// reduction: a step consumes <see cref="ChunkTokens"/> new tokens plus
/// <see cref="RightContextTokens"/> look-ahead tokens, and attends to the cached keys/values of
/// the last <see cref="LeftContextTokens"/> tokens. There is no memory bank (torchaudio's
/// <c>max_memory_size = 0</c>).
/// </summary>
public sealed record ModelConfig
{
    /// <summary>LayerNorm epsilon, PyTorch's default (torchaudio's Emformer does not change it).</summary>
    public const float LayerNormEpsilon = 1e-5f;

    public required string Name { get; init; }
    /// <summary>D: model width.</summary>
    public required int Width { get; init; }
    /// <summary>H: attention heads of the unfolded model.</summary>
    public required int Heads { get; init; }
    /// <summary>F: hidden width of the feed-forward network.</summary>
    public required int FfnWidth { get; init; }
    /// <summary>L: encoder layers.</summary>
    public required int Layers { get; init; }
    /// <summary>T: new tokens per streaming step (Emformer's segment length after time reduction).</summary>
    public required int ChunkTokens { get; init; }
    /// <summary>R: look-ahead tokens appended to each chunk.</summary>
    public int RightContextTokens { get; init; }
    /// <summary>Tokens of earlier chunks whose keys/values each layer caches.</summary>
    public int LeftContextTokens { get; init; }
    /// <summary>The FFN's activation (torchaudio's <c>activation</c>); <c>gelu</c> as in <c>emformer_rnnt_base</c>.</summary>
    public Activation Activation { get; init; } = Activation.Gelu;
    /// <summary>The rest of an RNN-T around the encoder, for whole-model sizes; null when not modelled.</summary>
    public RnntConfig? Rnnt { get; init; }

    /// <summary>Rows each layer computes per step: the chunk and its look-ahead (T + R).</summary>
    public int QueryTokens => ChunkTokens + RightContextTokens;

    /// <summary>Keys/values each query sees in steady state: left context, chunk and look-ahead.</summary>
    public int KeyTokens => LeftContextTokens + ChunkTokens + RightContextTokens;

    /// <summary>Audio seconds one token stands for (frame shift × time-reduction stride), when the RNN-T front end is known.</summary>
    public double? TokenSeconds => Rnnt is null ? null : Rnnt.TimeReductionStride * Rnnt.FrameShiftMs / 1000.0;

    /// <summary>The same model streamed with another chunk size.</summary>
    public ModelConfig WithChunk(int tokens)
    {
        if (tokens <= 0) throw Field("chunkTokens", $"chunkTokens must be positive, got {tokens}");
        return this with { ChunkTokens = tokens };
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the offending field when the configuration
    /// (and, when given, the folding options) cannot be built.
    /// </summary>
    public void Validate(FoldingOptions? o = null)
    {
        if (string.IsNullOrWhiteSpace(Name)) throw Field("name", "name must not be empty");
        Positive("width", Width);
        Positive("heads", Heads);
        Positive("ffnWidth", FfnWidth);
        Positive("layers", Layers);
        Positive("chunkTokens", ChunkTokens);
        NotNegative("rightContextTokens", RightContextTokens);
        NotNegative("leftContextTokens", LeftContextTokens);
        if (!Enum.IsDefined(Activation)) throw Field("activation", $"unknown activation {Activation}");
        if (Width % Heads != 0)
            throw Field("heads", $"width D = {Width} is not divisible by heads H = {Heads}");
        Rnnt?.Validate(Width);
        if (o is not null) ValidateFolding(o);
    }

    private void ValidateFolding(FoldingOptions o)
    {
        if (!Enum.IsDefined(o.Heads)) throw Field("heads", $"unknown head policy {o.Heads}");
        if (!Enum.IsDefined(o.Sharing)) throw Field("sharing", $"unknown weight sharing {o.Sharing}");
        if (!Enum.IsDefined(o.Projections)) throw Field("projections", $"unknown projection set {o.Projections}");
        int n = o.Fold;
        if (n <= 0) throw Field("fold", $"fold factor N must be positive, got {n}");
        if (Width % n != 0) throw Field("fold", $"fold factor N = {n} does not divide width D = {Width}");
        if (o.Heads == HeadPolicy.KeepHeads && Width % (n * Heads) != 0)
            throw Field("fold", $"keeping H = {Heads} heads at fold N = {n} needs N·H = {n * Heads} to divide width D = {Width}");
        if (o.Heads == HeadPolicy.ReduceHeads && Heads % n != 0)
            throw Field("fold", $"reducing heads at fold N = {n} needs N to divide heads H = {Heads}");
        if (o.FoldFfn && FfnWidth % n != 0)
            throw Field("fold", $"folding the FFN at fold N = {n} needs N to divide ffnWidth F = {FfnWidth}");
    }

    private static void Positive(string field, int value)
    {
        if (value <= 0) throw Field(field, $"{field} must be positive, got {value}");
    }

    private static void NotNegative(string field, int value)
    {
        if (value < 0) throw Field(field, $"{field} must not be negative, got {value}");
    }

    internal static ConfigFieldException Field(string field, string message) => new(message, field);

    /// <summary>Reads and validates a configuration file (JSON; keys as in <see cref="ToJson"/>; unknown keys are errors).</summary>
    public static ModelConfig Load(string jsonPath)
    {
        string text = File.ReadAllText(jsonPath);
        return Parse(text, $"config '{jsonPath}'");
    }

    /// <summary>Parses and validates a configuration; <paramref name="source"/> prefixes error messages.</summary>
    public static ModelConfig Parse(string json, string source = "config")
    {
        try
        {
            var config = ConfigJson.Read(json);
            config.Validate();
            return config;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source} is not valid JSON: {e.Message}", e);
        }
        catch (ConfigFieldException e)
        {
            throw new ConfigFieldException($"{source}: {e.Message}", e.Field);
        }
    }

    /// <summary>The configuration as the JSON that <see cref="Load"/> reads.</summary>
    public string ToJson() => ConfigJson.Write(this);
}

/// <summary>
/// The rest of a torchaudio-style Emformer RNN-T (<c>emformer_rnnt_model</c>): input linear and
/// time reduction in front of the encoder, the encoder's output linear and LayerNorm, the LSTM
/// predictor and the joiner. FoldBench counts them (<see cref="ModelAccounting"/>) and runs them
/// (<see cref="Transcriber"/>, <see cref="Predictor"/>, <see cref="Joiner"/>); folding applies to
/// the encoder only. Frames of the front end are <see cref="TimeReductionStride"/> per token: a
/// streaming step reads (T + R)·stride feature frames.
/// </summary>
public sealed record RnntConfig
{
    /// <summary>Acoustic features per frame (80 log-mel bins).</summary>
    public required int InputFeatures { get; init; }
    /// <summary>Width of the bias-free input linear, before time reduction (128).</summary>
    public required int TimeReductionInputWidth { get; init; }
    /// <summary>Frames stacked into one token (4); TimeReductionInputWidth × stride must equal D.</summary>
    public required int TimeReductionStride { get; init; }
    /// <summary>Encoder output linear width, also the predictor output and joiner input (1024).</summary>
    public required int EncoderOutputWidth { get; init; }
    /// <summary>Symbol embedding width, which is also the LSTM hidden width in torchaudio's factory (512).</summary>
    public required int PredictorWidth { get; init; }
    /// <summary>LSTM layers of the predictor (3).</summary>
    public required int PredictorLstmLayers { get; init; }
    /// <summary>Whether the LSTMs carry LayerNorms (torchaudio: true, and then x2g has no bias).</summary>
    public bool LstmLayerNorm { get; init; } = true;
    /// <summary>Epsilon of the LSTMs' LayerNorms (<c>lstm_layer_norm_epsilon</c>: 1e-3 in <c>emformer_rnnt_base</c>).</summary>
    public double LstmLayerNormEpsilon { get; init; } = 1e-3;
    /// <summary>The joiner's activation (<c>relu</c> in <c>emformer_rnnt_model</c>, or <c>tanh</c>).</summary>
    public JoinerActivation JoinerActivation { get; init; } = JoinerActivation.Relu;
    /// <summary>Output symbols including blank (4097).</summary>
    public required int Vocabulary { get; init; }
    /// <summary>Feature frame shift in milliseconds (10), to turn tokens into audio time.</summary>
    public double FrameShiftMs { get; init; } = 10;

    internal void Validate(int width)
    {
        Positive("rnnt.inputFeatures", InputFeatures);
        Positive("rnnt.timeReductionInputWidth", TimeReductionInputWidth);
        Positive("rnnt.timeReductionStride", TimeReductionStride);
        Positive("rnnt.encoderOutputWidth", EncoderOutputWidth);
        Positive("rnnt.predictorWidth", PredictorWidth);
        Positive("rnnt.vocabulary", Vocabulary);
        if (PredictorLstmLayers < 0)
            throw ModelConfig.Field("rnnt.predictorLstmLayers", $"rnnt.predictorLstmLayers must not be negative, got {PredictorLstmLayers}");
        if (!(LstmLayerNormEpsilon > 0) || double.IsInfinity(LstmLayerNormEpsilon))
            throw ModelConfig.Field("rnnt.lstmLayerNormEpsilon", $"rnnt.lstmLayerNormEpsilon must be a positive number, got {LstmLayerNormEpsilon}");
        if (!Enum.IsDefined(JoinerActivation))
            throw ModelConfig.Field("rnnt.joinerActivation", $"unknown joiner activation {JoinerActivation}");
        if (!(FrameShiftMs > 0) || double.IsInfinity(FrameShiftMs))
            throw ModelConfig.Field("rnnt.frameShiftMs", $"rnnt.frameShiftMs must be a positive number, got {FrameShiftMs}");
        if ((long)TimeReductionInputWidth * TimeReductionStride != width)
            throw ModelConfig.Field("rnnt.timeReductionInputWidth",
                $"rnnt.timeReductionInputWidth × rnnt.timeReductionStride = {TimeReductionInputWidth} × {TimeReductionStride} must equal width D = {width}");
    }

    private static void Positive(string field, int value)
    {
        if (value <= 0) throw ModelConfig.Field(field, $"{field} must be positive, got {value}");
    }
}

/// <summary>
/// A configuration or folding option that cannot be built. <see cref="ArgumentException.ParamName"/>
/// (and <see cref="Field"/>) is the offending field as spelled in the JSON file; the message is one
/// line, without .NET's "(Parameter ...)" suffix, so the command line can print it as it is.
/// </summary>
public sealed class ConfigFieldException(string message, string field) : ArgumentException(message, field)
{
    private readonly string _message = message;

    public string Field => ParamName!;

    public override string Message => _message;
}
