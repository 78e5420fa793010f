using System.Text.Json;
using System.Text.Json.Serialization;
using FoldBench.Kernels;

namespace FoldBench.Model;

/// <summary>
/// <c>foldbench model --json</c>: the configuration, the folding options, the baseline's fold factor and each fold
/// factor's accounts, as <see cref="Folds"/> for one chunk size or nested under <see cref="Chunks"/> for several.
/// Reductions are against the baseline of the same chunk size (<see cref="ModelReport.ReductionPercent"/>).
/// </summary>
public sealed record ModelDocument
{
    /// <summary>The configuration as its file is written (<see cref="ModelConfig.ToJson"/>), so the two never differ.</summary>
    public required JsonElement Config { get; init; }
    public required ModelDocumentOptions Options { get; init; }
    public required int BaselineFold { get; init; }
    /// <summary>One chunk size: one entry per fold factor; null when <see cref="Chunks"/> is given.</summary>
    public IReadOnlyList<ModelFold>? Folds { get; init; }
    /// <summary>Several chunk sizes, each with its folds; null when <see cref="Folds"/> is given.</summary>
    public IReadOnlyList<ModelChunk>? Chunks { get; init; }

    /// <summary>One chunk size: <paramref name="accounts"/> against <paramref name="baseline"/>.</summary>
    public static ModelDocument Of(ModelAccount baseline, IReadOnlyList<ModelAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(accounts);
        if (accounts.Count == 0) throw new ArgumentException("no accounts to report", nameof(accounts));
        return Head(accounts[0], baseline) with { Folds = [.. accounts.Select(a => ModelFold.Of(a, baseline, NamesPrecision(accounts)))] };
    }

    /// <summary>
    /// One chunk size at several precisions: each precision's folds against its own baseline (the same chunk size and
    /// precision, normally fold 1), in one <see cref="Folds"/> list, every entry naming its precision.
    /// </summary>
    public static ModelDocument OfPrecisions(IReadOnlyList<ChunkAccounts> precisions)
    {
        ArgumentNullException.ThrowIfNull(precisions);
        if (precisions.Count == 0 || precisions.Any(c => c.Folds.Count == 0)) throw new ArgumentException("no accounts to report", nameof(precisions));
        bool named = NamesPrecision(precisions.SelectMany(c => c.Folds));
        return Head(precisions[0].Folds[0], precisions[0].Baseline) with
        {
            Folds = [.. precisions.SelectMany(c => c.Folds.Select(a => ModelFold.Of(a, c.Baseline, named)))],
        };
    }

    /// <summary>
    /// Whether the fold entries name their precision: whenever any is not fp32. An all-fp32 document leaves the key out,
    /// so it is byte for byte what it was before int8 accounting existed (no precision: fp32).
    /// </summary>
    private static bool NamesPrecision(IEnumerable<ModelAccount> accounts) => accounts.Any(a => a.Precision != Precision.Fp32);

    /// <summary>Several chunk sizes; the configuration shown is the first chunk size's.</summary>
    public static ModelDocument Of(IReadOnlyList<ChunkAccounts> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0 || chunks.Any(c => c.Folds.Count == 0)) throw new ArgumentException("no accounts to report", nameof(chunks));
        bool named = NamesPrecision(chunks.SelectMany(c => c.Folds));
        return Head(chunks[0].Folds[0], chunks[0].Baseline) with
        {
            Chunks = [.. chunks.Select(c => new ModelChunk(c.ChunkTokens, [.. c.Folds.Select(a => ModelFold.Of(a, c.Baseline, named))]))],
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, ModelJsonContext.Default.ModelDocument);

    private static ModelDocument Head(ModelAccount first, ModelAccount baseline)
    {
        var o = first.Options;
        using var config = JsonDocument.Parse(first.Config.ToJson());
        return new ModelDocument
        {
            Config = config.RootElement.Clone(),
            Options = new ModelDocumentOptions(
                FoldingOptions.Names.Of(o.Heads), FoldingOptions.Names.Of(o.Sharing), FoldingOptions.Names.Of(o.Projections),
                o.FoldFfn, first.Elementwise.Activation.Name.ToLowerInvariant()),
            BaselineFold = baseline.Options.Fold,
        };
    }
}

/// <summary>The folding switches, spelt as on the command line, and the FFN activation.</summary>
public sealed record ModelDocumentOptions(string Heads, string Sharing, string Projections, bool FoldFfn, string Activation);

/// <summary>One chunk size's folds.</summary>
public sealed record ModelChunk(int ChunkTokens, IReadOnlyList<ModelFold> Folds);

