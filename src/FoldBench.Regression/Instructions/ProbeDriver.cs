namespace FoldBench.Regression.Instructions;

/// <summary>The probe side of the protocol: runs each case's operation in the phases of a <see cref="ProbeSchedule"/>.</summary>
public static class ProbeDriver
{
    /// <param name="operations">One delegate per case that performs exactly one operation (e.g. one kernel call).</param>
    public static void Run(IReadOnlyList<Action> operations, ProbeSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(operations);
        schedule.Validate();
        if (operations.Count != schedule.CaseCount)
            throw new ArgumentException($"schedule is for {schedule.CaseCount} cases, got {operations.Count} operations");

        // Warm-up: with tiered compilation off every method is compiled fully optimized on first call,
        // so one pass through the same loop per case takes all JIT work out of the measured phases.
        // Arrays and plain loops from here on: no allocation (a GC would land in some phase) and no
        // interface call (the runtime's dispatch stubs change state as calls accumulate).
        Action[] ops = operations.ToArray();
        int[] phases = schedule.PhaseReps.ToArray();
        for (int c = 0; c < ops.Length; c++) Repeat(ops[c], 1);
        for (int i = 0; i < ProbeSchedule.LeadingMarkers; i++) InstructionMarker.Hit();

        for (int c = 0; c < ops.Length; c++)
            for (int p = 0; p < phases.Length; p++)
            {
                Repeat(ops[c], phases[p]);
                InstructionMarker.Hit();
            }
    }

    // Not inlined, so every phase runs the very same loop code.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Repeat(Action op, int reps)
    {
        for (int i = 0; i < reps; i++) op();
    }
}
