namespace FoldBench.Results;

// The names a run writes into summary.json's "suite" and "regime" fields and that every layer reads back:
// spelt here once. (Kernel path names come from FoldBench.Kernels' KernelPath.Name(), their one home.)
// The classes are SuiteNames and RegimeNames, not Suites and Regimes, because FoldBench.Benchmarks has a
// Suites namespace and several settings types have a Regimes property, either of which would hide them.

/// <summary>The suite names of <see cref="CaseResult.Suite"/> and of the <c>--suites</c> option.</summary>
public static class SuiteNames
{
    public const string Kernels = "kernels";
    public const string Projections = "projections";
    public const string Attention = "attention";
    public const string Encoder = "encoder";
    public const string Peers = "peers";
    /// <summary>A whole streaming RNN-T step: transcriber, then greedy decoding with the predictor and joiner (asked for by name).</summary>
    public const string Rnnt = "rnnt";
    public const string Calibration = "calibration";

    /// <summary>The scalar reference workload of a timed probe run, which <c>compare --normalize-to</c> can divide by.</summary>
    public const string Reference = "reference";

    /// <summary>The suites a sweep runs by default, in the order it runs them (peers only when asked for).</summary>
    public static IReadOnlyList<string> Default { get; } = [Kernels, Projections, Attention, Encoder];

    /// <summary>The model suites: their projections go through the model's layers and can be split across threads (`--threads`).</summary>
    public static IReadOnlyList<string> Model { get; } = [Projections, Attention, Encoder, Rnnt];
}

/// <summary>
/// The parts of an <c>rnnt</c> case (<see cref="CaseResult.Part"/>): the whole chunk step, and each part
/// timed on its own so that a report can say where the step's time and energy go.
/// </summary>
public static class RnntPartNames
{
    /// <summary>The whole chunk: the transcriber, then every frame's symbol steps through joiner and predictor.</summary>
    public const string Step = "step";
    /// <summary>The transcriber: input linear, time reduction, the encoder step, output linear and LayerNorm.</summary>
    public const string Encoder = "encoder";
    /// <summary>The predictor's symbol steps of one chunk (embedding, LSTMs, linear, LayerNorms).</summary>
    public const string Predictor = "predictor";
    /// <summary>The joiner's symbol steps of one chunk (sum, activation, linear to the symbols).</summary>
    public const string Joiner = "joiner";

    /// <summary>The parts a step is split into, in the order a report lists them.</summary>
    public static IReadOnlyList<string> Parts { get; } = [Encoder, Predictor, Joiner];
}

/// <summary>The weight regimes of <see cref="CaseResult.Regime"/> and of the <c>--regimes</c> option.</summary>
public static class RegimeNames
{
    /// <summary>One weight set that stays cache-resident.</summary>
    public const string Cache = "cache";

    /// <summary>A rotation of weight sets larger than the last-level cache.</summary>
    public const string Streamed = "streamed";

    public static IReadOnlyList<string> All { get; } = [Cache, Streamed];

    /// <summary>Cache first, then streamed, then anything else (for ordering rows and series).</summary>
    public static int Order(string? regime) => regime switch { Cache => 0, Streamed => 1, _ => 2 };
}

/// <summary>Where an energy figure comes from (<see cref="EnergyResult.Provenance"/>, <see cref="EnergyRunInfo.Provenance"/>).</summary>
public static class EnergyProvenance
{
    /// <summary>This machine's own counters or meter.</summary>
    public const string Measured = "measured";

    /// <summary>Counters read under a fixture root (e.g. what `foldbench sensors simulate` writes): not this machine's hardware.</summary>
    public const string Simulated = "simulated";

    /// <summary>An external meter's log, mapped onto this host's clock.</summary>
    public const string Trace = "trace";

    /// <summary>True for a figure that is not this machine's measured hardware (null, from results older than the field, is unknown).</summary>
    public static bool IsNotMeasuredHardware(string? provenance) => provenance is Simulated or Trace;
}

/// <summary>
/// The precisions of <see cref="CaseResult.Precision"/> as results files spell them (FoldBench.Kernels' <c>Precision</c>
/// enum writes the same names), and how a reader tells an int8 kernel path ("int8-avxvnni") from an fp32 one.
/// </summary>
public static class PrecisionNames
{
    public const string Fp32 = "fp32";
    public const string Int8 = "int8";

    /// <summary>A case's precision: its recorded one, fp32 for files written before int8 existed.</summary>
    public static string Of(CaseResult c) => c?.Precision ?? Fp32;

    /// <summary>Whether a path name is one of the int8 paths (they all start with "int8-").</summary>
    public static bool IsInt8Path(string? path) => path?.StartsWith("int8-", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>"GFLOP/s" or "GOP/s": the unit of <see cref="CaseResult.Gflops"/> in a precision.</summary>
    public static string ThroughputUnit(string precision) => precision == Int8 ? "GOP/s" : "GFLOP/s";
}
