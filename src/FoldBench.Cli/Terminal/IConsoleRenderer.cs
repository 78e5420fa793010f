using FoldBench.Benchmarks.Sweep;

namespace FoldBench.Cli.Terminal;

/// <summary>
/// Where a command's lines, tables and progress go. Commands call it without asking which kind it is:
/// <see cref="PlainRenderer"/> writes plain lines (logs, pipes, CI, NO_COLOR, tests), <see cref="SpectreRenderer"/>
/// draws with Spectre.Console on a terminal. <see cref="CliConsole"/> picks one per output stream.
/// </summary>
public interface IConsoleRenderer
{
    /// <summary>One line of text, shown as typed (never read as markup).</summary>
    void Line(string text);

    /// <summary>A table (see <see cref="TextTable"/>).</summary>
    void Table(TextTable table);

    /// <summary>Runs <paramref name="work"/> with a progress display it feeds through the <see cref="ISweepProgress"/> it is handed.</summary>
    T WithProgress<T>(Func<ISweepProgress, T> work);

    /// <summary>Puts the terminal back (cursor shown) before the process leaves abruptly, e.g. on Ctrl-C.</summary>
    void Restore();
}
