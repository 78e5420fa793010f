namespace FoldBench.Cli.Terminal;

/// <summary>
/// A command's two output streams, each with the renderer its <see cref="OutputStyle"/> asks for: results and
/// tables on <see cref="Out"/>, progress and diagnostics on <see cref="Error"/>. Tests hand in StringWriters and
/// get plain text; the real console is judged by <see cref="OutputStyles.Detect"/>.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter stdout, TextWriter stderr, OutputStyle outStyle = OutputStyle.Plain, OutputStyle errorStyle = OutputStyle.Plain)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        Out = stdout;
        Error = stderr;
        OutRenderer = For(stdout, outStyle);
        ErrorRenderer = For(stderr, errorStyle);
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public IConsoleRenderer OutRenderer { get; }
    public IConsoleRenderer ErrorRenderer { get; }

    /// <summary>This process's console, each stream judged on its own.</summary>
    public static CliConsole FromProcess()
    {
        var (outStyle, errorStyle) = OutputStyles.Detect();
        return new CliConsole(Console.Out, Console.Error, outStyle, errorStyle);
    }

    public static IConsoleRenderer For(TextWriter writer, OutputStyle style) =>
        style == OutputStyle.Rich ? SpectreRenderer.On(writer) : new PlainRenderer(writer);
}
