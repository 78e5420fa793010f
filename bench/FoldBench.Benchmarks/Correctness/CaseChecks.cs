using BenchmarkDotNet.Running;
using FoldBench.Benchmarks.Peers;
using FoldBench.Benchmarks.Suites;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
using FoldBench.Model;
using FoldBench.Results;
using static FoldBench.Benchmarks.Sweep.CaseDescriber;

namespace FoldBench.Benchmarks.Correctness;

/// <summary>
/// Each suite's check of a case, on the case's shape and folding options, with seeded inputs: kernels and projections
/// against the kernels' double-precision reference, the attention block and the encoder step against
/// <see cref="ModelReference"/>, an independent double-precision streaming model. Built from the case's parameters
/// alone, so it needs no benchmark instance.
/// </summary>
public static class CaseChecks
{
    /// <summary>Whether the case's output matches its reference; null for suites without a check (calibration).</summary>
    public static bool? Check(BenchmarkCase bc) => Evaluate(bc).Correct;

    /// <summary>
    /// The case's check and, for an int8 case, its accuracy cost (null otherwise): what the correctness diagnoser records
    /// per case. Kernels and projections at int8 are checked exactly against the int8 reference and within the
    /// quantization bound of fp32; the attention block, encoder step and RNN-T step at int8 within <see cref="Int8Tolerance"/>
    /// of their fp32 reference (their error relative to max(1, max|y|)).
    /// </summary>
    public static (bool? Correct, QuantizationError? Error) Evaluate(BenchmarkCase bc)
    {
        ArgumentNullException.ThrowIfNull(bc);
        var type = bc.Descriptor.Type;
        if (SuiteCases.PrecisionOf(bc) == Precision.Int8)
        {
            var path = KernelPaths.Parse(Param<string>(bc, "Path"));
            if (Precisions.Int8Counterpart(path) is not { } q || !QuantizedPaths.IsSupported(q)) return (null, null);
            if (typeof(ModelSuiteBase).IsAssignableFrom(type) && type != typeof(ProjectionBenchmarks))
            {
                var ci = ModelPresets.Get(Param<string>(bc, "Preset")).WithChunk(Param<int>(bc, "ChunkTokens"));
                var oi = OptionsOf(bc);
                ci.Validate(oi);
                CheckOutcome? outcome = type == typeof(AttentionBlockBenchmarks) ? AttentionBlockInt8(ci, oi, path)
                    : type == typeof(EncoderStepBenchmarks) ? EncoderStepInt8(ci, oi, path)
                    : type == typeof(RnntStepBenchmarks) ? RnntStepInt8(ci, oi, path)
                    : null;
                if (outcome is null) return (null, null);
                return (outcome.Correct, outcome.Int8 is { } e ? new QuantizationError { MaxAbs = e.Max, Rms = e.Rms, MaxAbsReference = e.Scale } : null);
            }
            Int8Check? int8 = null;
            if (type == typeof(KernelBenchmarks)) int8 = KernelInt8(q, Param<int>(bc, "M"), Param<int>(bc, "KN"));
            else if (type == typeof(ProjectionBenchmarks))
            {
                var config = ModelPresets.Get(Param<string>(bc, "Preset")).WithChunk(Param<int>(bc, "ChunkTokens"));
                var options = OptionsOf(bc);
                config.Validate(options);
                int8 = ProjectionsInt8(config, options, path);
            }
            if (int8 is { } r) return (r.Correct, r.Error);
        }
        return (CheckFp32(bc), null);
    }

    private static bool? CheckFp32(BenchmarkCase bc)
    {
        var type = bc.Descriptor.Type;
        if (type == typeof(KernelBenchmarks))
            return Kernel(KernelPaths.Parse(Param<string>(bc, "Path")), Param<int>(bc, "M"), Param<int>(bc, "KN"));
        if (type == typeof(PeerBenchmarks))
            return Peer(PeerRegistry.Create(Param<string>(bc, "Peer")), Param<int>(bc, "M"), Param<int>(bc, "KN"));
        if (!typeof(ModelSuiteBase).IsAssignableFrom(type)) return null;

        var c = ModelPresets.Get(Param<string>(bc, "Preset")).WithChunk(Param<int>(bc, "ChunkTokens"));
        var o = OptionsOf(bc);
        c.Validate(o);
        var path = KernelPaths.Parse(Param<string>(bc, "Path"));
        if (type == typeof(ProjectionBenchmarks)) return Projections(c, o, path);
        if (type == typeof(AttentionBlockBenchmarks)) return AttentionBlock(c, o, path);
        if (type == typeof(EncoderStepBenchmarks)) return EncoderStep(c, o, path);
        if (type == typeof(RnntStepBenchmarks)) return RnntStep(c, o, path);
        return null;
    }

