using FoldBench.Regression.Comparison;
using FoldBench.Regression.Loading;

namespace FoldBench.Regression.Tests;

public class ComparisonTests
{
    private static CaseComparison One(IReadOnlyList<double> b, IReadOnlyList<double> c, ComparisonOptions? o = null) =>
        Comparer.Compare(Synthetic.Set("base", Synthetic.Case("k", b)), Synthetic.Set("cur", Synthetic.Case("k", c)), o ?? new ComparisonOptions())
                .Cases.Single();

    [Fact]
    public void Identical_sets_are_the_same()
    {
        var s = Synthetic.Normal(1, 20, 1000, 0.02);
        var r = One(s, s);
        Assert.Equal(Verdict.Same, r.Verdict);
        Assert.Equal(1.0, r.Ratio);
        Assert.Equal(CompareMethod.MannWhitney, r.Method);
        Assert.Empty(r.Notes);
    }

    [Fact]
    public void A_ten_percent_shift_is_slower_and_the_reverse_is_faster()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var b = Synthetic.Normal(seed, 15, 1000, 0.01);
            var c = Synthetic.Normal(seed + 100, 15, 1100, 0.01);
            var slower = One(b, c);
            Assert.Equal(Verdict.Slower, slower.Verdict);
            Assert.InRange(slower.Ratio, 1.08, 1.12);
            Assert.True(slower.PSlower < 0.05);
            Assert.Equal(Verdict.Faster, One(c, b).Verdict);
        }
    }

    [Fact]
    public void A_two_percent_shift_in_five_percent_noise_is_never_slower_and_mostly_same()
    {
        int same = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var b = Synthetic.Normal(seed, 40, 1000, 0.05);
            var c = Synthetic.Normal(seed + 500, 40, 1020, 0.05);
            var r = One(b, c);
            Assert.NotEqual(Verdict.Slower, r.Verdict);
            Assert.NotEqual(Verdict.Faster, r.Verdict);
            if (r.Verdict == Verdict.Same) same++;
        }
        Assert.InRange(same, 16, 20);
    }

    [Fact]
    public void Too_few_noisy_samples_give_noisy_not_a_verdict()
    {
        var r = One([1000, 1250, 900, 1150, 980], [1020, 1300, 880, 1200, 1010]);
        Assert.Equal(Verdict.Noisy, r.Verdict);
        Assert.Equal(CompareMethod.MannWhitney, r.Method);
    }

    [Fact]
    public void Bimodal_samples_are_flagged_but_judged_like_any_other()
    {
        var b = Synthetic.Bimodal(3, 30, 1000, 0.2, 0.5, 0.005);
        var c = Synthetic.Bimodal(4, 30, 1000, 0.2, 0.5, 0.005);
        var r = One(b, c);
        Assert.Equal(2, r.BaseModes);
        Assert.Equal(2, r.CurrentModes);
        Assert.True(r.Multimodal);
        Assert.Contains("BASE bimodal", r.Notes);
        Assert.Contains("CURRENT bimodal", r.Notes);
        Assert.NotEqual(Verdict.Slower, r.Verdict);

        // Most of CURRENT's iterations in a slow mode 20% away is a real slowdown…
        var unimodal = Synthetic.Normal(5, 30, 1000, 0.005);
        var mostlySlow = Synthetic.Bimodal(6, 30, 1000, 0.2, 0.8, 0.005);
        var r2 = One(unimodal, mostlySlow);
        Assert.Equal(Verdict.Slower, r2.Verdict);
        Assert.Equal(1, r2.BaseModes);
        Assert.Equal(2, r2.CurrentModes);

        // …while 60% there means a typical iteration is not reliably slower: the rank test cannot tell,
        // and the bimodal flag says why, instead of a confident verdict from a median that sits in one mode.
        var r3 = One(unimodal, Synthetic.Bimodal(7, 30, 1000, 0.2, 0.6, 0.005));
        Assert.Equal(Verdict.Noisy, r3.Verdict);
        Assert.Contains("CURRENT bimodal", r3.Notes);
    }

    [Fact]
    public void The_absolute_noise_floor_hides_sub_nanosecond_differences()
    {
        var b = Synthetic.Normal(1, 20, 0.10, 0.02);
        var c = Synthetic.Normal(2, 20, 0.20, 0.02); // twice as slow, but only 0.1 ns
        Assert.Equal(Verdict.Same, One(b, c).Verdict);
        Assert.Equal(Verdict.Slower, One(b, c, new ComparisonOptions { NoiseNs = 0.01 }).Verdict);
    }

    [Fact]
    public void Three_samples_a_side_fall_back_to_medians()
    {
        var r = One([100, 101, 99], [120, 119, 121]);
        Assert.Equal(CompareMethod.MediansOnly, r.Method);
        Assert.Equal(Verdict.Slower, r.Verdict);
        Assert.Contains(r.Notes, n => n.Contains("too few samples"));
        Assert.Equal(Verdict.Same, One([100, 101, 99], [103, 102, 104]).Verdict);
    }

    [Fact]
    public void Normalizing_to_a_same_run_reference_cancels_machine_drift()
    {
        // CURRENT ran on a machine 12% slower across the board; the kernel itself is unchanged.
        var set1 = Synthetic.Set("b", Synthetic.Case("kernel", Synthetic.Normal(1, 15, 1000, 0.01)), Synthetic.Case("ref", Synthetic.Normal(2, 15, 500, 0.01)));
        var set2 = Synthetic.Set("c", Synthetic.Case("kernel", Synthetic.Normal(3, 15, 1120, 0.01)), Synthetic.Case("ref", Synthetic.Normal(4, 15, 560, 0.01)));
        var raw = Comparer.Compare(set1, set2, new ComparisonOptions());
        Assert.Equal(Verdict.Slower, raw.Cases.Single(c => c.DisplayName == "kernel").Verdict);
        Assert.Equal(1, raw.ExitCode);

        var normalized = Comparer.Compare(set1, set2, new ComparisonOptions { NormalizeTo = "ref" });
        Assert.Equal("Synthetic.Bench.ref", normalized.ReferenceCase);
        var kernel = normalized.Cases.Single(c => c.DisplayName == "kernel");
        Assert.Equal(Verdict.Same, kernel.Verdict);
        Assert.InRange(kernel.Ratio, 0.98, 1.02);
        Assert.True(normalized.Cases.Single(c => c.DisplayName == "ref").IsReference);
        Assert.Equal(0, normalized.ExitCode);
        Assert.Equal(1, normalized.Count(Verdict.Same)); // the reference itself is not counted

        // A real slowdown of the kernel survives normalization.
        var set3 = Synthetic.Set("c", Synthetic.Case("kernel", Synthetic.Normal(3, 15, 1232, 0.01)), Synthetic.Case("ref", Synthetic.Normal(4, 15, 560, 0.01)));
        Assert.Equal(Verdict.Slower, Comparer.Compare(set1, set3, new ComparisonOptions { NormalizeTo = "ref" }).Cases.Single(c => c.DisplayName == "kernel").Verdict);
    }

    [Fact]
    public void Reference_names_must_match_one_case()
    {
        var s = Synthetic.Set("b", Synthetic.Case("kernel-a", [1, 2, 3]), Synthetic.Case("kernel-b", [1, 2, 3]));
        var e1 = Assert.Throws<ArgumentException>(() => Comparer.Compare(s, s, new ComparisonOptions { NormalizeTo = "kernel" }));
        Assert.Contains("ambiguous", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Comparer.Compare(s, s, new ComparisonOptions { NormalizeTo = "nothing" }));
        Assert.Contains("matches no case", e2.Message);
        Assert.Equal("Synthetic.Bench.kernel-b", Comparer.Compare(s, s, new ComparisonOptions { NormalizeTo = "KERNEL-B" }).ReferenceCase);
    }

    [Fact]
    public void Instruction_counts_use_a_tight_threshold_without_statistics()
    {
        ComparisonReport Run(double b, double c) => Comparer.Compare(
            Synthetic.Set("b", Synthetic.Case("k", [], instructions: b)),
            Synthetic.Set("c", Synthetic.Case("k", [], instructions: c)),
            new ComparisonOptions { Metric = Metric.Instructions });
        Assert.Equal(Verdict.Slower, Run(1_000_000, 1_015_000).Cases[0].Verdict);
        Assert.Equal(Verdict.Same, Run(1_000_000, 1_005_000).Cases[0].Verdict);
        Assert.Equal(Verdict.Faster, Run(1_000_000, 980_000).Cases[0].Verdict);
        Assert.Equal(CompareMethod.Instructions, Run(1, 1).Cases[0].Method);
        Assert.Equal(1, Run(1_000_000, 1_015_000).ExitCode);
        Assert.Equal(0.01, new ComparisonOptions { Metric = Metric.Instructions }.EffectiveThreshold);
    }

    [Fact]
    public void Missing_data_is_reported_not_guessed()
    {
        var b = Synthetic.Set("b", Synthetic.Case("timed", [10, 11, 12, 10, 11]), Synthetic.Case("old", [5, 5, 5, 5]));
        var c = Synthetic.Set("c", Synthetic.Case("timed", [10, 11, 12, 10, 11]), Synthetic.Case("new", [5, 5, 5, 5]));
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.Equal(["Synthetic.Bench.old"], r.OnlyInBase);
        Assert.Equal(["Synthetic.Bench.new"], r.OnlyInCurrent);

        var e = Assert.Throws<ArgumentException>(() => Comparer.Compare(b, c, new ComparisonOptions { Metric = Metric.Instructions }));
        Assert.Contains("instruction counts", e.Message);
        var none = Synthetic.Set("x", Synthetic.Case("other", [1, 2, 3]));
        Assert.Contains("no common cases", Assert.Throws<ArgumentException>(() => Comparer.Compare(b, none, new ComparisonOptions())).Message);
    }

    [Fact]
    public void A_correctness_failure_in_current_fails_the_gate_even_when_fast()
    {
        var b = Synthetic.Set("b", Synthetic.Case("k", Synthetic.Normal(1, 10, 100, 0.01), correct: true));
        var c = Synthetic.Set("c", Synthetic.Case("k", Synthetic.Normal(2, 10, 80, 0.01), correct: false));
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.Equal(Verdict.Faster, r.Cases[0].Verdict);
        Assert.Equal(["Synthetic.Bench.k"], r.CorrectnessFailures);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void Geometric_mean_and_counts_summarize_the_cases()
    {
        var b = Synthetic.Set("b", Synthetic.Case("a", Synthetic.Normal(1, 12, 100, 0.005)), Synthetic.Case("b", Synthetic.Normal(2, 12, 100, 0.005)));
        var c = Synthetic.Set("c", Synthetic.Case("a", Synthetic.Normal(3, 12, 125, 0.005)), Synthetic.Case("b", Synthetic.Normal(4, 12, 80, 0.005)));
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.InRange(r.GeometricMeanRatio, 0.99, 1.01); // √(1.25 · 0.8) = 1
        Assert.Equal(1, r.Count(Verdict.Slower));
        Assert.Equal(1, r.Count(Verdict.Faster));
    }

    /// <summary>
    /// The gate's false-alarm property on shared-machine noise: run-to-run speed drift of up to ±8%
    /// that moves every case of a run together, log-normal jitter and preempted iterations. With
    /// --normalize-to a same-run reference, 20 of 20 unchanged comparisons pass; a 15% slowdown of
    /// the kernel is caught in 20 of 20.
    /// </summary>
    [Fact]
    public void Twenty_repeated_comparisons_of_unchanged_code_pass_and_a_slowdown_is_caught_every_time()
    {
        var rng = new Random(2024);
        ResultSet Run(string name, double kernelFactor)
        {
            double drift = 1 + 0.08 * (2 * rng.NextDouble() - 1);
            return Synthetic.Set(name,
                Synthetic.Case("kernel m1", Synthetic.SharedMachine(rng, 9, 23_000 * kernelFactor, drift)),
                Synthetic.Case("kernel m16", Synthetic.SharedMachine(rng, 9, 167_000 * kernelFactor, drift)),
                Synthetic.Case("fma", Synthetic.SharedMachine(rng, 9, 870_000, drift)));
        }
        var options = new ComparisonOptions { NormalizeTo = "fma" };
        var baseline = Run("baseline", 1.0);
        int falseAlarms = 0, caught = 0;
        for (int i = 0; i < 20; i++)
        {
            if (Comparer.Compare(baseline, Run($"same {i}", 1.0), options).ExitCode != 0) falseAlarms++;
            if (Comparer.Compare(baseline, Run($"slow {i}", 1.15), options).ExitCode == 1) caught++;
        }
        Assert.Equal(0, falseAlarms);
        Assert.Equal(20, caught);
    }
}
