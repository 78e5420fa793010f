using FoldBench.Benchmarks.Probes;
using FoldBench.Cli;
using FoldBench.Cli.Commands;
using FoldBench.Regression.Comparison;
using FoldBench.Regression.Instructions;
using FoldBench.Regression.Loading;

namespace FoldBench.Regression.Tests;

public class InstructionTests
{
    [Fact]
    public void Under_valgrind_best_is_never_avx512_and_avx512_is_refused()
    {
        // valgrind's virtual CPU has no AVX-512: counting there must name the path valgrind really runs.
        var cases = KernelCases.Expand(["best"], [1], [(64, 64)], underValgrind: true);
        Assert.NotEqual("avx512", cases.Single().Path);
        var e = Assert.ThrowsAny<Exception>(() => KernelCases.Expand(["avx512"], [1], [(64, 64)], underValgrind: true));
        Assert.True(e is ArgumentException or PlatformNotSupportedException, e.GetType().Name);
    }

    [Fact]
    public void Schedule_turns_phase_totals_into_per_operation_counts()
    {
        var s = new ProbeSchedule(CaseCount: 2, R1: 1, R2: 3);
        Assert.Equal(8, s.ExpectedMarkers);
        // start-up, lead-in, then (R1, R2, R1) per case: 100 overhead + 1000 or 5000 per operation.
        long[] intervals = [9_999_999, 17, 1_100, 3_100, 1_100, 5_100, 15_100, 5_102];
        var r = s.Evaluate(intervals);
        Assert.Equal(1000, r[0].PerOp);
        Assert.True(r[0].Repeatable);
        Assert.Equal(4999.5, r[1].PerOp);
        Assert.True(r[1].Repeatable); // 2 instructions apart: the marker's return path, not the kernel

        var e = Assert.Throws<InvalidOperationException>(() => s.Evaluate(intervals[..7]));
        Assert.Contains("expected 8", e.Message);
        Assert.False(ProbeSchedule.IsRepeatable(1_000_000, 1_010_000));
        Assert.Throws<ArgumentException>(() => new ProbeSchedule(1, 3, 3).Validate());
    }

    [Fact]
    public void Callgrind_dumps_are_read_in_order_for_the_main_thread_only()
    {
        using var tmp = new Fixture.TempDir();
        void Dump(string name, long ir) => File.WriteAllText(tmp.File(name),
            $"# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\nevents: Ir\n\nfl=(1) ???\nfn=(1) 0x1\n0 {ir}\n\nsummary: {ir}\ntotals: {ir}\n");
        Dump("cg.out.1-01", 500);
        Dump("cg.out.2-01", 20);
        Dump("cg.out.10-01", 7);
        for (int k = 3; k <= 9; k++) Dump($"cg.out.{k}-01", k * 100);
        Dump("cg.out.2-02", 999_999);   // another thread
        Dump("cg.out-01", 123);         // the final dump at exit, not a marker
        var totals = Callgrind.ReadMainThreadDumps(tmp.FullName);
        Assert.Equal([500L, 20, 300, 400, 500, 600, 700, 800, 900, 7], totals);

        File.Delete(tmp.File("cg.out.5-01"));
        Assert.Contains("missing", Assert.Throws<InvalidOperationException>(() => Callgrind.ReadMainThreadDumps(tmp.FullName)).Message);
        File.WriteAllText(tmp.File("broken"), "events: Ir\n");
        Assert.Throws<InvalidOperationException>(() => Callgrind.ReadTotal(tmp.File("broken")));
    }

    [Fact]
    public void Valgrind_is_told_to_keep_the_jit_above_4_GiB()
    {
        var o = Callgrind.ValgrindOptions("/tmp/x/cg.out");
        Assert.Contains("--aspace-minaddr=0x100000000", o);
        Assert.Contains($"--dump-before={InstructionMarker.FunctionName}", o);
        Assert.Equal("0", Callgrind.DeterministicRuntime["DOTNET_TieredCompilation"]);
    }

