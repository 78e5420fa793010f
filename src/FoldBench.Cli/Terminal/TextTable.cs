namespace FoldBench.Cli.Terminal;

/// <summary>
/// A table as data: what a command wants shown, not how. <see cref="IConsoleRenderer.Table"/> draws it as a
/// Spectre table on a terminal and as aligned plain lines (one per row) otherwise: `sensors`, `compare` and
/// `run --instructions` print theirs through it.
/// </summary>
public sealed record TextTable
{
    /// <summary>A line above the table ("Energy sources (sysfs root /):"); none when null.</summary>
    public string? Title { get; init; }

    public required IReadOnlyList<TextColumn> Columns { get; init; }

    /// <summary>
    /// Plain lines only: a line of dashes under the header, as wide as each column. `compare` has always printed
    /// one, and logs and scripts read its table that way; a drawn table has its own border.
    /// </summary>
    public bool HeaderRule { get; init; }

    /// <summary>The cells, one list per row, as many as <see cref="Columns"/>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; init; } = [];

    /// <summary>Throws when a row has the wrong number of cells (a programming error, caught by the tests).</summary>
    public void Validate()
    {
        if (Columns.Count == 0) throw new InvalidOperationException("a table needs at least one column");
        for (int i = 0; i < Rows.Count; i++)
            if (Rows[i].Count != Columns.Count)
                throw new InvalidOperationException($"table row {i} has {Rows[i].Count} cells for {Columns.Count} columns");
    }
}

/// <summary>A column: its header and whether its cells are numbers (right-aligned).</summary>
public sealed record TextColumn(string Header, bool AlignRight = false);
