using System.Globalization;
using System.Text;
using FoldBench.Regression.Comparison;
using FoldBench.Regression.Loading;

namespace FoldBench.Regression.Tests;

/// <summary>
/// Several launches a side (BenchmarkDotNet's LaunchCount ≥ 2): each process is a replicate, judged by its
/// own level, so one process that ran steadily slower for its whole life (the corpus's c2-q3: JoinCsv
/// 1.63× from its first iteration to its last) cannot fail the gate, while a change that slows every
/// process still does.
/// </summary>
public class LaunchTests
{
    private static CaseComparison One(BenchmarkCase b, BenchmarkCase c, ComparisonOptions? o = null) =>
        Comparer.Compare(Synthetic.Set("base", b), Synthetic.Set("cur", c), o ?? new ComparisonOptions()).Cases.Single();

    [Fact]
    public void One_odd_process_is_not_a_regression_though_the_same_process_alone_would_be()
    {
        var b = Synthetic.Processes(1, 15, 1000, 0.01, 1.0, 1.01, 0.99);
        var c = Synthetic.Processes(2, 15, 1000, 0.01, 1.0, 1.63, 1.0);
        var byLaunch = One(Synthetic.Launched("k", b), Synthetic.Launched("k", c));
        Assert.NotEqual(Verdict.Slower, byLaunch.Verdict);
        Assert.Equal(CompareMethod.LaunchSeparation, byLaunch.Method);
        Assert.Equal(3, byLaunch.CurrentLaunchLevels.Count);
        Assert.InRange(byLaunch.CurrentLaunchLevels[1] / byLaunch.CurrentLaunchLevels[0], 1.55, 1.7);
        Assert.Contains(byLaunch.Notes, n => n.StartsWith("judged on launch levels", StringComparison.Ordinal));

        // What a single-process gate sees when that process is the whole CURRENT run: a confident "slower".
        var single = One(Synthetic.Case("k", b[0]), Synthetic.Case("k", c[1]));
        Assert.Equal(Verdict.Slower, single.Verdict);
    }

