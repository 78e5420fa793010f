namespace FoldBench.Cli.Tests;

/// <summary>
/// The parser's contract (System.CommandLine plus FoldBench's value syntax): every bad input is exit 2
/// with one first line on stderr that names the problem; old spellings keep working.
/// </summary>
public class ParsingTests
{
    [Theory]
    [InlineData(new[] { "model", "--bogus" }, "foldbench model: unknown option '--bogus'")]
    [InlineData(new[] { "plot", "x", "--out" }, "foldbench plot: ")]
    [InlineData(new[] { "model", "--json=yes" }, "foldbench model: ")]
    [InlineData(new[] { "model", "--folds", "1,x" }, "foldbench model: option --folds expects a comma-separated list")]
    [InlineData(new[] { "model", "--folds", "0" }, "foldbench model: option --folds expects a comma-separated list")]
    [InlineData(new[] { "model", "--chunk", "many" }, "foldbench model: option --chunks expects a comma-separated list of integers")]
    [InlineData(new[] { "model", "--heads", "some" }, "foldbench model: option --heads: unknown value 'some'")]
    [InlineData(new[] { "model", "--chunks", "4,0" }, "foldbench model: option --chunks expects a comma-separated list of integers")]
    [InlineData(new[] { "compare", "a", "b", "--threshold", "150%" }, "foldbench compare: option --threshold must be between 0 and 1")]
    [InlineData(new[] { "sensors", "simulate", "--layout", "toaster" }, "foldbench sensors simulate: option --layout: unknown value 'toaster'")]
    public void BadInputIsExitTwoAndAFirstLineNamingIt(string[] args, string firstLine)
    {
        var (code, _, err) = CommandLineTests.Invoke(args);
        Assert.Equal(2, code);
        Assert.StartsWith(firstLine, err.Split('\n')[0]);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData(new[] { "model", "--flods", "2" }, "foldbench model: unknown option '--flods' (did you mean --folds?)", "usage: foldbench model ")]
    [InlineData(new[] { "run", "--quik" }, "foldbench run: unknown option '--quik' (did you mean --quick?)", "usage: foldbench run ")]
    [InlineData(new[] { "sensors", "simulate", "--rot", "x" }, "foldbench sensors simulate: unknown option '--rot' (did you mean --root?)", "usage: foldbench sensors simulate ")]
    [InlineData(new[] { "rnu" }, "foldbench: unknown command 'rnu' (did you mean run?)", "usage: foldbench <command>")]
    public void AMisspeltOptionInsideAVerbIsOneLineWithTheSuggestionThenTheUsage(string[] args, string firstLine, string usage)
    {
        var (code, output, err) = CommandLineTests.Invoke(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(firstLine, lines[0]);
        Assert.StartsWith(usage, lines[1]);
    }

    [Fact]
    public void AnOptionNothingResemblesGetsNoGuess()
    {
        var (code, _, err) = CommandLineTests.Invoke("run", "--turbo");
        Assert.Equal(2, code);
        Assert.Equal("foldbench run: unknown option '--turbo'", err.Split('\n')[0].TrimEnd('\r'));
    }

    [Fact]
    public void FoldAndFoldsAreOneOptionOnBothVerbs()
    {
        var a = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--fold", "1,2", "--json");
        var b = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--folds=1,2", "--json");
        Assert.True(a.Code == 0, a.Err);
        Assert.Equal(a.Out, b.Out);
        // run: the alias reaches the same validation as --folds.
        var r = CommandLineTests.Invoke("run", "--suites", "projections", "--fold", "3", "--cpu", "none", "--out", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")));
        Assert.Equal(2, r.Code);
        Assert.Contains("N = 3 does not divide width D = 512", r.Err);
    }

    [Fact]
    public void ResponseFilesHoldArguments()
    {
        string rsp = Path.Combine(Path.GetTempPath(), "foldbench-" + Guid.NewGuid().ToString("N") + ".rsp");
        File.WriteAllText(rsp, "--preset emformer-base\n--folds 1,2\n--json\n");
        var viaFile = CommandLineTests.Invoke("model", "@" + rsp);
        var direct = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--folds", "1,2", "--json");
        Assert.True(viaFile.Code == 0, viaFile.Err);
        Assert.Equal(direct.Out, viaFile.Out);
    }

    [Fact]
    public void VersionAndCompletionComeFromTheParser()
    {
        var (code, output, _) = CommandLineTests.Invoke("--version");
        Assert.Equal(0, code);
        Assert.StartsWith(Cli.Version, output);
        var s = CommandLineTests.Invoke("[suggest]", "mod");
        Assert.Equal(0, s.Code);
        Assert.Equal("model", s.Out.Trim());
    }

    [Fact]
    public void NoVerbIsTheOverviewAndExitTwo()
    {
        var (code, output, _) = CommandLineTests.Invoke();
        Assert.Equal(2, code);
        Assert.Contains("compare", output);
        Assert.DoesNotContain("kernel-probe", output);
    }
}
