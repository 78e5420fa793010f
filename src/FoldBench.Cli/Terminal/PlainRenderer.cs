using System.Text;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Results.Formatting;

namespace FoldBench.Cli.Terminal;

/// <summary>
/// Plain lines for logs, pipes, CI and NO_COLOR: no colour and no cursor movement, every progress step and every
/// table row on a line of its own, so `grep` finds a case or a source by name.
/// </summary>
public sealed class PlainRenderer(TextWriter writer) : IConsoleRenderer
{
    public void Line(string text) => writer.WriteLine(text);

    public void Table(TextTable table)
    {
        foreach (var line in Lines(table)) writer.WriteLine(line);
    }

    public T WithProgress<T>(Func<ISweepProgress, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work(new PlainSweepProgress(writer));
    }

    public void Restore() { }

    /// <summary>
    /// The table as text: its title, then the header (with a rule of dashes under it when asked) and one line per
    /// row, indented by two spaces under a title; columns padded to their widest cell and two spaces apart, numbers
    /// right-aligned, the last column unpadded.
    /// A line break inside a cell becomes a space, so one row stays one line.
    /// </summary>
    public static IReadOnlyList<string> Lines(TextTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Validate();
        static string Flat(string cell) => cell.ReplaceLineEndings(" ");
        var header = table.Columns.Select(c => Flat(c.Header)).ToList();
        var rows = table.Rows.Select(r => r.Select(Flat).ToList()).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToList();
        string indent = table.Title is null ? "" : "  ";
        string Render(IReadOnlyList<string> cells)
        {
            var sb = new StringBuilder(indent);
            for (int i = 0; i < cells.Count; i++)
            {
                if (i > 0) sb.Append("  ");
                bool last = i == cells.Count - 1;
                if (table.Columns[i].AlignRight) sb.Append(cells[i].PadLeft(widths[i]));
                else sb.Append(last ? cells[i] : cells[i].PadRight(widths[i]));
            }
            return sb.ToString().TrimEnd();
        }
        var lines = new List<string>();
        if (table.Title is not null) lines.Add(Flat(table.Title));
        lines.Add(Render(header));
        if (table.HeaderRule) lines.Add(Render([.. widths.Select(w => new string('-', w))]));
        lines.AddRange(rows.Select(Render));
        return lines;
    }
}

/// <summary>The sweep's progress as plain lines: "[3/24] elapsed 0:41, ~4:50 left  kernels avx2 M=16 …".</summary>
public sealed class PlainSweepProgress(TextWriter writer) : ISweepProgress
{
    public void Note(string line) => writer.WriteLine(line);

    public void SweepStarted(int total) { }

    public void CaseStarting(SweepStep step) => writer.WriteLine(StepLine(step));

    public void SweepFinished(int done, int total, TimeSpan elapsed) =>
        writer.WriteLine(done == total ? $"{total} cases in {Units.Clock(elapsed)}" : $"{done} of {total} cases in {Units.Clock(elapsed)}");

    /// <summary>The line of one step; "~?" while there is no estimate yet.</summary>
    public static string StepLine(SweepStep step) =>
        $"[{step.Index + 1}/{step.Total}] elapsed {Units.Clock(step.Elapsed)}, ~{(step.Remaining is { } left ? Units.Clock(left) : "?")} left  {step.Label}";
}
