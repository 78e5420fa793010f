using FoldBench.Platform;
using FoldBench.Kernels;
using FoldBench.Platform.Topology;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// The threads of a model suite's projections (`--threads N`): the benchmark thread and N − 1 workers, each pinned
/// to the CPU <see cref="CorePlacement.Workers"/> gives next to the benchmark thread's own (cores of its type first,
/// on physical cores of their own). An unpinned benchmark thread (`--cpu none`) has unpinned workers.
/// </summary>
public static class ProjectionThreads
{
    /// <summary>The CPU the calling thread is pinned to, or null when it may run on several.</summary>
    public static int? PinnedCpu() => ThreadAffinity.OfCurrentThread() is { Count: 1 } cpus ? cpus[0] : null;

    /// <summary>The workers' CPUs for <paramref name="threads"/> threads next to <paramref name="mainCpu"/> (null: unpinned).</summary>
    public static IReadOnlyList<int>? WorkerCpus(CpuTopology topology, int? mainCpu, int threads) =>
        CorePlacement.Workers(topology, mainCpu, threads, Environment.ProcessorCount);

    /// <summary>A pool for <paramref name="threads"/> threads placed next to the calling thread; null for one thread.</summary>
    public static ProjectionPool? Start(int threads)
    {
        if (threads <= 1) return null;
        var cpus = WorkerCpus(CpuTopology.Current(), PinnedCpu(), threads);
        return new ProjectionPool(threads, worker => cpus is null ? null : ThreadAffinity.TryPinCurrentThread(cpus[worker - 1]));
    }
}
