using FoldBench.Kernels;
using FoldBench.Model;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// What one sweep measures: parsed once from the command line, turned into the suites' cases by
/// <see cref="SuiteCases"/>.
/// </summary>
public sealed record SweepSettings
{
    /// <summary>
    /// The suites to run; by default <see cref="SuiteNames.Default"/>. `peers` is asked for by name: it needs
    /// libraries a device may lack (OpenBLAS, ONNX Runtime) and doubles a quick run's time.
    /// </summary>
    public IReadOnlyList<string> Suites { get; init; } = SuiteNames.Default;

    // Kernels suite.
    public IReadOnlyList<string> KernelPaths { get; init; } = ["best"];
    public IReadOnlyList<int> KernelM { get; init; } = [1, 4, 16, 64];
    public IReadOnlyList<int> KernelKN { get; init; } = [512];
    public IReadOnlyList<string> Regimes { get; init; } = RegimeNames.All;

    // Peers suite (its shapes are the kernels suite's and the projections suite's kernel calls: SuiteCases.PeerShapes).
    public IReadOnlyList<string> Peers { get; init; } = Benchmarks.Peers.PeerRegistry.Names;
    /// <summary>Chunk sizes whose folded projection calls the peers suite runs (a quick run keeps one: each adds a shape per fold per peer).</summary>
    public IReadOnlyList<int> PeerChunkTokens { get; init; } = [1, 2, 4, 8, 16, 32, 64];

    // Model suites.
    public IReadOnlyList<string> Presets { get; init; } = ["emformer-base"];
    public IReadOnlyList<int> ChunkTokens { get; init; } = [1, 2, 4, 8, 16, 32, 64];
    /// <summary>Chunk sizes of the attention-block and encoder-step suites (whole steps cost more per case).</summary>
    public IReadOnlyList<int> StepChunkTokens { get; init; } = [1, 2, 4, 8, 16, 32, 64];
    public IReadOnlyList<int> Folds { get; init; } = [1, 2, 4];
    /// <summary>
    /// The rnnt suite's joiner and predictor calls per encoder frame. One: every frame emits one symbol,
    /// more often than speech does (a few word pieces a second against 25 frames of 40 ms), so the
    /// predictor's share is an upper bound; a greedy decoder calls the joiner at least once per frame.
    /// </summary>
    public int RnntSymbolStepsPerFrame { get; init; } = 1;
    /// <summary>Path the model suites run with (the best one unless asked otherwise).</summary>
    public string ModelPath { get; init; } = "best";

    // Folding options of the model suites: lists, so one sweep can compare them. Each folded case (fold > 1) runs once
    // per combination of the options its suite has (see SuiteCases.FoldingVariants); the unfolded case runs once.
    public IReadOnlyList<HeadPolicy> Heads { get; init; } = [HeadPolicy.KeepHeads];
    public IReadOnlyList<WeightSharing> Sharing { get; init; } = [WeightSharing.Shared];
    public IReadOnlyList<FoldedProjections> Projections { get; init; } = [FoldedProjections.Qkvo];
    public IReadOnlyList<bool> FoldFfn { get; init; } = [false];

    /// <summary>
    /// Threads each projection of the model suites is split across (`--threads`); one case per count. [1], the default,
    /// adds no parameter to the cases, so their names stay those of runs before threads existed.
    /// </summary>
    public IReadOnlyList<int> Threads { get; init; } = [1];

    /// <summary>Whether the model suites' cases carry a thread-count parameter (any count other than 1 was asked for).</summary>
    public bool ThreadsVary => Threads.Any(t => t != 1);

    /// <summary>
    /// The precisions the suites of <see cref="PrecisionSuites"/> run in (`--precision`): each case once per precision, fp32 first.
    /// [fp32], the default, adds no parameter to the cases, so their names stay those of runs before int8 existed.
    /// </summary>
    public IReadOnlyList<Precision> Precisions { get; init; } = [Precision.Fp32];

    /// <summary>Whether the cases carry a "Precision" parameter (a precision other than fp32 was asked for).</summary>
    public bool PrecisionsVary => Precisions.Any(p => p != Precision.Fp32);

    /// <summary>
    /// The suites `--precision` applies to: every one but peers (whose int8 rows are peers of their own). The model suites
    /// run every linear layer int8 and count them as stored (<c>ModelAccounting</c>, <c>RnntStepCost</c> at int8).
    /// </summary>
    public static IReadOnlyList<string> PrecisionSuites { get; } = [SuiteNames.Kernels, SuiteNames.Projections, SuiteNames.Attention, SuiteNames.Encoder, SuiteNames.Rnnt];

    /// <summary>The names `--precision` takes: "fp32", "int8".</summary>
    public static IReadOnlyList<string> PrecisionChoices { get; } = [.. Kernels.Precisions.All.Select(p => p.Name())];

    /// <summary>Parses `--precision`'s names, each once, in the order given; an unknown name throws <see cref="ArgumentException"/>.</summary>
    public static IReadOnlyList<Precision> ParsePrecisions(IEnumerable<string> names) =>
        [.. names.Select(Kernels.Precisions.Parse).Distinct()];
}
