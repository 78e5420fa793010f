using FoldBench.Results;

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
    [InlineData("--heads", "keep,some", "option --heads: unknown value 'some'")]
    [InlineData("--sharing", "diagonal", "option --sharing: unknown value 'diagonal'")]
    [InlineData("--projections", "qk", "option --projections: unknown value 'qk'")]
    [InlineData("--fold-ffn", "maybe", "option --fold-ffn: unknown value 'maybe'")]
    public void BadRunValuesAreRejectedBeforeAnythingRuns(string option, string value, string message)
    {
        string dir = Path.Combine(Path.GetTempPath(), "foldbench-test-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = Invoke("run", option, value, "--out", dir, "--cpu", "none");
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void HelpListsEveryPublicCommandAndHidesInternalOnes()
    {
        var (code, output, _) = Invoke("--help");
        Assert.Equal(0, code);
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        var commands = Cli.CreateRoot(TextWriter.Null, TextWriter.Null).Subcommands;
        Assert.Contains(commands, c => c.Hidden);
        foreach (var c in commands)
        {
            bool listed = lines.Any(l => l.StartsWith(c.Name + " ", StringComparison.Ordinal));
            Assert.True(listed != c.Hidden, $"{c.Name}: listed={listed}");
        }
        // Hidden is not disabled: the internal verb still answers its own --help.
        Assert.Equal(0, Invoke("kernel-probe", "--help").Code);
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

public class FoldingOptionValidationTests
{
    private static string NewDir() => Path.Combine(Path.GetTempPath(), "foldbench-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void AnOptionNoChosenSuiteHasIsOneClearLine()
    {
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--suites", "kernels,projections", "--heads", "reduce", "--out", dir, "--cpu", "none");
        Assert.Equal(2, code);
        Assert.StartsWith("foldbench run: option --heads changes none of the suites asked for (it applies to attention, encoder)", err);
        Assert.False(Directory.Exists(dir));
        var (code2, _, err2) = CommandLineTests.Invoke("run", "--suites", "attention", "--fold-ffn", "--out", dir, "--cpu", "none");
        Assert.Equal(2, code2);
        Assert.StartsWith("foldbench run: option --fold-ffn changes none of the suites asked for (it applies to encoder)", err2);
    }

    [Fact]
    public void AnOptionAPresetCannotBuildIsOneClearLine()
    {
        // emformer-base (D = 512, 8 heads) at N = 16: keeping 8 heads of width 512 / (16·8) = 4 builds, but reducing
        // to 8 / 16 heads would leave half a head.
        string dir = NewDir();
        var (code, _, err) = CommandLineTests.Invoke("run", "--suites", "attention", "--presets", "emformer-base", "--folds", "1,16",
            "--heads", "keep,reduce", "--out", dir, "--cpu", "none");
        Assert.Equal(2, code);
        Assert.Contains("emformer-base, fold=16, reduce heads", err);
        Assert.Contains("reducing heads at fold N = 16 needs N to divide heads H = 8", err);
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
        SummaryStore.Write(Path.Combine(dir, SummaryStore.FileName), new RunSummary { Machine = new MachineInfo { Name = "one" } });
        var (code, _, err) = CommandLineTests.Invoke("plot", dir, "--out", Path.Combine(dir, "x"));
        Assert.Equal(2, code);
        Assert.Contains("--out", err);
    }

    [Fact]
    public void A_folder_of_results_folders_is_drawn_as_devices_side_by_side()
    {
        // A fleet's downloaded artifacts: one folder per device, one of them a results/<machine>/<time> tree.
        string fleet = Directory.CreateTempSubdirectory("foldbench-fleet-").FullName;
        try
        {
            string[] devices = [Path.Combine(fleet, "results-ubuntu-latest"), Path.Combine(fleet, "results-macos-latest", "mac", "20261203T070000Z")];
            foreach (var (dir, name) in devices.Zip(["ubuntu", "mac"]))
            {
                Directory.CreateDirectory(dir);
                SummaryStore.Write(Path.Combine(dir, SummaryStore.FileName), new RunSummary
                {
                    Machine = new MachineInfo { Name = name, Architecture = "x64" }, Complete = true, StartedUtc = DateTimeOffset.UnixEpoch,
                });
            }
            Directory.CreateDirectory(Path.Combine(fleet, "empty-artifact"));
            string output = Path.Combine(fleet, "side-by-side");
            var (code, stdout, err) = CommandLineTests.Invoke("plot", fleet, "--out", output);
            Assert.True(code == 0, err);
            string report = File.ReadAllText(Path.Combine(output, "report.md"));
            Assert.Contains("2 results folder(s), drawn side by side", report);
            Assert.Contains("| ubuntu (x64) |", report);
            Assert.Contains("| mac (x64) |", report);
            Assert.Contains("report.md", stdout);

            // A folder holding no results folder at all is one clear line.
            var (code2, _, err2) = CommandLineTests.Invoke("plot", Path.Combine(fleet, "empty-artifact"));
            Assert.Equal(2, code2);
            Assert.Contains("is not a FoldBench results folder (no summary.json) and holds none", err2);
            Assert.Single(err2.TrimEnd().Split('\n'));
        }
        finally { Directory.Delete(fleet, recursive: true); }
    }
}

public class ModelCommandTests
{
    [Fact]
    public void PrintsSizesAndReductionsOfThePaperModel()
    {
        var (code, output, err) = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--fold", "1,2,4");
        Assert.True(code == 0, err);
        // Independent of the accounting code: the parameter count of torchaudio's emformer_rnnt_base, whole RNN-T.
        Assert.Contains("76,738,049", output);
        // Model size reduction: folding shrinks each layer's four D×D projections (D = 512, with biases
        // 4·(512² + 512) = 1,050,624 parameters) to four (D/N)×(D/N): 4·(256² + 256) = 263,168 at N = 2 and
        // 4·(128² + 128) = 66,048 at N = 4. Over 20 layers that saves 20·787,456 = 15,749,120 and
        // 20·984,576 = 19,691,520 parameters of 76,738,049: 20.52% and 25.66%.
        Assert.Contains("20.5 %", output);
        Assert.Contains("25.7 %", output);
    }

    [Fact]
    public void JsonIsParseable()
    {
        var (code, output, err) = CommandLineTests.Invoke("model", "--preset", "ondevice-144", "--fold", "1,2", "--json");
        Assert.True(code == 0, err);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Undefined, doc.RootElement.ValueKind);
    }

    [Fact]
    public void AChunkListGivesOneRowPerChunkAndFold()
    {
        var (code, output, err) = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--chunk", "1,4,16", "--folds", "1,4");
        Assert.True(code == 0, err);
        var rows = output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cells => cells.Length > 2 && int.TryParse(cells[0], out _) && int.TryParse(cells[1], out _)).ToList();
        // Chunk sizes 1, 4, 16, each at N = 1 and N = 4, in that order.
        Assert.Equal(["1", "1", "4", "4", "16", "16"], rows.Select(r => r[0]));
        Assert.Equal(["1", "4", "1", "4", "1", "4"], rows.Select(r => r[1]));
        // Whole-model size: 292.7 MiB unfolded, 217.6 MiB at N = 4 (57,046,529 parameters × 4 bytes), at every chunk size.
        Assert.All(rows, r => Assert.Equal(r[1] == "1" ? "292.7" : "217.6", r[2]));
    }

    [Fact]
    public void AChunkListAsJsonNestsTheFolds()
    {
        var (code, output, err) = CommandLineTests.Invoke("model", "--preset", "ondevice-144", "--chunks", "2,8", "--folds", "1,2", "--json");
        Assert.True(code == 0, err);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var chunks = doc.RootElement.GetProperty("chunks");
        Assert.Equal([2, 8], chunks.EnumerateArray().Select(c => c.GetProperty("chunkTokens").GetInt32()));
        Assert.All(chunks.EnumerateArray(), c => Assert.Equal(2, c.GetProperty("folds").GetArrayLength()));
    }

    [Theory]
    [InlineData("--fold", "3", "does not divide width D = 512")]
    [InlineData("--preset", "gpt-9", "unknown model preset 'gpt-9'")]
    public void BadInputIsOneLineAndExit2(string option, string value, string message)
    {
        var args = option == "--preset" ? new[] { "model", option, value } : new[] { "model", "--preset", "emformer-base", option, value };
        var (code, _, err) = CommandLineTests.Invoke(args);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }
}
