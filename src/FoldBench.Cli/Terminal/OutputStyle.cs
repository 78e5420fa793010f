namespace FoldBench.Cli.Terminal;

/// <summary>How a command's output looks: Spectre.Console's live progress and tables, or plain lines.</summary>
public enum OutputStyle
{
    /// <summary>One line per event and per table row, no colour, no cursor movement: logs stay greppable.</summary>
    Plain,
    /// <summary>A live progress bar and drawn tables (a person at a terminal).</summary>
    Rich,
}

/// <summary>Decides between <see cref="OutputStyle.Plain"/> and <see cref="OutputStyle.Rich"/> for one output stream.</summary>
public static class OutputStyles
{
    /// <summary>
    /// Rich only for a terminal that nothing asks to keep plain. Plain when the stream is not a terminal
    /// (redirected to a file or a pipe), when NO_COLOR is set to anything but the empty string (no-color.org),
    /// when CI is set (every CI service sets it; "false" and "0" count as unset, as some tools write them to
    /// say "not CI"), or when TERM is "dumb". A pure function of what it is given, so tests need no terminal.
    /// </summary>
    public static OutputStyle Choose(bool isTerminal, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!isTerminal) return OutputStyle.Plain;
        if (!string.IsNullOrEmpty(environment("NO_COLOR"))) return OutputStyle.Plain;
        if (environment("CI") is { Length: > 0 } ci && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0") return OutputStyle.Plain;
        if (string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal)) return OutputStyle.Plain;
        return OutputStyle.Rich;
    }

    /// <summary>This process's stdout and stderr, each judged on its own (`foldbench run 2>log` keeps stdout rich).</summary>
    public static (OutputStyle Out, OutputStyle Error) Detect() =>
        (Choose(!Console.IsOutputRedirected, Environment.GetEnvironmentVariable),
         Choose(!Console.IsErrorRedirected, Environment.GetEnvironmentVariable));
}
