using FoldBench.Regression.Statistics;

namespace FoldBench.Regression.Comparison;

/// <summary>The judgement on one case.</summary>
public enum Verdict
{
    Faster,
    Same,
    Slower,
    /// <summary>The data cannot tell whether the case changed by more than the threshold.</summary>
    Noisy,
    /// <summary>
    /// A side's iterations do not come from one steady state (a step or a drift through the run): the
    /// measurement changed under the code, so no shift can be judged. Never a regression.
    /// </summary>
    Unstable,
    /// <summary>
    /// The case moved with the whole comparison's common factor (machine drift suspected, no same-run
    /// reference) and not beyond it. Never a regression.
    /// </summary>
    Drifted,
}

/// <summary>How a verdict was reached.</summary>
public enum CompareMethod
{
    /// <summary>Mann-Whitney equivalence test on the iteration samples.</summary>
    MannWhitney,
    /// <summary>Too few samples for any test to reach significance: medians compared against the margin directly.</summary>
    MediansOnly,
    /// <summary>Deterministic instruction counts compared against the threshold.</summary>
    Instructions,
    /// <summary>Several launches (processes) a side: the Mann-Whitney equivalence test on the launches' levels, one per process.</summary>
    LaunchesMannWhitney,
    /// <summary>
    /// Several launches a side, too few for a rank test to reach the level: slower (faster) only when every
    /// CURRENT launch is beyond every BASE launch by the margin.
    /// </summary>
    LaunchSeparation,
}

/// <summary>One matched case: both values, their ratio, the verdict and why.</summary>
public sealed record CaseComparison
{
    public required string FullName { get; init; }
    public required string DisplayName { get; init; }

    /// <summary>Median per operation (ns, or instructions); CURRENT is rescaled when normalizing.</summary>
    public required double BaseValue { get; init; }
    public required double CurrentValue { get; init; }

    /// <summary>CURRENT / BASE (of medians): above 1 is slower.</summary>
    public required double Ratio { get; init; }

    public required Verdict Verdict { get; init; }
    public required CompareMethod Method { get; init; }

    public int BaseSamples { get; init; }
    public int CurrentSamples { get; init; }

    /// <summary>One-sided p-values of the Mann-Whitney tests (null for other methods).</summary>
    public double? PSlower { get; init; }
    public double? PFaster { get; init; }
    public double? PEquivalent { get; init; }

    /// <summary>Modes found in each side's samples (1 when unimodal or too few samples to tell).</summary>
    public int BaseModes { get; init; } = 1;
    public int CurrentModes { get; init; } = 1;

    /// <summary>True for the --normalize-to reference itself (ratio 1 by construction; not counted).</summary>
    public bool IsReference { get; init; }

    /// <summary>Each side's iterations in the order measured (CURRENT rescaled when normalizing); empty for instructions.</summary>
    public IReadOnlyList<double> BaseSeries { get; init; } = [];
    public IReadOnlyList<double> CurrentSeries { get; init; } = [];

    /// <summary>
    /// With several launches a side (BenchmarkDotNet's LaunchCount ≥ 2): each usable launch's level (the
    /// median of its steady iterations), in launch order; the verdict is judged on these. Empty otherwise.
    /// </summary>
    public IReadOnlyList<double> BaseLaunchLevels { get; init; } = [];
    public IReadOnlyList<double> CurrentLaunchLevels { get; init; } = [];

    /// <summary>Each side's stationarity check (null for instructions, or before it ran).</summary>
    public StationarityResult? BaseStationarity { get; init; }
    public StationarityResult? CurrentStationarity { get; init; }

    /// <summary>
    /// What the verdict was judged on when not every iteration: "CURRENT iterations 12–15 of 15 (the steady
    /// segment after its step at 11)". Null when both sides were judged whole.
    /// </summary>
    public string? JudgedOn { get; init; }

    /// <summary>With machine drift suspected: the ratio divided by the common factor (how far this case moved beyond it).</summary>
    public double? RatioToCommonFactor { get; init; }

    /// <summary>Warnings and explanations (bimodal samples, too few samples…).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public bool Multimodal => BaseModes > 1 || CurrentModes > 1;
}
