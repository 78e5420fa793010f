using System.Text.Json;
using FoldBench.Regression.Comparison;
using FoldBench.Regression.Loading;

namespace FoldBench.Regression.Tests;

/// <summary>The timed gate's rule replayed on real samples recorded on the noisy development VM.</summary>
public class RecordedNoiseTests
{
    private static readonly ComparisonOptions GateRule = new() { NormalizeTo = "reference", Threshold = 0.15 };

    private static List<ResultSet> Runs(string prefix)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture.Path("recorded-timed-probe.json")));
        var sets = new List<ResultSet>();
        foreach (var run in doc.RootElement.GetProperty("runs").EnumerateArray())
        {
            string label = run.GetProperty("label").GetString()!;
            if (!label.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var cases = run.GetProperty("cases").EnumerateObject().Select(p => new BenchmarkCase
            {
                FullName = p.Name,
                DisplayName = p.Name.Contains("Reference", StringComparison.Ordinal) ? "reference" : p.Name,
                SamplesNs = p.Value.EnumerateArray().Select(v => v.GetDouble()).ToList(),
            });
            sets.Add(new ResultSet(label, "foldbench", cases));
        }
        return sets;
    }

    [Fact]
    public void Unchanged_code_passes_twenty_of_twenty_comparisons()
    {
        var runs = Runs("unchanged-");
        Assert.Equal(21, runs.Count);
        var alarms = runs.Skip(1).Where(r => Comparer.Compare(runs[0], r, GateRule).ExitCode != 0).Select(r => r.Source).ToList();
        Assert.Empty(alarms);

        // The same data without the same-run reference: the machine's drift shows. Where most cases moved
        // together it is named (machine drift suspected: exit 0, or 3 with --fail-on-unstable); where they
        // moved by different amounts it still fails the gate, which is why the gate keeps its reference.
        var raw = runs.Skip(1).Select(r => Comparer.Compare(runs[0], r, GateRule with { NormalizeTo = null })).ToList();
        int failed = raw.Count(r => r.ExitCode == 1), drifted = raw.Count(r => r.MachineDrift is not null);
        Assert.True(failed + drifted >= 3, $"only {failed} raw comparisons failed and {drifted} drifted; the recording should show drift");
        Assert.True(drifted >= 3, $"machine drift suspected in only {drifted} raw comparisons");
        Assert.All(raw.Where(r => r.MachineDrift is not null && r.ExitCode == 0), r =>
            Assert.Equal(3, Comparer.Compare(runs[0], runs.Single(x => x.Source == r.CurrentSource),
                GateRule with { NormalizeTo = null, FailOnUnstable = true }).ExitCode));
    }

    [Fact]
    public void A_twenty_percent_slowdown_is_caught_in_every_recorded_run()
    {
        var baseline = Runs("unchanged-")[0];
        var slowed = Runs("slowdown20-");
        Assert.Equal(8, slowed.Count);
        Assert.All(slowed, r => Assert.Equal(1, Comparer.Compare(baseline, r, GateRule).ExitCode));
    }
}
