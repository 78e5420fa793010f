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

    /// <summary>Set when most cases moved by one common factor and the run has no same-run reference.</summary>
    public MachineDrift? MachineDrift { get; init; }

    public int Count(Verdict v) => Cases.Count(c => !c.IsReference && c.Verdict == v);

    public bool HasSlowdown => Cases.Any(c => !c.IsReference && c.Verdict == Verdict.Slower);

    /// <summary>Some case was unstable or drifted, or the whole comparison moved with the machine.</summary>
    public bool HasDoubt => MachineDrift is not null || Count(Verdict.Unstable) > 0 || Count(Verdict.Drifted) > 0;

    public const int ExitOk = 0, ExitRegression = 1, ExitBadInput = 2, ExitUnstable = 3;

    /// <summary>
    /// The gate: 1 on any judged slowdown beyond the threshold or any correctness failure; else 3 when
    /// --fail-on-unstable was given and some case was unstable or drifted; else 0. A wrong result is
    /// wrong on any machine, so correctness counts even when timings are not judged.
    /// </summary>
    public int ExitCode =>
        (Judged && HasSlowdown) || CorrectnessFailures.Count > 0 ? ExitRegression
        : Judged && Options.FailOnUnstable && HasDoubt ? ExitUnstable
        : ExitOk;
}

/// <summary>
/// Most cases moved by the same factor while nothing in the run could tell the machine's speed from the
/// code's: a busier or slower machine is the likely cause, not the change.
/// </summary>
/// <param name="Factor">The common factor: the geometric median of the cases' ratios (1.55: everything 55% slower).</param>
/// <param name="Scatter">How much the cases' ratios scatter around it, as a factor (e^σ, σ the MAD of the log-ratios × 1.4826; 1 with fewer than 5 cases).</param>
/// <param name="Margin">The relative margin a case had to clear beyond the factor to be judged on its own: max(threshold, Scatter³ − 1).</param>
/// <param name="Consistent">Cases whose change the factor explains (<see cref="Verdict.Drifted"/>).</param>
/// <param name="Candidates">Cases it was estimated from (timed cases judged steady, references excluded).</param>
public sealed record MachineDrift(double Factor, double Scatter, double Margin, int Consistent, int Candidates);
