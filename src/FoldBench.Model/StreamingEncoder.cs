using FoldBench.Kernels;
using FoldBench.Model.Compute;

namespace FoldBench.Model;

/// <summary>
/// A stack of L <see cref="EncoderLayer"/>s streamed one chunk per <see cref="Step"/>, each layer
/// keeping its own left-context cache between steps, as a phone would run torchaudio's
/// <c>Emformer.infer</c>. Input: T chunk tokens followed by R look-ahead tokens, (T + R) × D;
/// the look-ahead rows travel through every layer; output: the T chunk tokens, T × D.
/// The front end (input linear, time reduction) and the encoder's output linear are outside the
/// step and counted only by <see cref="ModelAccounting"/>.
/// </summary>
public sealed class StreamingEncoder
{
    private readonly EncoderLayer[] _layers;
    private readonly FoldGeometry _g;
    private readonly float[] _rows;
    private readonly Workspace _ws;

    /// <summary>
    /// Seeded random weights, the same as <see cref="EncoderWeights.Random"/> with that seed, but
    /// generated and packed one layer at a time so that the unpacked copy of the whole model never
    /// exists (it would double the memory a large configuration needs while it is built).
    /// </summary>
    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); the caller disposes it.</param>
    /// <param name="precision">The linear layers' number format (<see cref="EncoderLayer"/>); the layers share one set of quantized rows.</param>
    public StreamingEncoder(ModelConfig c, FoldingOptions o, KernelPath path, int seed, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(new FoldGeometry(c, o), path, RandomLayers(c, o, seed), pool, precision) { }

    public StreamingEncoder(ModelConfig c, FoldingOptions o, KernelPath path, EncoderWeights weights, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(new FoldGeometry(c, o), path, GivenLayers(c, weights), pool, precision) { }

    private StreamingEncoder(FoldGeometry g, KernelPath path, IEnumerable<LayerWeights> layers, ProjectionPool? pool, Precision precision)
    {
        _g = g;
        Path = path;
        Precision = precision;
        _ws = new Workspace(g);
        _layers = new EncoderLayer[g.Config.Layers];
        int i = 0;
        foreach (var weights in layers)
        {
            _layers[i] = new EncoderLayer(g, path, weights, _ws, $"layer {i} weights", pool, precision);
            i++;
        }
        _rows = new float[g.QueryTokens * g.Width];
    }

    private static IEnumerable<LayerWeights> RandomLayers(ModelConfig c, FoldingOptions o, int seed)
    {
        var g = new FoldGeometry(c, o);
        var source = RandomInit.Source(seed);
        for (int i = 0; i < c.Layers; i++) yield return EmformerLayout.AssembleLayer(g, source);
    }

    private static IReadOnlyList<LayerWeights> GivenLayers(ModelConfig c, EncoderWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Layers.Count != c.Layers)
            throw new ArgumentException($"encoder weights have {weights.Layers.Count} layers but layers = {c.Layers}", nameof(weights));
        return weights.Layers;
    }

    /// <summary>
    /// Builds an encoder from a .safetensors file by torchaudio Emformer state_dict names (see
    /// <see cref="EmformerStateDict"/>); a missing, misshaped or wrongly typed tensor is a
    /// <see cref="SafeTensorsException"/> naming it.
    /// </summary>
    public static StreamingEncoder Load(string safetensorsPath, ModelConfig c, FoldingOptions? o = null,
        KernelPath? path = null, string? prefix = null, Precision precision = Precision.Fp32)
    {
        o ??= FoldingOptions.Unfolded;
        var weights = EmformerStateDict.Load(safetensorsPath, c, o, prefix);
        return new StreamingEncoder(c, o, path ?? KernelPaths.Best, weights, precision: precision);
    }

    public ModelConfig Config => _g.Config;
    public FoldingOptions Options => _g.Options;
    public FoldGeometry Geometry => _g;
    public KernelPath Path { get; }
    public Precision Precision { get; }
    public IReadOnlyList<EncoderLayer> Layers => _layers;

    /// <summary>(T + R) × D.</summary>
    public int InputLength => _rows.Length;
    /// <summary>T × D: the chunk tokens only.</summary>
    public int OutputLength => _g.Config.ChunkTokens * _g.Width;

    public long ParameterCount => _layers.Sum(l => l.ParameterCount);
    public long WeightBytes => _layers.Sum(l => l.WeightBytes);

    /// <summary>
    /// Where the caller expects the layers' weights to be when a step runs: <see cref="WeightResidency.Memory"/> when
    /// <see cref="WeightBytes"/> exceed the last-level cache, so each layer's weights come from memory on every step.
    /// Changes speed only (the kernels' single-block tiles then prefetch their own panels), never the output.
    /// </summary>
    public void SetWeightResidency(WeightResidency residency)
    {
        foreach (var layer in _layers) layer.SetWeightResidency(residency);
    }
    /// <summary>Bytes of the parameters as stored at this precision, without packing padding: what <see cref="ResidentFootprint.WeightBytes"/> counts.</summary>
    public long StoredWeightBytes => _layers.Sum(l => l.StoredWeightBytes);
    /// <summary>Bytes of all layers' key/value buffers (left-context caches and this step's keys/values).</summary>
    public long CacheBytes => _layers.Sum(l => l.Attention.CacheBytes);
    /// <summary>Bytes of scratch shared by the layers (at int8 with the quantized rows) plus the encoder's row buffer.</summary>
    public long ScratchBytes => _ws.Bytes + (long)_rows.Length * sizeof(float);

    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputLength) throw AttentionBlock.LengthError(nameof(input), input.Length, InputLength);
        if (output.Length != OutputLength) throw AttentionBlock.LengthError(nameof(output), output.Length, OutputLength);
        var rows = _rows.AsSpan();
        input.CopyTo(rows);
        foreach (var layer in _layers) layer.Step(rows, rows);
        rows[..OutputLength].CopyTo(output);
    }

    public void ResetCache()
    {
        foreach (var layer in _layers) layer.ResetCache();
    }
}
