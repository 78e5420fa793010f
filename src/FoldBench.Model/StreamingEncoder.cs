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

    public StreamingEncoder(ModelConfig c, FoldingOptions o, KernelPath path, int seed)
        : this(c, o, path, EncoderWeights.Random(c, o, seed)) { }

    public StreamingEncoder(ModelConfig c, FoldingOptions o, KernelPath path, EncoderWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _g = new FoldGeometry(c, o);
        if (weights.Layers.Count != c.Layers)
            throw new ArgumentException($"encoder weights have {weights.Layers.Count} layers but layers = {c.Layers}", nameof(weights));
        Path = path;
        _ws = new Workspace(_g);
        _layers = new EncoderLayer[c.Layers];
        for (int i = 0; i < _layers.Length; i++)
            _layers[i] = new EncoderLayer(_g, path, weights.Layers[i], _ws, $"layer {i} weights");
        _rows = new float[_g.QueryTokens * _g.Width];
    }

    /// <summary>
    /// Builds an encoder from a .safetensors file by torchaudio Emformer state_dict names (see
    /// <see cref="EmformerStateDict"/>); a missing, misshaped or wrongly typed tensor is a
    /// <see cref="SafeTensorsException"/> naming it.
    /// </summary>
    public static StreamingEncoder Load(string safetensorsPath, ModelConfig c, FoldingOptions? o = null,
        KernelPath? path = null, string? prefix = null)
    {
        o ??= FoldingOptions.Unfolded;
        var weights = EmformerStateDict.Load(safetensorsPath, c, o, prefix);
        return new StreamingEncoder(c, o, path ?? KernelPaths.Best, weights);
    }

    public ModelConfig Config => _g.Config;
    public FoldingOptions Options => _g.Options;
    public FoldGeometry Geometry => _g;
    public KernelPath Path { get; }
    public IReadOnlyList<EncoderLayer> Layers => _layers;

    /// <summary>(T + R) × D.</summary>
    public int InputLength => _rows.Length;
    /// <summary>T × D: the chunk tokens only.</summary>
    public int OutputLength => _g.Config.ChunkTokens * _g.Width;

    public long ParameterCount => _layers.Sum(l => l.ParameterCount);
    public long WeightBytes => _layers.Sum(l => l.WeightBytes);
    /// <summary>Bytes of all layers' key/value buffers (left-context caches and this step's keys/values).</summary>
    public long CacheBytes => _layers.Sum(l => l.Attention.CacheBytes);
    /// <summary>Bytes of scratch shared by the layers plus the encoder's row buffer.</summary>
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
