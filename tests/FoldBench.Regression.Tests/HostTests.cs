using System.Text.Json.Nodes;
using FoldBench.Regression.Loading;
using FoldBench.Regression.Timing;
using FoldBench.Results;

namespace FoldBench.Regression.Tests;

/// <summary>
/// Timings only compare on one machine: a baseline from another CPU is reported as such and never
/// fails the gate (issue: CI failed on unchanged code on a Zen 5 against a Xeon baseline).
/// </summary>
public class HostTests
{
    private const string Xeon = "Intel(R) Xeon(R) Processor";
    private const string XeonId = "GenuineIntel family 6 model 207 stepping 2";
    private const string Epyc = "AMD EPYC";
    private const string Zen5Id = "AuthenticAMD family 26 model 2 stepping 1";
    private const string Zen3Id = "AuthenticAMD family 25 model 1 stepping 1";

    private static HostDescription Host(string cpu, string? id = null, string runtime = ".NET 10.0.12") =>
        new() { Cpu = cpu, CpuId = id, Architecture = "x64", Runtime = runtime };

    [Fact]
    public void The_same_cpu_and_runtime_is_one_host()
    {
        Assert.Null(HostDescription.Difference(Host(Epyc, Zen5Id), Host(Epyc, Zen5Id)));
        // BenchmarkDotNet drops the (R) marks and adds build numbers to the runtime.
        Assert.Null(HostDescription.Difference(Host(Xeon), Host("Intel Xeon Processor", runtime: ".NET 10.0.12 (10.0.12, 10.0.1226.42308)")));
        // An older file without the CPU identity is judged by the name alone.
        Assert.Null(HostDescription.Difference(Host(Epyc), Host(Epyc, Zen5Id)));
    }

    [Fact]
    public void One_name_with_two_identities_is_two_hosts()
    {
        // Zen 3 and Zen 5 VMs both call themselves "AMD EPYC".
        string? why = HostDescription.Difference(Host(Epyc, Zen3Id), Host(Epyc, Zen5Id));
        Assert.NotNull(why);
        Assert.StartsWith("different CPU: baseline recorded on AMD EPYC (AuthenticAMD family 25", why);
        Assert.Contains("this machine is AMD EPYC (AuthenticAMD family 26 model 2 stepping 1)", why);
    }

    [Fact]
    public void A_different_runtime_or_architecture_is_named()
    {
        Assert.Equal("different runtime", HostDescription.Difference(Host(Epyc, Zen5Id, ".NET 9.0.4"), Host(Epyc, Zen5Id))!.Split(':')[0]);
        var arm = Host(Epyc, Zen5Id) with { Architecture = "arm64" };
        Assert.Equal("different architecture", HostDescription.Difference(arm, Host(Epyc, Zen5Id))!.Split(':')[0]);
    }

    [Fact]
    public void An_unrecorded_host_is_not_called_different() =>
        Assert.Null(HostDescription.Difference(HostDescription.Unknown, Host(Xeon, XeonId)));

    private static (int Code, string Out) Compare(params string[] args)
    {
        var o = new StringWriter();
        int code = FoldBench.Cli.Cli.Run(["compare", .. args], o, new StringWriter());
        return (code, o.ToString());
    }

    /// <summary>A timed-probe-like results folder: one case at <paramref name="centerNs"/>, 15 samples.</summary>
    private static string Run(Fixture.TempDir dir, string name, string cpu, string? cpuId, double centerNs, double? instructions = null, bool? correct = true)
    {
        var samples = Synthetic.Normal(name.GetHashCode(StringComparison.Ordinal) & 0xffff, 15, centerNs, 0.01).ToList();
        var summary = new RunSummary
        {
            Job = "timed-probe",
            Complete = true,
            Machine = new MachineInfo { Name = "vm", CpuModel = cpu, CpuId = cpuId, Architecture = "x64", DotnetVersion = ".NET 10.0.12" },
            Cases =
            {
                new CaseResult
                {
                    Suite = "kernels", Name = "avx2 M=1 K=512 N=512", FullName = "kernels/avx2:1x512x512", Path = "avx2",
                    MedianNs = centerNs, SamplesNs = samples, Instructions = instructions, CorrectnessOk = correct,
                },
            },
        };
        string folder = Path.Combine(dir.FullName, name);
        SummaryStore.Write(Path.Combine(folder, SummaryStore.FileName), summary);
        return folder;
    }

