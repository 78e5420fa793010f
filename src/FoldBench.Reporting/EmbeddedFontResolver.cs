using ScottPlot;
using SkiaSharp;

namespace FoldBench.Reporting;

/// <summary>
/// Gives ScottPlot DejaVu Sans from the bytes embedded in this assembly, for that family name only (any other
/// name falls through to ScottPlot's next resolver). A fresh typeface per call, as ScottPlot's own resolvers do (ScottPlot caches it).
/// </summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    private readonly byte[] _regular, _bold;

    private EmbeddedFontResolver(byte[] regular, byte[] bold)
    {
        _regular = regular;
        _bold = bold;
    }

    public static EmbeddedFontResolver Load()
    {
        var asm = typeof(EmbeddedFontResolver).Assembly;
        var resolver = new EmbeddedFontResolver(FontCheck.ReadResource(asm, FontCheck.RegularResource), FontCheck.ReadResource(asm, FontCheck.BoldResource));
        foreach (bool bold in (bool[])[false, true])
        {
            using var tf = resolver.Typeface(bold);
            if (tf is null || tf.FamilyName != FontCheck.PreferredFamily || !FontCheck.CoversLatin(tf))
                throw new InvalidOperationException($"the embedded {FontCheck.PreferredFamily} ({(bold ? "bold" : "regular")}) cannot be read by SkiaSharp: charts would be drawn without text");
        }
        return resolver;
    }

    /// <summary>The embedded face itself.</summary>
    public SKTypeface? Typeface(bool bold) => SKTypeface.FromData(SKData.CreateCopy(bold ? _bold : _regular));

    /// <summary>The bytes of the embedded face (tests compare what ScottPlot resolves with them).</summary>
    public ReadOnlySpan<byte> Bytes(bool bold) => bold ? _bold : _regular;

    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        IsOurs(fontName) ? Typeface(weight >= FontWeight.SemiBold) : null;

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) => IsOurs(fontName) ? Typeface(bold) : null;

    private static bool IsOurs(string fontName) => string.Equals(fontName, FontCheck.PreferredFamily, StringComparison.OrdinalIgnoreCase);
}
