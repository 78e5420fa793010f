using System.Diagnostics;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Results.Formatting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FoldBench.Cli.Terminal;

/// <summary>
/// Spectre.Console on a terminal: tables drawn with borders, and a live progress bar for the sweep (the case,
/// the bar, elapsed time and the estimate of the time left). Lines written while the bar is live appear above it.
/// </summary>
public sealed class SpectreRenderer(IAnsiConsole console) : IConsoleRenderer
{
    /// <summary>A renderer on one of this process's own streams (Console.Out or Console.Error).</summary>
    public static SpectreRenderer On(TextWriter writer) =>
        new(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) }));

    public void Line(string text) => console.WriteLine(text);

    public void Table(TextTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        console.Write(Build(table));
    }

    /// <summary>The Spectre table for <paramref name="table"/>; every cell is text, never markup.</summary>
    public static Table Build(TextTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Validate();
        var t = new Table().Border(TableBorder.Rounded);
        if (table.Title is not null) t.Title = new TableTitle(Markup.Escape(table.Title));
        foreach (var c in table.Columns)
            t.AddColumn(new TableColumn(new Text(c.Header, new Style(decoration: Decoration.Bold))) { Alignment = c.AlignRight ? Justify.Right : Justify.Left });
        foreach (var row in table.Rows) t.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        return t;
    }

    public T WithProgress<T>(Func<ISweepProgress, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new SweepTimesColumn(), new SpinnerColumn())
            .Start(ctx => work(new SpectreSweepProgress(console, ctx)));
    }

    public void Restore() => console.Cursor.Show();

    /// <summary>Feeds one progress task: indeterminate while calibrating, then one step per case.</summary>
    private sealed class SpectreSweepProgress : ISweepProgress
    {
        private readonly IAnsiConsole _console;
        private readonly ProgressContext _context;
        private readonly ProgressTask _task;
        private readonly SweepClock _clock = new();

        public SpectreSweepProgress(IAnsiConsole console, ProgressContext context)
        {
            _console = console;
            _context = context;
            _task = context.AddTask("preparing", maxValue: 1);
            _task.IsIndeterminate = true;
            _task.Tag = _clock;
        }

        public void Note(string line) => _console.WriteLine(line);

        public void SweepStarted(int total)
        {
            _clock.Start(total);
            _task.IsIndeterminate = false;
            _task.MaxValue = Math.Max(1, total);
            _task.Value = 0;
            _context.Refresh();
        }

        public void CaseStarting(SweepStep step)
        {
            _clock.Done = step.Index;
            _task.Value = step.Index;
            _task.Description = Markup.Escape($"[{step.Index + 1}/{step.Total}] {step.Label}");
            _context.Refresh();
        }

        public void SweepFinished(int done, int total, TimeSpan elapsed)
        {
            _clock.Stop(done);
            _task.Value = done;
            _task.Description = Markup.Escape($"{done} of {total} cases");
            _task.StopTask();
            _context.Refresh();
        }
    }

    /// <summary>The sweep's own clock (calibration excluded), read by <see cref="SweepTimesColumn"/> on every redraw.</summary>
    private sealed class SweepClock
    {
        private readonly Stopwatch _watch = new();
        private int _total;
        public volatile int Done;
        public bool Running => _watch.IsRunning;
        public bool Started { get; private set; }

        public void Start(int total)
        {
            _total = total;
            Started = true;
            _watch.Restart();
        }

        public void Stop(int done)
        {
            Done = done;
            _watch.Stop();
        }

        public string Text()
        {
            if (!Started) return "";
            var elapsed = _watch.Elapsed;
            if (!Running) return $"elapsed {Units.Clock(elapsed)}";
            string left = SweepEstimate.Remaining(Done, _total, elapsed) is { } r ? Units.Clock(r) : "?";
            return $"elapsed {Units.Clock(elapsed)}, ~{left} left";
        }
    }

    /// <summary>"elapsed 1:23, ~4:56 left", live: the estimate is the mean time per finished case × the cases left.</summary>
    private sealed class SweepTimesColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Tag is SweepClock clock ? clock.Text() : "");
    }
}