    [Fact]
    public void A_timed_baseline_from_another_cpu_does_not_fail_the_gate()
    {
        using var dir = new Fixture.TempDir();
        string xeonBase = Run(dir, "xeon", Xeon, XeonId, 10_000);
        string zen5Current = Run(dir, "zen5", Epyc, Zen5Id, 15_000); // 1.5× "slower", as reported on the Zen 5

        var (code, output) = Compare(xeonBase, zen5Current, "--threshold", "15%");
        Assert.Equal(0, code);
        Assert.Contains($"baseline recorded on {Xeon} ({XeonId}), x64, .NET 10.0.12, this machine is {Epyc} ({Zen5Id})", output);
        Assert.Contains("timed comparison skipped", output);
        Assert.Contains("NOT JUDGED: timings from different hosts (1 case would read slower)", output);
        Assert.DoesNotContain("REGRESSION", output);

        var (mdCode, md) = Compare(xeonBase, zen5Current, "--markdown");
        Assert.Equal(0, mdCode);
        Assert.Contains("timed comparison skipped", md);

        var (jsonCode, json) = Compare(xeonBase, zen5Current, "--json");
        Assert.Equal(0, jsonCode);
        var root = JsonNode.Parse(json)!;
        Assert.False(root["judged"]!.GetValue<bool>());
        Assert.StartsWith("different CPU", root["hostDifference"]!.GetValue<string>());
    }

    [Fact]
    public void Allow_different_hosts_judges_the_same_pair()
    {
        using var dir = new Fixture.TempDir();
        string xeonBase = Run(dir, "xeon", Xeon, XeonId, 10_000);
        string zen5Current = Run(dir, "zen5", Epyc, Zen5Id, 15_000);
        var (code, output) = Compare(xeonBase, zen5Current, "--threshold", "15%", "--allow-different-hosts");
        Assert.Equal(1, code);
        Assert.Contains("judged anyway (--allow-different-hosts)", output);
        Assert.Contains("REGRESSION: 1 case slower", output);
    }

    [Fact]
    public void The_same_host_is_judged_as_before()
    {
        using var dir = new Fixture.TempDir();
        string a = Run(dir, "a", Epyc, Zen5Id, 10_000);
        string b = Run(dir, "b", Epyc, Zen5Id, 15_000);
        var (code, output) = Compare(a, b, "--threshold", "15%");
        Assert.Equal(1, code);
        Assert.DoesNotContain("HOSTS DIFFER", output);
    }

    [Fact]
    public void Instruction_counts_and_wrong_results_are_judged_on_any_host()
    {
        using var dir = new Fixture.TempDir();
        string xeonBase = Run(dir, "xeon", Xeon, XeonId, 10_000, instructions: 100_000);
        string zen5More = Run(dir, "zen5", Epyc, Zen5Id, 10_000, instructions: 103_000);
        // valgrind's virtual CPU is the same everywhere: 3% more instructions is 3% more on any host.
        Assert.Equal(1, Compare(xeonBase, zen5More, "--metric", "instructions").Code);

        string zen5Wrong = Run(dir, "zen5-wrong", Epyc, Zen5Id, 10_000, correct: false);
        var (code, output) = Compare(xeonBase, zen5Wrong);
        Assert.Equal(1, code);
        Assert.Contains("correctness failure", output);
    }

    [Fact]
    public void BenchmarkDotNet_reports_from_two_processors_are_not_judged()
    {
        using var dir = new Fixture.TempDir();
        var report = JsonNode.Parse(File.ReadAllText(Fixture.Path("MyLib.Benchmarks.Sorting-report-full.json")))!;
        report["HostEnvironmentInfo"]!["ProcessorName"] = "AMD EPYC 9B45";
        string elsewhere = dir.File("elsewhere-report-full.json");
        File.WriteAllText(elsewhere, report.ToJsonString());

        // The mylib-current fixture is a real slowdown on the Xeon; against an EPYC baseline it is not judged.
        var (code, output) = Compare(elsewhere, Fixture.Path("mylib-current"));
        Assert.Equal(0, code);
        Assert.Contains("baseline recorded on AMD EPYC 9B45, x64, .NET 10.0.12 (10.0.12, 10.0.1226.42308), this machine is Intel Xeon Processor", output);
    }
}