    /// <summary>The kernel case against the double-precision reference and its fp32 error bound.</summary>
    public static bool Kernel(KernelPath path, int m, int kn)
    {
        var rng = new Random(1234);
        float[] w = Inputs.Uniform(rng, kn * kn), bias = Inputs.Uniform(rng, kn), x = Inputs.Uniform(rng, m * kn);
        float[] actual = new float[m * kn];
        Linear.Project(x, m, PackedWeights.Pack(w, kn, kn, bias, path), actual);
        return Reference.Check(x, m, w, kn, kn, bias, actual).Correct;
    }

    /// <summary>
    /// A peer library on the kernel case's inputs, against the same reference and bound as FoldBench's
    /// paths (an int8 peer: <see cref="PeerOutput"/>); null when the peer cannot run here.
    /// </summary>
    public static bool? Peer(IProjectionPeer peer, int m, int kn)
    {
        if (peer.Availability is not null) return null;
        var rng = new Random(1234);
        float[] w = Inputs.Uniform(rng, kn * kn), bias = Inputs.Uniform(rng, kn), x = Inputs.Uniform(rng, m * kn);
        float[] actual = new float[m * kn];
        using var prepared = peer.Prepare(w, bias, m, kn, kn);
        prepared.Run(x, actual);
        return PeerOutput(peer, x, m, w, kn, kn, bias, actual).Correct;
    }

    /// <summary>
    /// Whether a peer's Y is right for these inputs, and its largest error: an fp32 peer within the fp32 bound of the
    /// double-precision reference; an int8 peer (<see cref="IQuantizedPeer"/>) matching the int8 model of its arithmetic
    /// with FoldBench's weight quantization and within the quantization bound of the fp32 projection
    /// (<see cref="QuantizedAgreement"/>).
    /// </summary>
    public static (bool Correct, string Detail) PeerOutput(IProjectionPeer peer, float[] x, int m, float[] w, int n, int k, float[] bias, float[] actual)
    {
        if (peer is IQuantizedPeer q)
        {
            var v = QuantizedAgreement.Check(q.Activations, x, m, w, n, k, bias, actual);
            return (v.Correct, v.ToString());
        }
        var check = Reference.Check(x, m, w, n, k, bias, actual);
        return (check.Correct, $"largest error {check.MaxError:E2}");
    }

    /// <summary>
    /// The projections suite's seeded input and one layer's projections for these options, in order: each one's fold,
    /// weight blocks and sub-width (Q, K, V fold by the fold; O by the output fold when only QKV fold). The blocks are
    /// drawn lazily after X from one generator, so every check sees the same numbers.
    /// </summary>
    private static (float[] X, int Rows, int Width, IEnumerable<(int Fold, (float[] Weight, float[] Bias)[] Weights, int Sub)> Layer) LayerOf(
        ModelConfig c, FoldingOptions o)
    {
        var g = new FoldGeometry(c, o);
        int rows = ProjectionBenchmarks.Rows(c), d = c.Width;
        var rng = new Random(42);
        var x = Inputs.Uniform(rng, rows * d);
        IEnumerable<(int, (float[], float[])[], int)> Layer()
        {
            for (int p = 0; p < ProjectionBenchmarks.ProjectionsPerLayer; p++)
            {
                bool output = p == ProjectionBenchmarks.ProjectionsPerLayer - 1;
                int fold = output ? g.OutputFold : g.Fold, sub = d / fold;
                yield return (fold, AttentionProjection.RandomBlocks(sub, output ? g.OutputBlocks : g.AttentionBlocks, rng), sub);
            }
        }
        return (x, rows, d, Layer());
    }

    /// <summary>
    /// One layer's four projections as the suite lays them out for these options (<see cref="ProjectionBenchmarks.Layer"/>),
    /// run through the suite's own <see cref="AttentionProjection.Apply"/>, against the kernels' double-precision reference
    /// applied sub-position by sub-position: columns [j·sub, (j+1)·sub) of every token through block j (block-diagonal) or
    /// through the shared block, with the D×D output projection unfolded when only QKV fold.
    /// </summary>
    public static bool Projections(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var (x, rows, d, layer) = LayerOf(c, o);
        bool ok = true;
        foreach (var (fold, weights, sub) in layer)
        {
            var actual = new float[rows * d];
            new AttentionProjection(d, fold, weights, path).Apply(x, rows, actual);
            var expected = new double[rows * d];
            var magnitude = new double[rows * d];
            for (int j = 0; j < fold; j++)
            {
                var (w, b) = weights[weights.Length == 1 ? 0 : j];
                Reference.Project(x[(j * sub)..], rows, d, w, sub, sub, b, default, d, false, expected.AsSpan(j * sub), magnitude.AsSpan(j * sub));
            }
            ok &= Reference.Check(actual, expected, magnitude, rows, d, d, sub).Correct;
        }
        return ok;
    }