    [Fact]
    public void A_change_that_slows_every_process_fails_at_three_launches_a_side()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var b = Synthetic.Processes(seed, 15, 1000, 0.01, 1.0, 1.02, 0.985);
            var c = Synthetic.Processes(seed + 100, 15, 1000, 0.01, 1.2, 1.19, 1.215);
            var r = One(Synthetic.Launched("k", b), Synthetic.Launched("k", c));
            Assert.Equal(Verdict.Slower, r.Verdict);
            Assert.InRange(r.Ratio, 1.15, 1.25);
            Assert.Equal(Verdict.Faster, One(Synthetic.Launched("k", c), Synthetic.Launched("k", b)).Verdict);
        }
    }

    [Fact]
    public void Two_odd_processes_of_three_still_cannot_fail_the_gate_alone()
    {
        // BASE's processes spread over 1.00–1.15: a CURRENT process inside that range is not beyond it.
        var b = Synthetic.Processes(3, 15, 1000, 0.01, 1.0, 1.15, 1.02);
        var c = Synthetic.Processes(4, 15, 1000, 0.01, 1.3, 1.3, 1.05);
        Assert.NotEqual(Verdict.Slower, One(Synthetic.Launched("k", b), Synthetic.Launched("k", c)).Verdict);
    }

    [Fact]
    public void Five_launches_a_side_use_the_rank_test_on_launch_levels()
    {
        var b = Synthetic.Processes(5, 10, 1000, 0.01, 1.0, 1.03, 0.98, 1.01, 0.99);
        var slow = Synthetic.Processes(6, 10, 1000, 0.01, 1.2, 1.17, 1.22, 1.19, 1.6);
        var r = One(Synthetic.Launched("k", b), Synthetic.Launched("k", slow));
        Assert.Equal(Verdict.Slower, r.Verdict);
        Assert.Equal(CompareMethod.LaunchesMannWhitney, r.Method);
        Assert.True(r.PSlower < 0.05);

        var same = Synthetic.Processes(7, 10, 1000, 0.01, 1.0, 0.99, 1.02, 1.01, 1.0);
        var s = One(Synthetic.Launched("k", b), Synthetic.Launched("k", same), new ComparisonOptions { Threshold = 0.10 });
        Assert.Equal(Verdict.Same, s.Verdict);
        Assert.Equal(CompareMethod.LaunchesMannWhitney, s.Method);
    }

    [Fact]
    public void A_launch_with_a_late_tier_up_is_judged_on_its_steady_level_and_said_so()
    {
        var b = Synthetic.Processes(8, 15, 1000, 0.01, 1.0, 1.0, 1.0);
        var c = Synthetic.Processes(9, 15, 1000, 0.01, 1.0, 1.0, 1.0);
        for (int i = 0; i < 6; i++) c[1][i] *= 2.4; // tier-0 code for the first six iterations of launch 2
        var r = One(Synthetic.Launched("k", b), Synthetic.Launched("k", c));
        Assert.NotEqual(Verdict.Slower, r.Verdict);
        Assert.NotEqual(Verdict.Unstable, r.Verdict);
        Assert.InRange(r.CurrentLaunchLevels[1], 970, 1030);
        Assert.Contains(r.Notes, n => n.Contains("CURRENT launch 2", StringComparison.Ordinal) && n.Contains("step", StringComparison.Ordinal));
    }

    [Fact]
    public void Launches_that_never_settle_leave_the_case_unstable_not_slower()
    {
        var b = Synthetic.Processes(10, 15, 1000, 0.01, 1.0, 1.0, 1.0);
        // Every CURRENT process drifts up steadily through its run (throttling): no steady level anywhere.
        var c = Synthetic.Processes(11, 15, 1000, 0.003, 1.0, 1.0, 1.0)
            .Select(l => l.Select((v, i) => v * (1 + 0.04 * i)).ToArray()).ToArray();
        var r = One(Synthetic.Launched("k", b), Synthetic.Launched("k", c));
        Assert.Equal(Verdict.Unstable, r.Verdict);
        Assert.Contains(r.Notes, n => n.StartsWith("not judged", StringComparison.Ordinal));
    }

    [Fact]
    public void A_busier_machine_moving_every_launched_case_reads_as_machine_drift()
    {
        var names = new[] { "a", "b", "c", "d", "e", "f", "g" };
        var baseCases = names.Select((n, k) => Synthetic.Launched(n, Synthetic.Processes(20 + k, 15, 100 * (k + 1), 0.01, 1.0, 1.01, 0.99))).ToArray();
        var curCases = names.Select((n, k) => Synthetic.Launched(n, Synthetic.Processes(40 + k, 15, 100 * (k + 1) * 1.5, 0.01, 1.0, 1.01, 0.99))).ToArray();
        var r = Comparer.Compare(Synthetic.Set("base", baseCases), Synthetic.Set("cur", curCases), new ComparisonOptions());
        Assert.NotNull(r.MachineDrift);
        Assert.InRange(r.MachineDrift!.Factor, 1.45, 1.55);
        Assert.All(r.Cases, c => Assert.Equal(Verdict.Drifted, c.Verdict));
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void A_report_with_three_launches_loads_one_series_per_process_each_with_its_own_overhead()
    {
        var json = new StringBuilder("{\"Benchmarks\":[{\"FullName\":\"App.B.Run\",\"Measurements\":[");
        var parts = new List<string>();
        for (int launch = 1; launch <= 3; launch++)
        {
            for (int i = 1; i <= 4; i++)
                parts.Add(Measurement(launch, "Overhead", i, 1000 * launch)); // 1, 2, 3 ns per op of overhead
            for (int i = 1; i <= 5; i++)
                parts.Add(Measurement(launch, "Workload", i, 1000 * (100 + 10 * launch) + 1000 * launch));
        }
        json.Append(string.Join(",", parts)).Append("]}]}");
        var c = BdnReportReader.Parse(json.ToString(), "three-launches.json").Single();
        Assert.Equal(3, c.Launches.Count);
        Assert.All(c.Launches, l => Assert.Equal(5, l.Count));
        Assert.Equal([110.0, 120.0, 130.0], c.Launches.Select(l => l[0]));
        Assert.Equal(15, c.SamplesNs.Count);

        // A report of one process (no LaunchIndex, or one value) keeps the single-series path.
        var one = BdnReportReader.Parse(
            "{\"Benchmarks\":[{\"FullName\":\"App.B.Run\",\"Measurements\":[" + Measurement(null, "Workload", 1, 5000) + "]}]}", "one.json").Single();
        Assert.Empty(one.Launches);
        Assert.Single(one.SamplesNs);
    }

    private static string Measurement(int? launch, string mode, int index, double nanoseconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{{\"IterationMode\":\"{mode}\",\"IterationStage\":\"Actual\",{(launch is { } l ? $"\"LaunchIndex\":{l}," : "")}\"IterationIndex\":{index},\"Operations\":1000,\"Nanoseconds\":{nanoseconds}}}");
}