/// <summary>`kernel-probe --timed --merge`: several processes of one side become one result, best per case.</summary>
public class TimedRunMergeTests
{
    private static RunSummary Probe(string cpuId, params (string Name, double MedianNs, bool Correct)[] cases)
    {
        var s = new RunSummary { Job = "timed-probe", Complete = true, Machine = new MachineInfo { CpuModel = "AMD EPYC", CpuId = cpuId } };
        foreach (var (name, median, correct) in cases)
            s.Cases.Add(new CaseResult { Suite = "kernels", Name = name, FullName = "kernels/" + name, MedianNs = median, SamplesNs = [median], CorrectnessOk = correct });
        return s;
    }

    [Fact]
    public void Each_case_keeps_its_lowest_median_and_the_process_count_is_recorded()
    {
        var first = Probe("z5", ("a", 100, true), ("b", 50, true));
        var second = Probe("z5", ("a", 90, true), ("b", 60, true));
        var merged = TimedRunMerge.KeepBest(first, second);
        Assert.Equal(90, merged.Cases.Single(c => c.Name == "a").MedianNs);
        Assert.Equal(50, merged.Cases.Single(c => c.Name == "b").MedianNs);
        Assert.Equal(2, TimedRunMerge.Processes(merged));
        var third = TimedRunMerge.KeepBest(merged, Probe("z5", ("a", 95, true), ("b", 40, true)));
        Assert.Equal(3, TimedRunMerge.Processes(third));
        Assert.Equal(40, third.Cases.Single(c => c.Name == "b").MedianNs);
        Assert.Single(third.Caveats, c => c.StartsWith("merged over 3 processes", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_result_in_any_process_stays_wrong()
    {
        var merged = TimedRunMerge.KeepBest(Probe("z5", ("a", 100, false)), Probe("z5", ("a", 200, true)));
        Assert.False(merged.Cases.Single().CorrectnessOk);
    }

    [Fact]
    public void Runs_of_other_cases_or_machines_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TimedRunMerge.KeepBest(Probe("z5", ("a", 1, true)), Probe("z5", ("b", 1, true))));
        Assert.Throws<ArgumentException>(() => TimedRunMerge.KeepBest(Probe("z5", ("a", 1, true)), Probe("z3", ("a", 1, true))));
    }

    [Fact]
    public void The_cli_merges_processes_of_one_side_and_refuses_a_foreign_run()
    {
        using var dir = new Fixture.TempDir();
        string Write(string name, RunSummary run)
        {
            string folder = Path.Combine(dir.FullName, name);
            SummaryStore.Write(Path.Combine(folder, SummaryStore.FileName), run);
            return folder;
        }
        string p1 = Write("p1", Probe("z5", ("a", 120, true), ("b", 50, true)));
        string p2 = Write("p2", Probe("z5", ("a", 100, true), ("b", 70, true)));
        string merged = Path.Combine(dir.FullName, "merged");
        var o = new StringWriter();
        Assert.Equal(0, FoldBench.Cli.Cli.Run(["kernel-probe", "--merge-runs", $"{p1},{p2}", "--out", merged], o, new StringWriter()));
        var m = SummaryStore.Read(merged);
        Assert.Equal([100.0, 50.0], m.Cases.OrderBy(c => c.Name).Select(c => c.MedianNs));

        string other = Write("other", Probe("z5", ("c", 1, true)));
        var err = new StringWriter();
        Assert.Equal(2, FoldBench.Cli.Cli.Run(["kernel-probe", "--merge-runs", $"{p1},{other}", "--out", merged], new StringWriter(), err));
        Assert.StartsWith("foldbench kernel-probe: option --merge-runs: cannot merge timed runs of different cases", err.ToString());
        Assert.Equal(2, FoldBench.Cli.Cli.Run(["kernel-probe", "--merge-runs", p1, "--out", merged, "--timed"], new StringWriter(), new StringWriter()));
    }
}