    /// <summary>
    /// The int8 kernel case on the suite's seeded inputs (<see cref="Kernel"/>'s): exact against <see cref="QuantizedReference"/>
    /// and within the quantization bound of the fp32 projection.
    /// </summary>
    public static Int8Check KernelInt8(QuantizedPath path, int m, int kn)
    {
        var rng = new Random(1234);
        float[] w = Inputs.Uniform(rng, kn * kn), bias = Inputs.Uniform(rng, kn), x = Inputs.Uniform(rng, m * kn);
        var weights = QuantizedWeights.Pack(w, kn, kn, bias, path);
        float[] actual = new float[m * kn];
        QuantizedLinear.Project(x, m, weights, actual, QuantizedScratch.For(weights, Math.Max(1, m)));
        var check = new Int8Comparison();
        check.Add(actual, x, m, kn, w, kn, kn, bias, kn);
        return check.Result();
    }

    /// <summary>
    /// One layer's four projections at int8, as the suite lays them out (<see cref="ProjectionBenchmarks.Layer"/>), each
    /// block against <see cref="QuantizedReference"/> on its columns: exact, and within the quantization bound of fp32.
    /// </summary>
    public static Int8Check ProjectionsInt8(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var (x, rows, d, layer) = LayerOf(c, o);
        var check = new Int8Comparison();
        foreach (var (fold, weights, sub) in layer)
        {
            var actual = new float[rows * d];
            new AttentionProjection(d, fold, weights, path, Precision.Int8, rows).Apply(x, rows, actual);
            for (int j = 0; j < fold; j++)
            {
                var (w, b) = weights[weights.Length == 1 ? 0 : j];
                check.Add(actual.AsSpan(j * sub), x.AsSpan(j * sub), rows, d, w, sub, sub, b, d);
            }
        }
        return check.Result();
    }

    /// <summary>The block on this path against <see cref="ModelReference"/>, step by step until the left context is full.</summary>
    public static bool AttentionBlock(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var weights = AttentionWeights.Random(c, o, seed: 11);
        var fast = new AttentionBlock(c, o, path, weights);
        var reference = ModelReference.Attention(c, o, weights);
        return Agreement.Steps((i, y) => fast.Step(i, y), (i, y) => reference.Step(i, y), fast.InputLength, fast.OutputLength, StepsToFill(c), c.Width);
    }

    public static bool EncoderStep(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        // The double-precision reference of a large model takes long to run: check the first two layers' worth.
        var small = c with { Layers = Math.Min(c.Layers, 2) };
        var weights = EncoderWeights.Random(small, o, seed: 13);
        var fast = new StreamingEncoder(small, o, path, weights);
        var reference = ModelReference.Encoder(small, o, weights);
        return Agreement.Steps((i, y) => fast.Step(i, y), (i, y) => reference.Step(i, y), fast.InputLength, fast.OutputLength, StepsToFill(c), Math.Max(c.Width, c.FfnWidth));
    }

    /// <summary>
    /// The RNN-T pieces against a scalar twin (two encoder layers, as <see cref="EncoderStep"/>): the
    /// transcriber over chunks until the caches are full, then the predictor over a fixed symbol sequence and
    /// the joiner on its outputs. The symbols are given, not picked: a near tie between two logits could
    /// otherwise send the two twins down different paths while both are right.
    /// </summary>
    public static bool RnntStep(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var small = c with { Layers = Math.Min(c.Layers, 2) };
        var fast = new RnntStep(small, o, path, seed: 17, symbolStepsPerFrame: 1);
        var reference = new RnntStep(small, o, KernelPath.Scalar, seed: 17, symbolStepsPerFrame: 1);
        var r = small.Rnnt!;
        int width = Math.Max(Math.Max(c.Width, c.FfnWidth), Math.Max(r.Vocabulary, 4 * r.PredictorWidth));
        bool ok = Agreement.Steps((i, y) => { fast.Encode(i); fast.Encoded.CopyTo(y); }, (i, y) => { reference.Encode(i); reference.Encoded.CopyTo(y); },
            fast.InputLength, fast.Transcriber.OutputLength, StepsToFill(c), width);
        var a = new float[r.EncoderOutputWidth];
        var b = new float[r.EncoderOutputWidth];
        var la = new float[r.Vocabulary];
        var lb = new float[r.Vocabulary];
        var frame = fast.Encoded[..r.EncoderOutputWidth].ToArray();
        foreach (int symbol in new[] { r.Vocabulary - 1, 0, r.Vocabulary / 2, 0 })
        {
            fast.Predictor.Step(symbol, a);
            reference.Predictor.Step(symbol, b);
            ok &= Agreement.Close(b, a, width);
            fast.Joiner.Join(frame, a, la);
            reference.Joiner.Join(frame, b, lb);
            ok &= Agreement.Close(lb, la, width);
        }
        return ok;
    }

