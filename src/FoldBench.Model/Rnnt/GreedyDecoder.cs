using System.Numerics.Tensors;

namespace FoldBench.Model;

/// <summary>Sees each joiner step of <see cref="GreedyDecoder.DecodeFrame"/>: the predictor output it used, the logits and the symbol picked.</summary>
public delegate void GreedyStepObserver(int frame, int symbol, ReadOnlySpan<float> predictorOutput, ReadOnlySpan<float> logits);

/// <summary>
/// Greedy RNN-T decoding over transcriber frames: the predictor starts from the blank symbol with
/// zero states; for each frame, up to <see cref="MaxSymbolsPerFrame"/> times, the joiner scores the
/// frame against the current predictor output and the best symbol (the first on a tie, as
/// <c>torch.argmax</c>) is taken: blank moves on to the next frame, any other symbol is emitted and
/// fed to the predictor.
/// </summary>
public sealed class GreedyDecoder
{
    private readonly Predictor _predictor;
    private readonly Joiner _joiner;
    private readonly float[] _predicted, _logits;
    private int _frame;

    public GreedyDecoder(Predictor predictor, Joiner joiner, int blank, int maxSymbolsPerFrame)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(joiner);
        if (predictor.OutputWidth != joiner.InputWidth || predictor.Symbols != joiner.Symbols)
            throw new ArgumentException("predictor and joiner are of different models");
        ArgumentOutOfRangeException.ThrowIfNegative(blank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blank, joiner.Symbols);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSymbolsPerFrame, 1);
        _predictor = predictor;
        _joiner = joiner;
        Blank = blank;
        MaxSymbolsPerFrame = maxSymbolsPerFrame;
        _predicted = new float[predictor.OutputWidth];
        _logits = new float[joiner.Symbols];
        Reset();
    }

    public int Blank { get; }
    public int MaxSymbolsPerFrame { get; }

    /// <summary>Starts a new utterance: zero LSTM states, the predictor primed with blank.</summary>
    public void Reset()
    {
        _predictor.Reset();
        _predictor.Step(Blank, _predicted);
        _frame = 0;
    }

    /// <summary>Decodes one transcriber frame (E floats), appending the emitted symbols; returns how many.</summary>
    public int DecodeFrame(ReadOnlySpan<float> frame, List<int> emitted, GreedyStepObserver? observe = null)
    {
        ArgumentNullException.ThrowIfNull(emitted);
        int count = 0;
        for (int step = 0; step < MaxSymbolsPerFrame; step++)
        {
            _joiner.Join(frame, _predicted, _logits);
            int symbol = TensorPrimitives.IndexOfMax(_logits);
            observe?.Invoke(_frame, symbol, _predicted, _logits);
            if (symbol == Blank) break;
            emitted.Add(symbol);
            count++;
            _predictor.Step(symbol, _predicted);
        }
        _frame++;
        return count;
    }
}
