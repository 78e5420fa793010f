namespace FoldBench.Regression.Comparison;

/// <summary>Which number `compare` judges.</summary>
public enum Metric
{
    /// <summary>Time per operation: statistical test on the iteration samples.</summary>
    Time,
    /// <summary>Instructions per operation (deterministic mode): a plain ratio against a tight threshold.</summary>
    Instructions,
}

/// <summary>The knobs of a comparison.</summary>
public sealed record ComparisonOptions
{
    public const double DefaultTimeThreshold = 0.05;
    public const double DefaultInstructionThreshold = 0.01;
    public const double DefaultNoiseNs = 0.3;
    public const double DefaultAlpha = 0.05;

    public Metric Metric { get; init; } = Metric.Time;

    /// <summary>Relative change that counts (0.05 = 5%); null takes the metric's default (5% time, 1% instructions).</summary>
    public double? Threshold { get; init; }

    /// <summary>Absolute noise floor for time, in ns: differences below it never count.</summary>
    public double NoiseNs { get; init; } = DefaultNoiseNs;

    /// <summary>A case of the same run to divide every case by (full name, short name, or a unique part of one).</summary>
    public string? NormalizeTo { get; init; }

    /// <summary>
    /// Judge timings even when the two sides were measured on different CPUs or runtimes. Off by default:
    /// a time measured on another machine says nothing about the change (the memory system, clocks and
    /// vector units differ), so such a comparison is shown but never called a regression.
    /// </summary>
    public bool AllowDifferentHosts { get; init; }

    /// <summary>
    /// Exit 3 instead of 0 when nothing is slower but some case was unstable or moved with suspected
    /// machine drift: for strict users who would rather re-run than pass on a doubtful measurement.
    /// </summary>
    public bool FailOnUnstable { get; init; }

    /// <summary>Significance level of each one-sided test.</summary>
    public double Alpha { get; init; } = DefaultAlpha;

    public double EffectiveThreshold => Threshold ?? (Metric == Metric.Instructions ? DefaultInstructionThreshold : DefaultTimeThreshold);
}
