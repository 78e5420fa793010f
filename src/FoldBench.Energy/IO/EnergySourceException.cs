using FoldBench.Energy.Sources;

namespace FoldBench.Energy.IO;

/// <summary>A counter that cannot be read, with the state it puts its source in and a reason a user can act on.</summary>
public sealed class EnergySourceException(SourceState state, string message, Exception? inner = null)
    : IOException(message, inner)
{
    public SourceState State { get; } = state;

    public static EnergySourceException Malformed(string path, string content, string expected) =>
        new(SourceState.Malformed, $"{path} holds '{Printable(content)}' (expected {expected})");

    /// <summary>Control characters and long garbage are shortened so the reason stays one readable line.</summary>
    public static string Printable(string content)
    {
        var s = new string(content.Trim().Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return s.Length > 40 ? s[..40] + "…" : s;
    }
}
