using System.Text.Json;


namespace FoldBench.Regression.Tests;

public class CompareCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = FoldBench.Cli.Cli.Run(["compare", .. args], o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static readonly string Mine = Fixture.Path("MyLib.Benchmarks.Sorting-report-full.json");
    private static readonly string MineSlower = Fixture.Path("mylib-current");

    [Fact]
    public void Unchanged_results_exit_zero_with_a_table()
    {
        var (code, o, e) = Run(Mine, Mine);
        Assert.Equal(0, code);
        Assert.Equal("", e);
        Assert.Contains("MyLib.Benchmarks.Sorting.QuickSort(N: 1000)", o);
        Assert.Contains("Summary: geometric mean ratio 1.000; faster 0, same 2, slower 0, noisy 0", o);
        Assert.EndsWith("OK: no case is slower beyond the threshold" + Environment.NewLine, o);
    }

    [Fact]
    public void A_slowdown_exits_one_in_every_format()
    {
        var (code, o, _) = Run(Mine, MineSlower);
        Assert.Equal(1, code);
        Assert.Contains("REGRESSION: 1 case slower", o);

        var (mdCode, md, _) = Run(Mine, MineSlower, "--markdown");
        Assert.Equal(1, mdCode);
        Assert.StartsWith("### FoldBench compare: ❌", md);
        Assert.Contains("| MyLib.Benchmarks.Sorting.QuickSort(N: 1000) |", md);
        Assert.Contains("| **slower** |", md);

        var (jsonCode, json, _) = Run(Mine, MineSlower, "--json", "--threshold", "5%");
        Assert.Equal(1, jsonCode);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("foldbench-compare/2", root.GetProperty("schema").GetString());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("slower").GetInt32());
        Assert.Equal(0.05, root.GetProperty("settings").GetProperty("threshold").GetDouble());
        var slow = root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("verdict").GetString() == "slower");
        Assert.EndsWith("(N: 1000)", slow.GetProperty("fullName").GetString());
        Assert.Equal("mannWhitney", slow.GetProperty("method").GetString());
    }

    [Fact]
    public void A_threshold_above_the_change_lets_it_pass()
    {
        Assert.Equal(0, Run(Mine, MineSlower, "--threshold", "80%").Code);
        Assert.Equal(0, Run(Mine, MineSlower, "--threshold=0.8").Code);
    }

    [Fact]
    public void Instruction_mode_reads_counts_from_summaries()
    {
        using var tmp = new Fixture.TempDir();
        string Write(string name, double instructions, bool correct)
        {
            var s = new Results.RunSummary { Job = "instructions" };
            s.Cases.Add(new Results.CaseResult { Suite = "kernels", Name = "avx2 M=16", FullName = "K(m: 16)", Instructions = instructions, CorrectnessOk = correct });
            var dir = tmp.File(name);
            Results.SummaryStore.Write(Path.Combine(dir, "summary.json"), s);
            return dir;
        }
        string b = Write("b", 1_000_000, true), same = Write("same", 1_004_000, true), slow = Write("slow", 1_030_000, true), wrong = Write("wrong", 1_000_000, false);
        Assert.Equal(0, Run(b, same, "--metric", "instructions").Code);
        var (code, o, _) = Run(b, slow, "--metric", "instructions");
        Assert.Equal(1, code);
        Assert.Contains("1,030,000", o);
        Assert.Contains("threshold 1%", o);
        var (wc, wo, _) = Run(b, wrong, "--metric", "instructions");
        Assert.Equal(1, wc);
        Assert.Contains("Correctness failures in CURRENT (1):", wo);
        // An instruction-only run has no timing to compare.
        var (tc, _, te) = Run(b, same);
        Assert.Equal(2, tc);
        Assert.Contains("no common cases with timings", te);
    }

    [Theory]
    [InlineData("missing-folder", "does not exist")]
    [InlineData("foreign", "neither a FoldBench summary.json nor a BenchmarkDotNet")]
    [InlineData("empty-folder", "not a results folder")]
    [InlineData("other-cases", "no common cases")]
    public void Bad_input_exits_two_with_one_line(string kind, string expected)
    {
        using var tmp = new Fixture.TempDir();
        string current = kind switch
        {
            "missing-folder" => tmp.File("nothing-here"),
            "foreign" => tmp.File("foreign.json"),
            "empty-folder" => tmp.FullName,
            _ => Fixture.Path("acme-legacy-report-full.json"),
        };
        if (kind == "foreign") File.WriteAllText(current, "[1, 2, 3]");
        var (code, o, e) = Run(Mine, current);
        Assert.Equal(2, code);
        Assert.Equal("", o);
        var lines = e.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("foldbench compare: ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }

    [Theory]
    [InlineData(new[] { "only-one" }, "missing BASE and CURRENT")]
    [InlineData(new[] { "a", "b", "--metric", "cycles" }, "unknown value 'cycles'")]
    [InlineData(new[] { "a", "b", "--noise", "fast" }, "--noise expects a non-negative duration")]
    [InlineData(new[] { "a", "b", "--threshold", "5" }, "--threshold must be between 0 and 1")]
    [InlineData(new[] { "a", "b", "--markdown", "--json" }, "not both")]
    [InlineData(new[] { "a", "b", "--bogus" }, "unknown option '--bogus'")]
    public void Bad_options_exit_two_with_usage(string[] args, string expected)
    {
        var (code, _, e) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("foldbench compare: ", e);
        Assert.Contains(expected, e.Split('\n')[0]);
        Assert.Contains("usage: foldbench compare BASE CURRENT", e);
    }

    [Fact]
    public void Normalize_to_an_unknown_case_is_bad_input()
    {
        var (code, _, e) = Run(Mine, Mine, "--normalize-to", "NoSuchCase");
        Assert.Equal(2, code);
        Assert.Contains("--normalize-to 'NoSuchCase' matches no case", e);
    }

    [Theory]
    [InlineData("0.3ns", 0.3)]
    [InlineData("2us", 2000)]
    [InlineData("2 µs", 2000)]
    [InlineData("1.5ms", 1.5e6)]
    [InlineData("4", 4)]
    public void Noise_floor_parses_units(string text, double ns) =>
        Assert.Equal(ns, FoldBench.Cli.Commands.CompareCommand.ParseDuration(text), 9);
}
