using FoldBench.Energy.Sampling;
using FoldBench.Energy.Tests.Support;
using FoldBench.Platform;

namespace FoldBench.Energy.Tests;

public class SamplerTests
{
    [Fact]
    public void A_reader_error_of_any_kind_is_a_recorded_gap_never_a_crash()
    {
        var source = new ScriptedSource();
        using var sampler = new Sampler(source);
        Assert.NotNull(sampler.SampleNow());
        // A short EMI reply: EmiBuffers.ParseMeasurement throws FormatException, which is not an IOException.
        source.ThrowNext = new FormatException("EMI measurement is truncated (8 bytes, need 16)");
        var error = Record.Exception(() => sampler.SampleNow());
        Assert.Null(error);
        Assert.Null(sampler.FailureReason); // one bad reply is a gap, not the end of the source
        Assert.NotNull(sampler.SampleNow());
        Assert.Equal(2, sampler.Count);
    }

    [Fact]
    public void Repeated_gaps_are_recorded_and_the_thread_keeps_sampling()
    {
        var source = new ScriptedSource();
        using var sampler = new Sampler(source);
        sampler.Start();
        Until.Holds(() => sampler.Count >= 2, "two samples");
        source.ThrowNext = new FormatException("EMI measurement is truncated (8 bytes, need 16)");
        Until.Holds(() => sampler.GapCount >= 1, "the sampler thread recording the failed read as a gap");
        int after = sampler.Count;
        Until.Holds(() => sampler.Count > after, "the sampler thread sampling on after the gap");
        Assert.Null(sampler.FailureReason);
        Assert.Contains(sampler.Gaps, g => g.Contains("FormatException") && g.Contains("truncated"));
    }

    [Fact]
    public void A_reader_that_keeps_failing_ends_the_source_with_its_reason()
    {
        var source = new ScriptedSource();
        using var sampler = new Sampler(source);
        for (int i = 0; i < Sampler.MaxConsecutiveErrors; i++)
        {
            source.ThrowNext = new InvalidOperationException("the meter answered nonsense");
            Assert.Null(sampler.SampleNow());
        }
        Assert.Contains("reads in a row failed", sampler.FailureReason);
        Assert.Contains("nonsense", sampler.FailureReason);
    }

    [Fact]
    public void The_sampler_thread_runs_on_the_cpus_it_is_given_not_on_the_benchmarks()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("reads the thread's CPU list from /proc");
        var allowed = ThreadAffinity.OfCurrentThread();
        if (allowed is null || allowed.Count < 2) Assert.Skip("needs two CPUs");
        int benchmarkCpu = allowed[^1];
        int[] others = [.. allowed.Where(c => c != benchmarkCpu)];
        // Started from a thread pinned to the benchmark's CPU, as `foldbench run` pins its main thread: a new thread
        // inherits its creator's CPU set, so unplaced the sampler would share the benchmark's core.
        var source = new ScriptedSource();
        Sampler? sampler = null;
        var starter = new Thread(() =>
        {
            Assert.Null(ThreadAffinity.TrySetCurrentThread([benchmarkCpu]));
            sampler = new Sampler(source, cpus: others);
            sampler.Start();
        });
        starter.Start();
        starter.Join();
        using var s = sampler!;
        Until.Holds(() => s.Count > 0 && s.ThreadId is not null, "the sampler thread running");
        string status = File.ReadAllText($"/proc/self/task/{s.ThreadId}/status");
        string list = status.Split('\n').First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();
        Assert.Equal(ThreadAffinity.Format(others), list);
        Assert.Equal($"CPUs {ThreadAffinity.Format(others)}", s.Placement);
    }
}
