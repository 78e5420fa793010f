using System.Text;

namespace FoldBench.Reporting.Markdown;

/// <summary>A GitHub-flavoured Markdown table; numbers right-aligned, cells escaped.</summary>
internal sealed class MarkdownTable(params (string Header, bool Numeric)[] columns)
{
    private readonly List<string[]> _rows = [];

    public int RowCount => _rows.Count;

    public void Add(params string[] cells)
    {
        if (cells.Length != columns.Length)
            throw new ArgumentException($"row has {cells.Length} cells, table has {columns.Length} columns");
        _rows.Add(cells);
    }

    public static string Escape(string s) => s.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", columns.Select(c => Escape(c.Header))).AppendLine(" |");
        sb.Append('|').AppendJoin("|", columns.Select(c => c.Numeric ? "---:" : ":---")).AppendLine("|");
        foreach (var row in _rows)
            sb.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        return sb.ToString();
    }
}
