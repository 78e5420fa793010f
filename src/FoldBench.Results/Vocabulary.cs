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
    public const string Calibration = "calibration";

    /// <summary>The scalar reference workload of a timed probe run, which <c>compare --normalize-to</c> can divide by.</summary>
    public const string Reference = "reference";

    /// <summary>The suites a sweep runs by default, in the order it runs them (peers only when asked for).</summary>
    public static IReadOnlyList<string> Default { get; } = [Kernels, Projections, Attention, Encoder];
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