    /// <summary>
    /// The int8 block against <see cref="ModelReference"/> (double precision, the same weights), step by step until the
    /// left context is full, within <see cref="Int8Tolerance"/>'s bound for its two int8 layers in series.
    /// </summary>
    public static CheckOutcome AttentionBlockInt8(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var weights = AttentionWeights.Random(c, o, seed: 11);
        var fast = new AttentionBlock(c, o, path, weights, precision: Precision.Int8);
        var reference = ModelReference.Attention(c, o, weights);
        var error = Int8Steps((i, y) => fast.Step(i, y), (i, y) => reference.Step(i, y), fast.InputLength, fast.OutputLength, StepsToFill(c));
        return new CheckOutcome(error.Within(Int8Tolerance.AttentionBlockDepth), error);
    }

    /// <summary>The int8 encoder's first two layers against <see cref="ModelReference"/>, within the bound for 4 int8 layers per encoder layer.</summary>
    public static CheckOutcome EncoderStepInt8(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var small = c with { Layers = Math.Min(c.Layers, 2) };
        var weights = EncoderWeights.Random(small, o, seed: 13);
        var fast = new StreamingEncoder(small, o, path, weights, precision: Precision.Int8);
        var reference = ModelReference.Encoder(small, o, weights);
        var error = Int8Steps((i, y) => fast.Step(i, y), (i, y) => reference.Step(i, y), fast.InputLength, fast.OutputLength, StepsToFill(c));
        return new CheckOutcome(error.Within(Int8Tolerance.EncoderDepth(small.Layers)), error);
    }

    /// <summary>
    /// The int8 RNN-T pieces against the fp32 scalar twin (as <see cref="RnntStep(ModelConfig, FoldingOptions, KernelPath)"/>):
    /// transcriber, predictor and joiner each within the bound of their own chain of int8 layers; the worst of the
    /// three (relative to its bound) is reported.
    /// </summary>
    public static CheckOutcome RnntStepInt8(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var small = c with { Layers = Math.Min(c.Layers, 2) };
        var fast = new RnntStep(small, o, path, seed: 17, symbolStepsPerFrame: 1, precision: Precision.Int8);
        var reference = new RnntStep(small, o, KernelPath.Scalar, seed: 17, symbolStepsPerFrame: 1);
        var r = small.Rnnt!;
        var transcriber = Int8Steps((i, y) => { fast.Encode(i); fast.Encoded.CopyTo(y); }, (i, y) => { reference.Encode(i); reference.Encoded.CopyTo(y); },
            fast.InputLength, fast.Transcriber.OutputLength, StepsToFill(c));
        var a = new float[r.EncoderOutputWidth];
        var b = new float[r.EncoderOutputWidth];
        var la = new float[r.Vocabulary];
        var lb = new float[r.Vocabulary];
        var frame = reference.Encoded[..r.EncoderOutputWidth].ToArray();
        Int8Error predictor = default, joiner = default;
        foreach (int symbol in new[] { r.Vocabulary - 1, 0, r.Vocabulary / 2, 0 })
        {
            fast.Predictor.Step(symbol, a);
            reference.Predictor.Step(symbol, b);
            predictor = predictor.Worst(Int8Tolerance.Measure(a, b));
            fast.Joiner.Join(frame, a, la);
            reference.Joiner.Join(frame, b, lb);
            joiner = joiner.Worst(Int8Tolerance.Measure(la, lb));
        }
        var parts = new[]
        {
            (Error: transcriber, Depth: Int8Tolerance.TranscriberDepth(small.Layers)),
            (Error: predictor, Depth: Int8Tolerance.PredictorDepth(r.PredictorLstmLayers)),
            (Error: joiner, Depth: Int8Tolerance.JoinerDepth(r.PredictorLstmLayers)),
        };
        var worst = parts.MaxBy(p => p.Error.Relative / Int8Tolerance.Bound(p.Depth));
        return new CheckOutcome(parts.All(p => p.Error.Within(p.Depth)), worst.Error);
    }

