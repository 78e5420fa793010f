using BenchmarkDotNet.Engines;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// The BenchmarkDotNet jobs a sweep can run with. All run in-process (no per-case project build,
/// and the energy diagnoser sees the benchmark's own process).
/// </summary>
public static class SweepJobs
{
    public static IReadOnlyList<string> Names { get; } = ["quick", "default", "dry"];

    public static Job Get(string name) => name switch
    {
        // Short iterations still long enough (≥ 40 ms) that the timer's resolution and the
        // counters' update periods don't dominate, and 9 iterations for a stable median.
        "quick" => Base("quick")
            .WithWarmupCount(4)
            .WithIterationCount(9)
            .WithIterationTime(TimeInterval.FromMilliseconds(40)),
        "default" => Base("default")
            .WithWarmupCount(6)
            .WithIterationCount(21)
            .WithIterationTime(TimeInterval.FromMilliseconds(200)),
        // One invocation per stage: checks that every case runs, not how fast (tests, smoke runs).
        "dry" => Base("dry")
            .WithStrategy(RunStrategy.ColdStart)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(3)
            .WithInvocationCount(1)
            .WithUnrollFactor(1),
        _ => throw new ArgumentException($"unknown job '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    private static Job Base(string id) => new Job(id)
        .WithToolchain(InProcessEmitToolchain.DontLogOutput)
        .WithLaunchCount(1)
        .WithGcServer(false)
        .WithGcConcurrent(false);
}
