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
    public static bool? Check(BenchmarkCase bc)
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
    /// paths; null when the peer cannot run here.
    /// </summary>
    public static bool? Peer(IProjectionPeer peer, int m, int kn)
    {
        if (peer.Availability is not null) return null;
        var rng = new Random(1234);
        float[] w = Inputs.Uniform(rng, kn * kn), bias = Inputs.Uniform(rng, kn), x = Inputs.Uniform(rng, m * kn);
        float[] actual = new float[m * kn];
        using var prepared = peer.Prepare(w, bias, m, kn, kn);
        prepared.Run(x, actual);
        return Reference.Check(x, m, w, kn, kn, bias, actual).Correct;
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

    /// <summary>Steps run before the last comparison, so the left-context cache is full (steady state).</summary>
    private static int StepsToFill(ModelConfig c) => (c.LeftContextTokens + c.ChunkTokens - 1) / c.ChunkTokens + 1;
}
