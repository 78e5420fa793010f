using FoldBench.Benchmarks.Sweep;
using FoldBench.Cli.Terminal;
using FoldBench.Energy.Simulation;
using FoldBench.Results;
using Spectre.Console;

namespace FoldBench.Cli.Tests;

/// <summary>
/// The console's two faces: the decision between Spectre and plain lines (a pure function, no terminal needed),
/// the plain forms a log is grepped for, the Spectre forms drawn into a string, and the sweep reporting its
/// progress through <see cref="ISweepProgress"/> only.
/// </summary>
public class TerminalTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData(false, null, null, null, OutputStyle.Plain)]   // redirected to a file or pipe
    [InlineData(true, null, null, null, OutputStyle.Rich)]     // a person at a terminal
    [InlineData(true, "1", null, null, OutputStyle.Plain)]     // NO_COLOR set
    [InlineData(true, "", null, null, OutputStyle.Rich)]       // NO_COLOR empty counts as unset (no-color.org)
    [InlineData(true, null, "true", null, OutputStyle.Plain)]  // CI
    [InlineData(true, null, "1", null, OutputStyle.Plain)]
    [InlineData(true, null, "false", null, OutputStyle.Rich)]  // tools that write CI=false mean "not CI"
    [InlineData(true, null, "0", null, OutputStyle.Rich)]
    [InlineData(true, null, null, "dumb", OutputStyle.Plain)]  // a terminal that cannot move the cursor
    [InlineData(true, null, null, "xterm-256color", OutputStyle.Rich)]
    [InlineData(false, "", "false", "xterm", OutputStyle.Plain)]
    public void StyleIsPlainUnlessATerminalAndNothingAsksForPlain(bool terminal, string? noColor, string? ci, string? term, OutputStyle expected)
    {
        var vars = new List<(string, string)>();
        if (noColor is not null) vars.Add(("NO_COLOR", noColor));
        if (ci is not null) vars.Add(("CI", ci));
        if (term is not null) vars.Add(("TERM", term));
        Assert.Equal(expected, OutputStyles.Choose(terminal, Env([.. vars])));
    }

    [Fact]
    public void APlainTableIsOneLinePerRowAligned()
    {
        var table = new TextTable
        {
            Title = "Things:",
            Columns = [new("name"), new("count", AlignRight: true), new("note")],
            Rows = [["a", "1", "first"], ["longer", "1,234", "two\nlines"]],
        };
        // Widths: name 6 ("longer"), count 5 ("count", "1,234"); two spaces between columns, rows indented under the title,
        // the count right-aligned, the last column unpadded, the line break in a cell a space.
        Assert.Equal(
        [
            "Things:",
            "  name    count  note",
            "  a           1  first",
            "  longer  1,234  two lines",
        ], PlainRenderer.Lines(table));
    }

    [Fact]
    public void AHeaderRuleIsDashesAsWideAsEachColumn()
    {
        var table = new TextTable
        {
            Columns = [new("Case"), new("Ratio", AlignRight: true), new("Notes")],
            Rows = [["scalar M=1", "1.000", ""]],
            HeaderRule = true,
        };
        // Widths: Case 10 ("scalar M=1"), Ratio 5, Notes 5 (the header); no title, so no indent.
        Assert.Equal(
        [
            "Case        Ratio  Notes",
            "----------  -----  -----",
            "scalar M=1  1.000",
        ], PlainRenderer.Lines(table));
    }

    [Fact]
    public void ARowWithTheWrongCellCountIsRefused()
    {
        var table = new TextTable { Columns = [new("a"), new("b")], Rows = [["only one"]] };
        Assert.Throws<InvalidOperationException>(() => PlainRenderer.Lines(table));
    }

    [Fact]
    public void ASpectreTableShowsCellsAsTypedNotAsMarkup()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        new SpectreRenderer(console).Table(new TextTable
        {
            Title = "Sources [all]",
            Columns = [new("source"), new("state")],
            Rows = [["powercap-rapl", "usable [red]"]],
        });
        string output = text.ToString();
        Assert.Contains("╭", output); // a drawn border, not plain lines
        Assert.Contains("Sources [all]", output);
        Assert.Contains("powercap-rapl", output);
        Assert.Contains("usable [red]", output);
    }

    [Fact]
    public void PlainProgressIsALinePerCaseWithAnEstimate()
    {
        var text = new StringWriter();
        var progress = new PlainSweepProgress(text);
        progress.SweepStarted(4);
        progress.CaseStarting(new SweepStep(0, 4, "scalar M=1", TimeSpan.Zero));
        // Two of four cases done in 60 s: 30 s each, two left, so about 60 s left.
        progress.CaseStarting(new SweepStep(2, 4, "scalar M=4", TimeSpan.FromSeconds(60)));
        progress.SweepFinished(4, 4, TimeSpan.FromSeconds(125));
        progress.SweepFinished(3, 4, TimeSpan.FromSeconds(3725)); // an interrupted sweep; 3725 s = 1 h 2 min 5 s
        Assert.Equal(
        [
            "[1/4] elapsed 0:00, ~? left  scalar M=1",
            "[3/4] elapsed 1:00, ~1:00 left  scalar M=4",
            "4 cases in 2:05",
            "3 of 4 cases in 1:02:05",
        ], text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(0, 10, 100, null)]  // nothing finished yet: no basis for an estimate
    [InlineData(1, 4, 30, 90.0)]    // 30 s per case, 3 left
    [InlineData(4, 4, 80, 0.0)]     // all done
    [InlineData(5, 4, 80, null)]    // more done than planned: a caller's error, no estimate
    public void TheEstimateIsTheMeanCaseTimeTimesTheCasesLeft(int done, int total, double elapsedSeconds, double? expectedSeconds)
    {
        var left = SweepEstimate.Remaining(done, total, TimeSpan.FromSeconds(elapsedSeconds));
        Assert.Equal(expectedSeconds, left?.TotalSeconds);
    }

    private sealed class RecordingProgress : ISweepProgress
    {
        public List<string> Calls { get; } = [];
        public void Note(string line) => Calls.Add("note");
        public void SweepStarted(int total) => Calls.Add($"started {total}");
        public void CaseStarting(SweepStep step) => Calls.Add($"case {step.Index}/{step.Total} {step.Label}");
        public void SweepFinished(int done, int total, TimeSpan elapsed) => Calls.Add($"finished {done}/{total}");
    }

    [Fact]
    public void TheSweepReportsEveryCaseThroughItsProgressInterface()
    {
        string dir = Path.Combine(Path.GetTempPath(), "foldbench-progress-" + Guid.NewGuid().ToString("N"));
        var runner = new SweepRunner(new SweepOptions
        {
            OutDir = dir,
            Job = "dry",
            Calibrate = false,
            Settings = new SweepSettings { Suites = [SuiteNames.Kernels], KernelPaths = ["scalar"], KernelM = [1, 2], KernelKN = [8], Regimes = [RegimeNames.Cache] },
        });
        var progress = new RecordingProgress();
        var summary = runner.Run(progress, TestContext.Current.CancellationToken);
        Assert.True(summary.Complete);
        Assert.Equal(
        [
            "started 2",
            "case 0/2 scalar M=1 K=N=8 cache",
            "case 1/2 scalar M=2 K=N=8 cache",
            "finished 2/2",
        ], progress.Calls);
    }

    [Fact]
    public void SensorsPrintsOneGreppableLinePerSourceAndProperty()
    {
        string root = Path.Combine(Path.GetTempPath(), "foldbench-fx-" + Guid.NewGuid().ToString("N"));
        using var writer = FixtureWriter.Create(root, FixtureLayout.IntelLaptop, new ConstantPower(10));
        writer.Start();
        var (code, output, err) = CommandLineTests.Invoke("sensors", "--sysfs-root", root);
        writer.Stop();
        Assert.True(code == 0, err);
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.StartsWith("  powercap-rapl ", StringComparison.Ordinal) && l.Contains("usable (chosen)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  powercap-rapl ", StringComparison.Ordinal) && l.Contains("resolution", StringComparison.Ordinal) && l.Contains("µJ", StringComparison.Ordinal));
        Assert.StartsWith("Chosen: powercap-rapl", lines.Last(l => l.Length > 0));
        Assert.DoesNotContain("╭", output);
    }

    [Fact]
    public void SensorsDrawsSpectreTablesWhenTheStyleIsRich()
    {
        string root = Path.Combine(Path.GetTempPath(), "foldbench-fx-" + Guid.NewGuid().ToString("N"));
        using var writer = FixtureWriter.Create(root, FixtureLayout.IntelLaptop, new ConstantPower(10));
        writer.Start();
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(["sensors", "--sysfs-root", root], new CliConsole(o, e, OutputStyle.Rich, OutputStyle.Plain));
        writer.Stop();
        Assert.True(code == 0, e.ToString());
        Assert.Contains("╭", o.ToString());
        Assert.Contains("powercap-rapl", o.ToString());
    }
}
