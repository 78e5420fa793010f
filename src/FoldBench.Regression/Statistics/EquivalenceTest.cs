namespace FoldBench.Regression.Statistics;

/// <summary>What a shift test concluded about CURRENT relative to BASE.</summary>
public enum ShiftConclusion
{
    /// <summary>CURRENT is significantly slower than BASE by more than the margin.</summary>
    Slower,
    /// <summary>CURRENT is significantly faster than BASE by more than the margin.</summary>
    Faster,
    /// <summary>The difference is significantly inside the margin on both sides (equivalent).</summary>
    Same,
    /// <summary>Neither: the data cannot tell (too noisy or too few samples for this margin).</summary>
    Inconclusive,
}

/// <summary>The conclusion and the one-sided p-values behind it (PEquivalent is the larger of the two TOST p-values).</summary>
public sealed record EquivalenceResult(
    ShiftConclusion Conclusion,
    double PSlower,
    double PFaster,
    double PEquivalent);

/// <remarks>
/// Hand-written around <see cref="MannWhitney"/>: Perfolizer 0.6.1's <c>SimpleEquivalenceTest</c> and
/// <c>Threshold</c> shift a sample by the larger of several thresholds, but return only a verdict, not the
/// four one-sided p-values reported here, and its Mann-Whitney takes U as a whole number, without tie correction.
/// </remarks>
/// <summary>
/// Mann-Whitney based equivalence testing with a margin that is the larger of a relative threshold and an
/// absolute noise floor, in the spirit of dotnet/performance's ResultsComparer: a change is called slower
/// only when the data show, at level α, a shift beyond the margin; it is called the same only when two
/// one-sided tests (TOST) show the shift is inside the margin on both sides. Anything else is honest
/// "can't tell", which a gate must not turn into a failure.
/// </summary>
public static class EquivalenceTest
{
    public static EquivalenceResult Run(IReadOnlyList<double> baseline, IReadOnlyList<double> current,
                                        double threshold, double noise, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        if (baseline.Count == 0 || current.Count == 0) throw new ArgumentException("the equivalence test needs samples on both sides");

        // Shift every baseline value up and down by its margin: "slower than base + margin" is then a
        // plain one-sided rank test against the shifted set.
        var up = new double[baseline.Count];
        var down = new double[baseline.Count];
        for (int i = 0; i < baseline.Count; i++)
        {
            double b = baseline[i];
            double margin = Math.Max(threshold * Math.Abs(b), noise);
            up[i] = b + margin;
            down[i] = b - margin;
        }

        double pSlower = MannWhitney.PValueGreater(current, up);
        double pFaster = MannWhitney.PValueGreater(down, current);
        double pBelowUpper = MannWhitney.PValueGreater(up, current);
        double pAboveLower = MannWhitney.PValueGreater(current, down);
        double pEquivalent = Math.Max(pBelowUpper, pAboveLower);

        var conclusion =
            pSlower < alpha ? ShiftConclusion.Slower :
            pFaster < alpha ? ShiftConclusion.Faster :
            pEquivalent < alpha ? ShiftConclusion.Same :
            ShiftConclusion.Inconclusive;
        return new EquivalenceResult(conclusion, pSlower, pFaster, pEquivalent);
    }

    /// <summary>
    /// Whether samples of these sizes can reach significance at all: the smallest one-sided p-value of
    /// the rank test is 1 / C(n1 + n2, n1), so 3 against 3 can never get below 0.05.
    /// </summary>
    public static bool CanReachSignificance(int n1, int n2, double alpha)
    {
        if (n1 < 1 || n2 < 1) return false;
        double log = 0; // log C(n1 + n2, n1)
        for (int i = 1; i <= n1; i++) log += Math.Log(n2 + i) - Math.Log(i);
        return -log < Math.Log(alpha) - 1e-12;
    }
}
