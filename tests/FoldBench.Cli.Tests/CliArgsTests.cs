using FoldBench.Cli;

namespace FoldBench.Cli.Tests;

public class CliArgsTests
{
    [Fact]
    public void ParsesFlagsValuesAndLists()
    {
        var a = CliArgs.Parse(["--quick", "--folds", "1,2,4", "--out=/tmp/x", "pos"], ["--quick"], ["--folds", "--out"]);
        Assert.True(a.Has("--quick"));
        Assert.Equal([1, 2, 4], a.GetIntList("--folds", [9]));
        Assert.Equal("/tmp/x", a.Get("--out"));
        Assert.Equal(["pos"], a.Positionals);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "--out" }, "option --out needs a value")]
    [InlineData(new[] { "--quick=yes" }, "option --quick takes no value")]
    public void BadOptionsAreUsageErrors(string[] args, string message)
    {
        var e = Assert.Throws<UsageException>(() => CliArgs.Parse(args, ["--quick"], ["--out"]));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("1,x")]
    [InlineData("0")]
    [InlineData("")]
    public void MalformedIntegerListsAreRejected(string value)
    {
        var a = CliArgs.Parse(["--folds", value], [], ["--folds"]);
        Assert.Throws<UsageException>(() => a.GetIntList("--folds", [1]));
    }

    [Fact]
    public void PercentValuesAreFractions()
    {
        var a = CliArgs.Parse(["--threshold", "5%"], [], ["--threshold"]);
        Assert.Equal(0.05, a.GetDouble("--threshold", 0), 12);
    }
}
