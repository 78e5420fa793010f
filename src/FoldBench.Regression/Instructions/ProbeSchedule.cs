namespace FoldBench.Regression.Instructions;

/// <summary>
/// The phase layout shared by the probe (which runs it) and the runner (which reads callgrind's dumps
/// back): after warm-up, two lead-in markers, then for each case three timed-by-instructions phases of
/// R1, R2 and again R1 operations, each closed by a marker.
/// </summary>
/// <remarks>
/// Instructions per operation = (I(R2) − I(R1)) / (R2 − R1): the difference cancels the constant cost
/// of the loop and of the marker call. The repeated R1 phase shows whether counts are reproducible.
/// The first marker's dump holds process start-up and JIT; the second holds the return path of the
/// first native call (its stub is bound lazily), so both are discarded.
/// </remarks>
public sealed record ProbeSchedule(int CaseCount, int R1, int R2)
{
    public const int LeadingMarkers = 2;
    public const int PhasesPerCase = 3;

    public int ExpectedMarkers => LeadingMarkers + CaseCount * PhasesPerCase;

    /// <summary>The operation counts of one case's phases, in order.</summary>
    public IReadOnlyList<int> PhaseReps => [R1, R2, R1];

    public void Validate()
    {
        if (CaseCount < 1) throw new ArgumentException("the probe needs at least one case");
        if (R1 < 1 || R2 <= R1) throw new ArgumentException($"--reps needs 1 ≤ R1 < R2, got {R1},{R2}");
    }

    /// <summary>
    /// Whether two runs of the same phase agree. Identical code paths give counts a few instructions
    /// apart at most (the runtime's GC poll on the way back from the marker call); anything beyond
    /// 0.01% means something else ran inside the phase.
    /// </summary>
    public static bool IsRepeatable(long a, long b) => Math.Abs(a - b) <= Math.Max(64, 1e-4 * Math.Max(a, b));

    /// <summary>
    /// Per-case counts from the instructions executed between consecutive markers
    /// (<paramref name="intervals"/>[i] = instructions from marker i−1 to marker i, marker −1 = start).
    /// </summary>
    public IReadOnlyList<CaseInstructions> Evaluate(IReadOnlyList<long> intervals)
    {
        if (intervals.Count != ExpectedMarkers)
            throw new InvalidOperationException(
                $"callgrind wrote {intervals.Count} phase dumps, expected {ExpectedMarkers}: the marker function '{InstructionMarker.FunctionName}' was called by something else, or the probe stopped early");
        var result = new List<CaseInstructions>(CaseCount);
        for (int c = 0; c < CaseCount; c++)
        {
            int at = LeadingMarkers + c * PhasesPerCase;
            long first = intervals[at], big = intervals[at + 1], again = intervals[at + 2];
            double perOp = (big - (first + again) / 2.0) / (R2 - R1);
            result.Add(new CaseInstructions(c, perOp, first, big, again, IsRepeatable(first, again)));
        }
        return result;
    }
}

/// <summary>One case's instruction count per operation and the raw phase totals it came from.</summary>
public sealed record CaseInstructions(int CaseIndex, double PerOp, long PhaseR1, long PhaseR2, long PhaseR1Again, bool Repeatable);
