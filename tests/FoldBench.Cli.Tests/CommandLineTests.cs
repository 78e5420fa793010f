namespace FoldBench.Cli.Tests;

/// <summary>The command line's contract: bad input is one clear line and exit 2, never a stack trace.</summary>
public class CommandLineTests
{
    internal static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void UnknownCommandPrintsUsageAndExits2()
    {
        var (code, _, err) = Invoke("frobnicate");
        Assert.Equal(2, code);
        Assert.StartsWith("foldbench: unknown command 'frobnicate'", err);
        Assert.Contains("usage: foldbench", err);
    }

    [Fact]
    public void UnknownRunOptionPrintsUsageAndExits2()
    {
        var (code, _, err) = Invoke("run", "--turbo");
        Assert.Equal(2, code);
        Assert.StartsWith("foldbench run: unknown option '--turbo'", err);
        Assert.Contains("usage: foldbench run", err);
        Assert.DoesNotContain("   at ", err); // no stack trace
    }

    [Theory]
    [InlineData("--job", "fastest", "unknown job 'fastest'")]
    [InlineData("--suites", "kernels,gpu", "unknown value 'gpu'")]
    [InlineData("--paths", "sse9", "unknown value 'sse9'")]
    [InlineData("--folds", "1,two", "expects a comma-separated list")]
    public void BadRunValuesAreRejectedBeforeAnythingRuns(string option, string value, string message)
    {
        string dir = Path.Combine(Path.GetTempPath(), "foldbench-test-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = Invoke("run", option, value, "--out", dir, "--cpu", "none");
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void HelpListsEveryCommand()
    {
        var (code, output, _) = Invoke("--help");
        Assert.Equal(0, code);
        foreach (var c in Cli.Commands) Assert.Contains(c.Name, output);
    }
}

public class RunValidationTests
{
    [Fact]
    public void AFoldThatDoesNotDivideTheWidthIsOneClearLine()
    {
        string dir = Path.Combine(Path.GetTempPath(), "foldbench-test-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = CommandLineTests.Invoke("run", "--suites", "projections", "--presets", "emformer-base", "--folds", "3",
            "--out", dir, "--cpu", "none");
        Assert.Equal(2, code);
        Assert.Contains("N = 3 does not divide width D = 512", err);
        Assert.DoesNotContain("(Parameter", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }
}

public class PlotCommandTests
{
    [Fact]
    public void AFolderThatIsNotAResultsFolderIsOneClearLine()
    {
        string dir = Directory.CreateTempSubdirectory("foldbench-notresults-").FullName;
        var (code, _, err) = CommandLineTests.Invoke("plot", dir);
        Assert.Equal(2, code);
        Assert.Contains("is not a FoldBench results folder", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(dir, "plots")));
    }

    [Fact]
    public void OutWithASingleFolderIsAUsageError()
    {
        string dir = Directory.CreateTempSubdirectory("foldbench-plot-").FullName;
        var (code, _, err) = CommandLineTests.Invoke("plot", dir, "--out", Path.Combine(dir, "x"));
        Assert.Equal(2, code);
        Assert.Contains("--out", err);
    }
}