    [Fact]
    public void Kernel_probe_runs_and_checks_every_case_in_process()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Cli.Run(["kernel-probe", "--cases", "scalar:2x16x8,best:5x40x24", "--reps", "1,2"], o, e);
        Assert.Equal(0, code);
        Assert.Equal("", e.ToString());
        var reports = ProbeReport.ParseAll(o.ToString(), [new KernelCaseSpec("scalar", 2, 16, 8), new KernelCaseSpec(FoldBench.Kernels.KernelPaths.Name(FoldBench.Kernels.KernelPaths.Best), 5, 40, 24)]);
        Assert.All(reports, r => Assert.True(r.Correct));
        Assert.All(reports, r => Assert.InRange(r.MaxAbsError, 0, 1e-4));
    }

    [Theory]
    [InlineData(new[] { "--cases", "avx2:16x512" }, "is not path:MxKxN")]
    [InlineData(new[] { "--cases", "fast:1x2x3" }, "unknown kernel path 'fast'")]
    [InlineData(new[] { "--reps", "3,1" }, "R1 < R2")]
    [InlineData(new[] { "--cases", "scalar:1x2x3", "--m", "4" }, "not both")]
    [InlineData(new[] { "--out", "x" }, "needs --timed")]
    public void Kernel_probe_rejects_bad_options(string[] args, string expected)
    {
        var e = new StringWriter();
        Assert.Equal(2, Cli.Cli.Run(["kernel-probe", .. args], new StringWriter(), e));
        Assert.Contains(expected, e.ToString().Split('\n')[0]);
    }

    [Fact]
    public void Instruction_options_expand_to_a_fixed_case_order()
    {
        var o = new StringWriter();
        Assert.Equal(0, Cli.Cli.Run(["kernel-probe", "--paths", "scalar", "--m", "1,4", "--k", "64,128", "--n", "32", "--reps", "2,5"], o, new StringWriter()));
        var cases = KernelCases.Expand(["scalar"], [1, 4], [(64, 32), (128, 32)]);
        Assert.Equal(["scalar M=1 K=64 N=32", "scalar M=4 K=64 N=32", "scalar M=1 K=128 N=32", "scalar M=4 K=128 N=32"], cases.Select(c => c.ShortName));
        Assert.Equal("FoldBench.Kernels.Linear.Project(path: scalar, m: 1, k: 64, n: 32)", cases[0].FullName);
        Assert.All(ProbeReport.ParseAll(o.ToString(), cases), r => Assert.True(r.Correct)); // the probe ran these, in this order
        var e = new StringWriter();
        Assert.Equal(2, Cli.Cli.Run(["kernel-probe", "--kn", "64", "--k", "32"], new StringWriter(), e));
        Assert.Contains("not both", e.ToString().Split('\n')[0]);
        Assert.Equal(2, Cli.Cli.Run(["run", "--instructions", "--suites", "kernels"], new StringWriter(), e = new StringWriter()));
        Assert.Contains("--suites does not go with --instructions", e.ToString().Split('\n')[0]);
    }

    /// <summary>
    /// The deterministic gate end to end, with real callgrind: two runs of one small kernel case, the
    /// second with the kernels' test-only switch adding 5% work. Slow: two valgrind runs side by side,
    /// 20–60 s on the 2-core development VM depending on its load.
    /// </summary>
    [Fact]
    public async Task Callgrind_counts_are_reproducible_and_catch_a_five_percent_slowdown()
    {
        if (Callgrind.FindValgrind() is null || !OperatingSystem.IsLinux() ||
            System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Assert.Skip("needs valgrind on x64 Linux");
        using var tmp = new Fixture.TempDir();
        (int Code, string Err) Run(string dir, string? slowdown)
        {
            var (host, hostArgs) = InstructionMode.SelfCommand();
            try
            {
                var r = InstructionRun.Run(new InstructionRunRequest
                {
                    Cases = KernelCases.Expand(["best"], [8], [(128, 128)], underValgrind: true),
                    R1 = 1,
                    R2 = 3,
                    OutDir = tmp.File(dir),
                    Tool = "foldbench test",
                    Host = host,
                    HostArguments = hostArgs,
                    Environment = new Dictionary<string, string?> { [InstructionMode.SlowdownVariable] = slowdown },
                });
                return (r.AllCorrect ? 0 : 1, "");
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                return (1, e.Message);
            }
        }
        // The two valgrind runs are independent processes: run them side by side.
        var baseTask = Task.Run(() => Run("base", null), TestContext.Current.CancellationToken);
        var slowTask = Task.Run(() => Run("slow", "5"), TestContext.Current.CancellationToken);
        var baseRun = await baseTask;
        var slowRun = await slowTask;
        Assert.True(baseRun.Code == 0, baseRun.Err);
        Assert.True(slowRun.Code == 0, slowRun.Err);

        var b = ResultsLoader.Load(tmp.File("base"));
        var s = ResultsLoader.Load(tmp.File("slow"));
        var kernel = b.Cases.Single();
        Assert.True(kernel.Instructions > 8 * 128 * 128 / 16.0, $"implausibly few instructions: {kernel.Instructions}");
        Assert.True(kernel.CorrectnessOk);

        var same = Comparer.Compare(b, b, new ComparisonOptions { Metric = Metric.Instructions });
        Assert.Equal(0, same.ExitCode);
        var slower = Comparer.Compare(b, s, new ComparisonOptions { Metric = Metric.Instructions });
        Assert.Equal(Verdict.Slower, slower.Cases.Single().Verdict);
        Assert.InRange(slower.Cases.Single().Ratio, 1.02, 1.5);
        Assert.Equal(1, slower.ExitCode);

        // The raw phases of one run: the repeated phase reproduced its count.
        string raw = File.ReadAllText(Path.Combine(tmp.File("base"), "instructions.json"));
        Assert.Contains("\"repeatable\": true", raw);
    }
}