    /// <summary>The worst error of an int8 step function against its reference over seeded chunks (the same as <see cref="Agreement.Steps"/>).</summary>
    private static Int8Error Int8Steps(Action<float[], float[]> fast, Action<float[], float[]> reference, int inputLength, int outputLength, int steps)
    {
        var rng = new Random(7);
        var a = new float[outputLength];
        var b = new float[outputLength];
        Int8Error worst = default;
        for (int s = 0; s < steps; s++)
        {
            var input = Inputs.Uniform(rng, inputLength);
            fast(input, a);
            reference(input, b);
            worst = worst.Worst(Int8Tolerance.Measure(a, b));
        }
        return worst;
    }

    /// <summary>Steps run before the last comparison, so the left-context cache is full (steady state).</summary>
    private static int StepsToFill(ModelConfig c) => (c.LeftContextTokens + c.ChunkTokens - 1) / c.ChunkTokens + 1;
}

/// <summary>
/// A case's check: whether it passed and, for a model case at int8, the worst error against the reference (max and RMS,
/// <see cref="Int8Error"/>), to be reported beside the verdict: int8 is close, not equal, and how close is worth a column.
/// </summary>
public sealed record CheckOutcome(bool Correct, Int8Error? Int8);

/// <summary>An int8 case's check: exact against the int8 reference, within the quantization bound of fp32, and its error.</summary>
public sealed record Int8Check(bool Exact, bool WithinBound, QuantizationError Error)
{
    public bool Correct => Exact && WithinBound;
}

/// <summary>
/// Gathers an int8 case's outputs block by block against <see cref="QuantizedReference"/>. Exact: the int32 accumulators of
/// the reference (64-bit, from its own quantization of X and W) put through the kernels' epilogue in the same fp32
/// operations and order — (float)acc · (scaleₓ · scale_w) + b — must equal the kernel's output bit for bit. The kernels'
/// accumulators themselves are internal to FoldBench.Kernels. The same integer converts to the same float either way; while
/// |acc| ≤ 127²·K stays below 2²⁴ (K ≤ 1040) the conversion is exact and one unit of an accumulator moves Y by
/// scaleₓ·scale_w, far above an ulp of Y, so an accumulator off by one changes the output. Bound: |Y_int8 − Y_fp32| within <see cref="QuantizedReference.Project"/>'s bound for every
/// output; the error statistics are taken against that double-precision fp32 result.
/// </summary>
public sealed class Int8Comparison
{
    private bool _exact = true, _within = true;
    private double _maxAbs, _sumSquares, _maxReference;
    private long _count;

    /// <summary>
    /// One block: <paramref name="actual"/> holds its M×N outputs at row stride <paramref name="ld"/> (the same stride
    /// as X's rows), from X (M×K at stride <paramref name="ld"/>), W [N×K] and bias.
    /// </summary>
    public void Add(ReadOnlySpan<float> actual, ReadOnlySpan<float> x, int m, int ld, float[] w, int n, int k, float[] bias, int ldy)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(bias);
        var acc = new long[(long)m * n];
        var sx = new float[m];
        var sw = new float[n];
        QuantizedReference.Accumulators(x, m, ld, w, n, k, acc, sx, sw);
        var expected = new double[(m - 1) * ldy + n];
        var bound = new double[expected.Length];
        QuantizedReference.Project(x, m, ld, w, n, k, bias, default, ldy, false, expected, bound);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float y = actual[i * ldy + j];
                float exact = (float)acc[i * n + j] * (sx[i] * sw[j]);
                exact += bias[j];
                _exact &= BitConverter.SingleToInt32Bits(y) == BitConverter.SingleToInt32Bits(exact);
                double e = expected[i * ldy + j], diff = Math.Abs(y - e);
                _within &= diff <= bound[i * ldy + j];
                _maxAbs = Math.Max(_maxAbs, double.IsNaN(diff) ? double.PositiveInfinity : diff);
                _sumSquares += diff * diff;
                _maxReference = Math.Max(_maxReference, Math.Abs(e));
                _count++;
            }
    }

    public Int8Check Result() => new(_exact && _count > 0, _within && _count > 0, new QuantizationError
    {
        MaxAbs = _maxAbs,
        Rms = _count > 0 ? Math.Sqrt(_sumSquares / _count) : 0,
        MaxAbsReference = _maxReference,
    });
}
