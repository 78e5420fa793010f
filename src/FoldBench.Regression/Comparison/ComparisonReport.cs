namespace FoldBench.Regression.Comparison;

/// <summary>Everything a comparison found, ready for a formatter and for the exit code.</summary>
public sealed record ComparisonReport
{
    public required ComparisonOptions Options { get; init; }
    public required string BaseSource { get; init; }
    public required string CurrentSource { get; init; }

    /// <summary>The reference case's full name when normalizing.</summary>
    public string? ReferenceCase { get; init; }

    public required IReadOnlyList<CaseComparison> Cases { get; init; }

    /// <summary>Full names found in only one side.</summary>
    public IReadOnlyList<string> OnlyInBase { get; init; } = [];
    public IReadOnlyList<string> OnlyInCurrent { get; init; } = [];

    /// <summary>Cases present in both but without the data the metric needs, with the reason.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>Cases of CURRENT whose correctness check failed (any case, matched or not).</summary>
    public IReadOnlyList<string> CorrectnessFailures { get; init; } = [];

    /// <summary>How the two sides' hosts differ (CPU, architecture, runtime), or null when they match or one is unrecorded.</summary>
    public string? HostDifference { get; init; }

    /// <summary>
    /// False when timings from different hosts were compared without --allow-different-hosts: the
    /// verdicts are shown for information and no slowdown counts.
    /// </summary>
    public bool Judged { get; init; } = true;

    /// <summary>Geometric mean of the ratios of the judged cases (the reference excluded).</summary>
    public double GeometricMeanRatio { get; init; }

    public int Count(Verdict v) => Cases.Count(c => !c.IsReference && c.Verdict == v);

    public bool HasSlowdown => Cases.Any(c => !c.IsReference && c.Verdict == Verdict.Slower);

    /// <summary>
    /// The gate: 1 on any judged slowdown beyond the threshold or any correctness failure, else 0.
    /// A wrong result is wrong on any machine, so correctness counts even when timings are not judged.
    /// </summary>
    public int ExitCode => (Judged && HasSlowdown) || CorrectnessFailures.Count > 0 ? 1 : 0;
}