/// <summary>
/// One fold factor's accounts; <see cref="ReductionPercent"/> is against the baseline, rounded to 4 decimals.
/// <see cref="Precision"/> ("fp32" or "int8") is written when the document holds a precision other than fp32; absent, fp32.
/// </summary>
public sealed record ModelFold(
    int Fold,
    string? Precision,
    ModelFoldParameters Parameters,
    ModelFoldBytes Bytes,
    ModelFoldReductions ReductionPercent,
    ModelFoldResident Resident,
    ModelStep EncoderStep,
    ModelStep PerLayer,
    ModelStep AttentionBlock)
{
    public static ModelFold Of(ModelAccount a, ModelAccount baseline, bool namePrecision = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(baseline);
        var p = a.Parameters;
        var b = baseline.Parameters;
        return new ModelFold(
            a.Options.Fold,
            namePrecision || a.Precision != Kernels.Precision.Fp32 ? a.Precision.Name() : null,
            new ModelFoldParameters(p.Model.Parameters, p.Encoder.Parameters, p.AttentionProjections.Parameters, p.Ffn.Parameters,
                p.Norms.Parameters, p.RestOfModel.Parameters, a.LayerParameters, a.AttentionBlockParameters),
            new ModelFoldBytes(ModelStorage.Of(p.Model), ModelStorage.Of(p.Encoder), ModelStorage.Of(p.AttentionProjections), ModelStorage.Of(p.Ffn)),
            new ModelFoldReductions(
                Reduction(p.Model.Parameters, b.Model.Parameters),
                Reduction(p.Encoder.Parameters, b.Encoder.Parameters),
                Reduction(p.AttentionProjections.Parameters, b.AttentionProjections.Parameters),
                Reduction(a.TotalMacs, baseline.TotalMacs),
                Reduction(a.BytesMovedPerToken, baseline.BytesMovedPerToken),
                Reduction(a.Footprint.TotalBytes, baseline.Footprint.TotalBytes)),
            new ModelFoldResident(a.Footprint.WeightBytes, a.Footprint.CacheBytes, a.Footprint.ScratchBytes, a.Footprint.TotalBytes),
            ModelStep.Of(a.EncoderStep),
            ModelStep.Of(a.PerLayer),
            ModelStep.Of(a.AttentionBlock));
    }

    private static double Reduction(double value, double baseline) => Math.Round(ModelReport.ReductionPercent(value, baseline), 4);
}

public sealed record ModelFoldParameters(long Model, long Encoder, long AttentionProjections, long Ffn, long Norms, long RestOfModel, long Layer, long AttentionBlock);

/// <summary>Storage of each parameter group in fp32, fp16 and int8.</summary>
public sealed record ModelFoldBytes(ModelStorage Model, ModelStorage Encoder, ModelStorage AttentionProjections, ModelStorage Ffn);

public sealed record ModelStorage(long Fp32, long Fp16, long Int8)
{
    public static ModelStorage Of(ParameterGroup g) => new(g.BytesFp32, g.BytesFp16, g.BytesInt8);
}

public sealed record ModelFoldReductions(double Model, double Encoder, double AttentionProjections, double TotalMacs, double BytesMovedPerToken, double ResidentBytes);

public sealed record ModelFoldResident(long WeightBytes, long CacheBytes, long ScratchBytes, long TotalBytes);

/// <summary>
/// One step's work and traffic (<see cref="StepCost"/>); the two ratios rounded to 4 decimals. <see cref="QuantizedRowBytes"/>:
/// the int8 projections' quantized rows written and read back, included in <see cref="BytesMoved"/>; absent at fp32.
/// </summary>
public sealed record ModelStep(
    long ProjectionMacs,
    long ScoreMacs,
    long FfnMacs,
    long TotalMacs,
    long WeightBytesRead,
    long ActivationBytes,
    long CacheBytes,
    long ScoreBytes,
    long BytesMoved,
    double BytesMovedPerToken,
    double ArithmeticIntensity,
    ModelStepElementwise Elementwise,
    long? QuantizedRowBytes)
{
    public static ModelStep Of(StepCost s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var e = s.Elementwise;
        return new ModelStep(
            s.ProjectionMacs, s.ScoreMacs, s.FfnMacs, s.TotalMacs, s.WeightBytesReadPerStep, s.ActivationBytesPerStep, s.CacheBytesPerStep,
            s.ScoreBytesPerStep, s.BytesMovedPerStep, Math.Round(s.BytesMovedPerToken, 4), Math.Round(s.ArithmeticIntensity, 4),
            new ModelStepElementwise(e.SoftmaxExps, e.ActivationElements, e.ActivationTranscendentals, e.LayerNormElements, e.LayerNormRows,
                e.ResidualElements, e.SoftmaxFlops, e.LayerNormFlops, e.ActivationFlops, e.Flops),
            s.QuantizedRowBytesPerStep == 0 ? null : s.QuantizedRowBytesPerStep);
    }
}

public sealed record ModelStepElementwise(
    long SoftmaxExps,
    long ActivationElements,
    long ActivationTranscendentals,
    long LayerNormElements,
    long LayerNormRows,
    long ResidualElements,
    long SoftmaxFlops,
    long LayerNormFlops,
    long ActivationFlops,
    long Flops);

/// <summary>The source-generated serializer of <see cref="ModelDocument"/>: indented camelCase; the absent one of folds and chunks left out.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelDocument))]
public sealed partial class ModelJsonContext : JsonSerializerContext;
