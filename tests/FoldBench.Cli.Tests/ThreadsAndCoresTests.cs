using FoldBench.Results;

namespace FoldBench.Cli.Tests;

/// <summary>`--cpu big|little` and `--threads`: bad values are one line before anything runs; a run records threads, types and placement.</summary>
public class ThreadsAndCoresTests
{
    private static string NewDir() => Path.Combine(Path.GetTempPath(), "foldbench-test-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("--cpu", "huge", "option --cpu expects a CPU number below")]
    [InlineData("--threads", "0", "option --threads")]
    [InlineData("--threads", "1,two", "expects a comma-separated list")]
    public void Bad_values_are_one_line(string option, string value, string message)
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--suites", "attention", option, value, "--out", dir);
        Assert.Equal(2, code);
        // The problem on the first line (the usage line follows it), no stack trace.
        Assert.Contains(message, err.Split('\n')[0]);
        Assert.DoesNotContain("   at ", err);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void More_threads_than_cpus_and_threads_without_a_model_suite_are_refused()
    {
        string dir = NewDir();
        int many = Environment.ProcessorCount + 1;
        var (code, _, err) = CommandLineTests.Invoke("run", "--suites", "attention", "--threads", $"1,{many}", "--out", dir, "--cpu", "none");
        Assert.Equal(2, code);
        Assert.Equal($"foldbench run: --threads {many} needs {many} CPUs; this machine has {Environment.ProcessorCount}", err.Split('\n')[0]);
        var (code2, _, err2) = CommandLineTests.Invoke("run", "--suites", "kernels", "--threads", "2", "--out", dir, "--cpu", "none");
        Assert.Equal(2, code2);
        Assert.StartsWith("foldbench run: option --threads changes none of the suites asked for (it applies to projections, attention, encoder, rnnt)", err2);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_run_at_two_thread_counts_records_each_case_s_threads_and_the_machine_s_core_types()
    {
        if (Environment.ProcessorCount < 2) Assert.Skip("two threads need two CPUs");
        string dir = NewDir();
        // --cpu none: pinning here would pin the test host's own thread.
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "projections,attention", "--presets", "ondevice-144",
            "--chunks", "2", "--folds", "1,2", "--threads", "1,2", "--out", dir, "--cpu", "none", "--no-calibration");
        Assert.True(code == 0, err);
        var s = SummaryStore.Read(dir);
        Assert.Equal(8, s.Cases.Count); // 2 suites × 2 folds × 2 thread counts
        Assert.Equal([1, 2, 1, 2], s.Cases.Where(c => c.Suite == "attention").Select(c => c.Threads!.Value));
        Assert.All(s.Cases, c => Assert.True(c.CorrectnessOk, c.Name));
        Assert.Contains(s.Cases, c => c.Name == "attention ondevice-144 T=2 fold=2 threads=2");
        Assert.Null(s.Placement!.Cpu);
        Assert.Equal("unpinned (--cpu none)", s.Placement.Reason);
        Assert.Null(s.Placement.WorkerCpus); // unpinned: so are the workers
        Assert.NotNull(s.Machine.CpuTypes);
        Assert.Equal(Environment.ProcessorCount, s.Machine.CpuTypes!.Cpus.Count);
        Assert.Contains("## Threads: scaling", File.ReadAllText(Path.Combine(dir, "report.md")));
    }

    [Fact]
    public void A_single_threaded_run_keeps_its_case_names_and_records_one_thread()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--job", "dry", "--suites", "attention", "--presets", "ondevice-144",
            "--chunks", "2", "--folds", "1", "--out", dir, "--cpu", "none", "--no-calibration", "--no-plots");
        Assert.True(code == 0, err);
        var c = Assert.Single(SummaryStore.Read(dir).Cases);
        Assert.Equal(1, c.Threads);
        Assert.Equal("attention ondevice-144 T=2 fold=1", c.Name);
        Assert.DoesNotContain("Threads", c.FullName, StringComparison.Ordinal);
    }
}
