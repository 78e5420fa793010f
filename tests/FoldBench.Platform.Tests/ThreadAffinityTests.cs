namespace FoldBench.Platform.Tests;

public class ThreadAffinityTests
{
    [Fact]
    public void A_cpu_list_is_printed_as_the_kernel_prints_one()
    {
        Assert.Equal("0-2,5", ThreadAffinity.Format([5, 0, 1, 2]));
        Assert.Equal("3", ThreadAffinity.Format([3]));
        Assert.Equal("0,2,4-5", ThreadAffinity.Format([4, 0, 2, 5, 4]));
    }

    [Fact]
    public void A_thread_restricted_to_one_cpu_reads_back_that_cpu_as_the_kernel_sees_it()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("reads the thread's CPU list from /proc");
        var allowed = ThreadAffinity.OfCurrentThread();
        Assert.NotNull(allowed);
        Assert.NotEmpty(allowed);
        // On a thread of its own: a pool thread keeps its affinity for whatever test runs on it next.
        int cpu = allowed[0];
        IReadOnlyList<int>? seen = null;
        string? kernel = null, error = null;
        var t = new Thread(() =>
        {
            error = ThreadAffinity.TrySetCurrentThread([cpu]);
            seen = ThreadAffinity.OfCurrentThread();
            kernel = File.ReadAllLines($"/proc/self/task/{ThreadAffinity.CurrentThreadId()}/status")
                .First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();
        });
        t.Start();
        t.Join();
        Assert.Null(error);
        Assert.Equal([cpu], seen);
        Assert.Equal(ThreadAffinity.Format([cpu]), kernel);
    }
}
