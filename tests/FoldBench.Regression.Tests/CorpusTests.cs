using FoldBench.Regression.Comparison;
using FoldBench.Regression.Loading;
using FoldBench.Regression.Statistics;

namespace FoldBench.Regression.Tests;

/// <summary>
/// `compare` over the recorded corpus (Corpus/README.md): pairs of BenchmarkDotNet reports of a plain
/// string-and-hashing app on this 2-core VM, unchanged code and 5/10/20% extra work in two of its seven
/// cases, quiet, under load, on one CPU, on the shared machine, and with late tier-ups. Default options,
/// as a new user runs it.
/// </summary>
public class CorpusTests
{
    private sealed record Pair(string Kind, string Base, string Current)
    {
        public bool Unchanged => Kind.StartsWith("unchanged", StringComparison.Ordinal);
        public override string ToString() => $"{Kind} {Base} → {Current}";
    }

    private static List<Pair> Pairs() =>
        File.ReadLines(Corpus("pairs.tsv"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Select(f => new Pair(f[0], f[1], f[2]))
            .ToList();

    private static string Corpus(string name) => Path.Combine(AppContext.BaseDirectory, "Corpus", name);

    private static ComparisonReport Compare(Pair p, ComparisonOptions? options = null) =>
        Comparer.Compare(ResultsLoader.Load(Corpus(p.Base + ".json")), ResultsLoader.Load(Corpus(p.Current + ".json")), options ?? new ComparisonOptions());

    /// <summary>
    /// The unchanged pairs that still fail, each for a reason no single-process comparison can see:
    /// in the quiet pairs one process ran a case 15–65% slower from its first iteration to its last
    /// (DictionaryLookup 1.15×; JoinCsv 1.63× and SplitAndParse 1.66× together), exactly as a slower
    /// build would; on the shared machine SplitAndParse moved 8× while the others moved 1.04×.
    /// The multi-launch pairs (`m…`, three processes a side) were recorded while other builds held the
    /// load average at 12–52: BenchmarkDotNet runs a case's launches back to back, so load that lasts a
    /// minute slows all three processes of one case (UpperAndReplace 4.9 → 6.9 µs in every process of
    /// m3-q2), which no count of processes can tell from a slower build.
    /// </summary>
    private static readonly HashSet<string> KnownFalseAlarms =
        ["c1-q2 c1-q3", "c2-q2 c2-q3", "sh-b1-q3 sh-b1-l1", "m1-l1 m1-l2", "m2-q2 m2-q3", "m3-q1 m3-q2", "m3-q3 m3-l1"];

    [Fact]
    public void The_corpus_holds_every_kind_of_pair()
    {
        var kinds = Pairs().GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(kinds.GetValueOrDefault("unchanged-quiet") >= 8);
        Assert.True(kinds.GetValueOrDefault("slow20") >= 3);
        Assert.True(kinds.GetValueOrDefault("slow20-load") >= 2);
        Assert.Equal(1, kinds.GetValueOrDefault("unchanged-tierup-constructed"));
        Assert.True(kinds.GetValueOrDefault("unchanged-tierup-recorded") >= 2);
        Assert.True(Pairs().Count(p => p.Unchanged) >= 25);
    }

    [Fact]
    public void No_unchanged_pair_fails_beyond_the_known_ones()
    {
        var failed = Pairs().Where(p => p.Unchanged && Compare(p).ExitCode == 1).Select(p => $"{p.Base} {p.Current}").ToList();
        Assert.DoesNotContain(failed, f => !KnownFalseAlarms.Contains(f));
    }

    [Fact]
    public void The_late_tier_up_pairs_do_not_fail()
    {
        foreach (var p in Pairs().Where(p => p.Kind.StartsWith("unchanged-tierup", StringComparison.Ordinal)))
            Assert.NotEqual(1, Compare(p).ExitCode);

        // The issue's own series: unstable, with the step named, never slower.
        var issue = Compare(Pairs().Single(p => p.Kind == "unchanged-tierup-constructed"));
        var hash = issue.Cases.Single();
        Assert.Equal(Verdict.Unstable, hash.Verdict);
        Assert.Equal(SeriesShape.Step, hash.CurrentStationarity!.Shape);
        Assert.Equal(10, hash.CurrentStationarity.Segments[1].Start);
    }

    [Fact]
    public void Every_twenty_percent_pair_fails_where_the_machine_lets_anything_be_judged()
    {
        // Quiet (the benchmark with the machine to itself): exit 1 every time.
        foreach (var p in Pairs().Where(p => p.Kind == "slow20"))
            Assert.True(Compare(p).ExitCode == 1, $"{p} passed");

        // Under load, on the shared machine and under heavy load, unchanged cases move as far as the
        // slowed ones (JoinCsv 1.53× between two loaded runs of unchanged code, 1.51× with 20% more work):
        // the gate says machine drift is suspected instead. It never passes such a pair as clean: with
        // --fail-on-unstable every one of them exits 1 or 3.
        foreach (var p in Pairs().Where(p => p.Kind.StartsWith("slow20", StringComparison.Ordinal)))
            Assert.True(Compare(p, new ComparisonOptions { FailOnUnstable = true }).ExitCode is 1 or 3, $"{p} passed as clean");
    }

    [Fact]
    public void The_multi_launch_reports_load_three_processes_per_case()
    {
        foreach (var p in Pairs().Where(p => p.Kind.EndsWith("-launches", StringComparison.Ordinal)))
            foreach (var label in new[] { p.Base, p.Current })
                Assert.All(ResultsLoader.Load(Corpus(label + ".json")).Cases, c =>
                {
                    Assert.Equal(3, c.Launches.Count);
                    Assert.All(c.Launches, l => Assert.Equal(15, l.Count));
                });
    }

    [Fact]
    public void Judging_per_process_fails_fewer_unchanged_pairs_than_judging_one_process_of_the_same_runs()
    {
        // The same recordings, judged on their three launches, and judged on one launch of each side
        // (launch 1 against launch 1, 2 against 2, 3 against 3): what the gate said before it knew launches.
        var unchanged = Pairs().Where(p => p.Unchanged && p.Kind.EndsWith("-launches", StringComparison.Ordinal)).ToList();
        int byProcess = unchanged.Count(p => Compare(p).ExitCode == 1);
        int single = 0;
        foreach (var p in unchanged)
            for (int launch = 0; launch < 3; launch++)
                if (Comparer.Compare(OneLaunch(p.Base, launch), OneLaunch(p.Current, launch), new ComparisonOptions()).ExitCode == 1) single++;
        Assert.True(byProcess * 3 < single, $"per process {byProcess} of {unchanged.Count} pairs, one process {single} of {3 * unchanged.Count}");
    }

    private static ResultSet OneLaunch(string label, int launch)
    {
        var set = ResultsLoader.Load(Corpus(label + ".json"));
        return new ResultSet(set.Source, set.Kind, set.Cases.Select(c => new BenchmarkCase
        {
            FullName = c.FullName, DisplayName = c.DisplayName, SamplesNs = c.Launches[launch],
        }), set.Host);
    }
}
