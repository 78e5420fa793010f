using BenchmarkDotNet.Running;
using FoldBench.Benchmarks.Peers;
using FoldBench.Benchmarks.Suites;
using FoldBench.Kernels;
using FoldBench.Model;
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
    public static bool? Check(BenchmarkCase bc) => Measure(bc)?.Correct;

    /// <summary>
    /// The case's check with, for a model case at int8, how far its outputs lie from the reference
    /// (<see cref="CheckOutcome.Int8"/>); null for suites without a check.
    /// </summary>
    public static CheckOutcome? Measure(BenchmarkCase bc)
    {
        ArgumentNullException.ThrowIfNull(bc);
        var type = bc.Descriptor.Type;
        if (typeof(ModelSuiteBase).IsAssignableFrom(type) && PrecisionOf(bc) == Precision.Int8 && type != typeof(ProjectionBenchmarks))
        {
            var ci = ModelPresets.Get(Param<string>(bc, "Preset")).WithChunk(Param<int>(bc, "ChunkTokens"));
            var oi = OptionsOf(bc);
            ci.Validate(oi);
            var pi = KernelPaths.Parse(Param<string>(bc, "Path"));
            if (type == typeof(AttentionBlockBenchmarks)) return AttentionBlockInt8(ci, oi, pi);
            if (type == typeof(EncoderStepBenchmarks)) return EncoderStepInt8(ci, oi, pi);
            if (type == typeof(RnntStepBenchmarks)) return RnntStepInt8(ci, oi, pi);
            return null;
        }
        return CheckFp32(bc) is bool ok ? new CheckOutcome(ok, null) : null;
    }

    /// <summary>The case's precision parameter ("fp32" when the suite has none).</summary>
    public static Precision PrecisionOf(BenchmarkCase bc)
    {
        ArgumentNullException.ThrowIfNull(bc);
        return bc.Parameters.Items.Any(p => p.Name == nameof(ModelSuiteBase.Precision))
            ? Precisions.Parse(Param<string>(bc, nameof(ModelSuiteBase.Precision))) : Precision.Fp32;
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
    /// One layer's four projections as the suite lays them out for these options (<see cref="ProjectionBenchmarks.Layer"/>),
    /// run through the suite's own <see cref="AttentionProjection.Apply"/>, against the kernels' double-precision reference
    /// applied sub-position by sub-position: columns [j·sub, (j+1)·sub) of every token through block j (block-diagonal) or
    /// through the shared block, with the D×D output projection unfolded when only QKV fold.
    /// </summary>
    public static bool Projections(ModelConfig c, FoldingOptions o, KernelPath path)
    {
        var g = new FoldGeometry(c, o);
        int rows = ProjectionBenchmarks.Rows(c), d = c.Width;
        var rng = new Random(42);
        int[] folds = [.. Enumerable.Repeat(g.Fold, ProjectionBenchmarks.ProjectionsPerLayer - 1), g.OutputFold];
        int[] blocks = [.. Enumerable.Repeat(g.AttentionBlocks, ProjectionBenchmarks.ProjectionsPerLayer - 1), g.OutputBlocks];
        var x = Inputs.Uniform(rng, rows * d);
        bool ok = true;
        for (int p = 0; p < folds.Length; p++)
        {
            int sub = d / folds[p];
            var weights = AttentionProjection.RandomBlocks(sub, blocks[p], rng);
            var actual = new float[rows * d];
            new AttentionProjection(d, folds[p], weights, path).Apply(x, rows, actual);
            var expected = new double[rows * d];
            var magnitude = new double[rows * d];
            for (int j = 0; j < folds[p]; j++)
            {
                var (w, b) = weights[weights.Length == 1 ? 0 : j];
                Reference.Project(x[(j * sub)..], rows, d, w, sub, sub, b, default, d, false, expected.AsSpan(j * sub), magnitude.AsSpan(j * sub));
            }
            ok &= Reference.Check(actual, expected, magnitude, rows, d, d, sub).Correct;
        }
        return ok;
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
