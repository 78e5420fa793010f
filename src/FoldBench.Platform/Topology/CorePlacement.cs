using System.Globalization;

namespace FoldBench.Platform.Topology;

/// <summary>Where the measuring thread runs: a CPU (null: unpinned), its type, and why it was chosen, in words.</summary>
public sealed record CoreChoice(int? Cpu, string? Type, string Reason);

/// <summary>
/// Chooses the CPU the benchmark thread is pinned to (`--cpu`) and the CPUs of a projection's workers (`--threads`).
/// </summary>
/// <remarks>
/// Without `--cpu` the thread goes to the last CPU; on a hybrid machine to the last big core instead, because the
/// last CPU of an Intel hybrid is an E-core (its atoms are numbered after its P-cores) and a phone's last one may be
/// its single prime core. `--cpu big` and `--cpu little` take the last CPU of that type. On a machine whose CPUs are
/// all one type both name the same cores as any other: they take the last CPU, as without `--cpu`, and say so (a
/// script written for phones then runs unchanged on a server). Where the types are unknown, or the OS cannot pin,
/// they are an error: nothing could honour them.
/// </remarks>
public static class CorePlacement
{
    /// <summary>
    /// The CPU for <paramref name="request"/>: null (no --cpu), "last", "none", "big", "little" or a CPU number.
    /// Throws <see cref="ArgumentException"/> with a one-line message for a request nothing here can honour.
    /// </summary>
    public static CoreChoice Choose(CpuTopology topology, string? request, int processorCount)
    {
        ArgumentNullException.ThrowIfNull(topology);
        string Type(int cpu) => topology.TypeOf(cpu) ?? CoreTypes.Unknown;
        int last = processorCount - 1;
        switch (request)
        {
            case "none":
                return new CoreChoice(null, null, "unpinned (--cpu none)");
            case "last":
                return new CoreChoice(last, Type(last), $"the last CPU, {last} (--cpu last)" + TypeNote(topology, last));
            case null when topology.IsHybrid && topology.CanPin:
            {
                int cpu = LastOf(topology, CoreTypes.Big);
                return new CoreChoice(cpu, CoreTypes.Big,
                    $"hybrid machine ({topology.Describe()}): no --cpu given, so CPU {cpu}, the last big core: the fastest type, " +
                    "which a foreground app runs on, and the last of them, away from CPU 0 where the OS's housekeeping lands " +
                    "(--cpu little or --cpu N chooses another)");
            }
            case null:
                return new CoreChoice(last, Type(last), $"the last CPU, {last} (the default)" + TypeNote(topology, last));
            case CoreTypes.Big or CoreTypes.Little:
            {
                if (!topology.CanPin)
                    throw new ArgumentException($"option --cpu {request}: this OS cannot pin a thread to a core ({topology.Basis})");
                if (topology.IsHybrid)
                {
                    int cpu = LastOf(topology, request);
                    return new CoreChoice(cpu, request, $"--cpu {request}: CPU {cpu}, the last {request} core ({topology.Describe()})");
                }
                if (topology.Cores.Count > 0 && topology.Cores.All(c => c.Type == CoreTypes.Uniform))
                    return new CoreChoice(last, Type(last),
                        $"--cpu {request} on a machine whose CPUs are all one type ({topology.Basis}): the last CPU, {last}, as without --cpu");
                throw new ArgumentException($"option --cpu {request}: this machine's core types are unknown ({topology.Basis}); " +
                                            "give a CPU number, last or none");
            }
        }
        if (int.TryParse(request, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < processorCount)
            return new CoreChoice(n, Type(n), $"--cpu {n}" + TypeNote(topology, n));
        throw new ArgumentException($"option --cpu expects a CPU number below {processorCount}, big, little, last or none, got '{request}'");
    }

    /// <summary>
    /// The CPUs of the <paramref name="threads"/> − 1 workers that share a projection with the thread on
    /// <paramref name="mainCpu"/>: cores of its own type first, then the nearest types; within a type a physical core
    /// no other thread of the projection has (an SMT sibling shares the FMA units), then the highest numbers, away from
    /// CPU 0. Null when the main thread is unpinned (its workers are too).
    /// </summary>
    public static IReadOnlyList<int>? Workers(CpuTopology topology, int? mainCpu, int threads, int processorCount)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (threads > processorCount)
            throw new ArgumentException($"--threads {threads} needs {threads} CPUs; this machine has {processorCount}");
        if (mainCpu is not int main) return null;
        int mainRank = CpuTopology.Rank(topology.TypeOf(main) ?? CoreTypes.Unknown);
        var candidates = Enumerable.Range(0, processorCount).Where(c => c != main).ToList();
        var usedCores = new HashSet<int> { topology.PhysicalCoreOf(main) };
        var chosen = new List<int>();
        while (chosen.Count < threads - 1)
        {
            int best = candidates
                .OrderBy(c => Math.Abs(CpuTopology.Rank(topology.TypeOf(c) ?? CoreTypes.Unknown) - mainRank))
                .ThenBy(c => usedCores.Contains(topology.PhysicalCoreOf(c)) ? 1 : 0)
                .ThenByDescending(c => c)
                .First();
            chosen.Add(best);
            candidates.Remove(best);
            usedCores.Add(topology.PhysicalCoreOf(best));
        }
        return chosen;
    }

    private static int LastOf(CpuTopology topology, string type) =>
        topology.Cores.Where(c => c.Type == type).Select(c => c.Cpu).DefaultIfEmpty(-1).Max() is int cpu and >= 0 ? cpu
            : throw new ArgumentException($"option --cpu {type}: this machine has no {type} cores ({topology.Describe()})");

    private static string TypeNote(CpuTopology topology, int cpu) =>
        topology.IsHybrid && topology.Core(cpu) is { } core ? $", a {core.Type} core" + (core.Label is { } l ? $" ({l})" : "") : "";
}
