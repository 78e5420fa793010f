using System.Numerics.Tensors;
using FoldBench.Kernels;

namespace FoldBench.Model;

/// <summary>
/// One chunk of a streaming RNN-T recognizer with a fixed amount of decoding work, what the <c>rnnt</c>
/// suite times: the transcriber step over (T + R)·stride frames (its caches carried), then for each of
/// the T encoder frames <see cref="SymbolStepsPerFrame"/> greedy symbol steps — the joiner scores the
/// frame against the predictor output, the best symbol is fed to the predictor — whatever symbol wins.
/// A real greedy decoder stops a frame at blank and feeds the predictor only emitted symbols
/// (<see cref="GreedyDecoder"/>); fixing the steps makes the work the same in every run and on every
/// machine. The parts run alone too (<see cref="Encode"/>, <see cref="RunPredictor"/>,
/// <see cref="RunJoiner"/>) so that a report can say where a step's time goes.
/// </summary>
public sealed class RnntStep
{
    private readonly float[] _encoded, _predicted, _logits;
    private readonly int[] _symbols;
    private readonly int _blank;

    /// <summary>
    /// Seeded random weights; the encoder is built and packed one layer at a time (as
    /// <see cref="StreamingEncoder(ModelConfig, FoldingOptions, KernelPath, int)"/>), so the unpacked
    /// copy of the whole model never exists.
    /// </summary>
    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); the caller disposes it.</param>
    /// <param name="precision">The number format of every linear layer of the transcriber, predictor and joiner; the rest stays fp32.</param>
    public RnntStep(ModelConfig c, FoldingOptions o, KernelPath path, int seed, int symbolStepsPerFrame, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(c, path, symbolStepsPerFrame, new StreamingEncoder(c, o, path, seed, pool, precision),
            RnntLayout.Assemble(new FoldGeometry(c, o), RandomInit.Source(seed + 1), encoder: false), pool, precision) { }

    public RnntStep(ModelConfig c, FoldingOptions o, KernelPath path, RnntWeights weights, int symbolStepsPerFrame, ProjectionPool? pool = null, Precision precision = Precision.Fp32)
        : this(c, path, symbolStepsPerFrame, new StreamingEncoder(c, o, path, (weights ?? throw new ArgumentNullException(nameof(weights))).Transcriber.Encoder, pool, precision), weights, pool, precision) { }

    private RnntStep(ModelConfig c, KernelPath path, int symbolStepsPerFrame, StreamingEncoder encoder, RnntWeights weights, ProjectionPool? pool, Precision precision)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(symbolStepsPerFrame, 1);
        Transcriber = new Transcriber(c, path, encoder, weights.Transcriber, pool, precision);
        Predictor = new Predictor(c, path, weights.Predictor, pool, precision);
        Joiner = new Joiner(c, path, weights.Joiner, pool, precision);
        SymbolStepsPerFrame = symbolStepsPerFrame;
        _encoded = new float[Transcriber.OutputLength];
        _predicted = new float[Predictor.OutputWidth];
        _logits = new float[Joiner.Symbols];
        _symbols = new int[c.ChunkTokens * symbolStepsPerFrame];
        _blank = Joiner.Symbols - 1;
        Reset();
    }

    public Transcriber Transcriber { get; }
    public Predictor Predictor { get; }
    public Joiner Joiner { get; }
    public ModelConfig Config => Transcriber.Config;
    public KernelPath Path => Transcriber.Path;
    public Precision Precision => Transcriber.Precision;
    public int SymbolStepsPerFrame { get; }
    /// <summary>Feature floats per step: (T + R)·stride frames × F.</summary>
    public int InputLength => Transcriber.InputLength;
    /// <summary>The transcriber output of the last chunk, T × E.</summary>
    public ReadOnlySpan<float> Encoded => _encoded;
    /// <summary>The joiner's logits of the last symbol step.</summary>
    public ReadOnlySpan<float> Logits => _logits;
    /// <summary>The T·K symbols the last <see cref="Decode"/> picked, frame by frame.</summary>
    public ReadOnlySpan<int> Symbols => _symbols;

    /// <summary>Starts an utterance: empty encoder caches, zero LSTM states, the predictor primed with blank (the last symbol).</summary>
    public void Reset()
    {
        Transcriber.ResetCache();
        Predictor.Reset();
        Predictor.Step(_blank, _predicted);
        Array.Fill(_symbols, _blank);
    }

    /// <summary>The whole chunk: <see cref="Encode"/>, then <see cref="Decode"/>.</summary>
    public void Step(ReadOnlySpan<float> frames)
    {
        Encode(frames);
        Decode();
    }

    /// <summary>The transcriber's step over one chunk of frames.</summary>
    public void Encode(ReadOnlySpan<float> frames) => Transcriber.Step(frames, _encoded);

    /// <summary>K symbol steps per encoder frame of the last chunk: joiner, best symbol, predictor.</summary>
    public void Decode()
    {
        int e = Predictor.OutputWidth, k = SymbolStepsPerFrame;
        for (int t = 0; t < Config.ChunkTokens; t++)
        {
            var frame = _encoded.AsSpan(t * e, e);
            for (int s = 0; s < k; s++)
            {
                Joiner.Join(frame, _predicted, _logits);
                int symbol = TensorPrimitives.IndexOfMax(_logits);
                _symbols[t * k + s] = symbol;
                Predictor.Step(symbol, _predicted);
            }
        }
    }

    /// <summary>The predictor's share of a chunk alone: T·K steps, fed the symbols the last <see cref="Decode"/> picked.</summary>
    public void RunPredictor()
    {
        foreach (int symbol in _symbols) Predictor.Step(symbol, _predicted);
    }

    /// <summary>The joiner's share of a chunk alone: T·K calls on the last chunk's frames and the current predictor output.</summary>
    public void RunJoiner()
    {
        int e = Predictor.OutputWidth, k = SymbolStepsPerFrame;
        for (int t = 0; t < Config.ChunkTokens; t++)
            for (int s = 0; s < k; s++) Joiner.Join(_encoded.AsSpan(t * e, e), _predicted, _logits);
    }
}
