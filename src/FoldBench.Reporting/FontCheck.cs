using System.Reflection;
using SkiaSharp;

namespace FoldBench.Reporting;

/// <summary>
/// The one font every chart uses: DejaVu Sans, embedded in this assembly (Fonts/, with its licence) and handed
/// to ScottPlot by <see cref="EmbeddedFontResolver"/>. Without font files SkiaSharp falls back to an empty
/// typeface and ScottPlot writes images whose text is silently missing; a one-file build on a device with no
/// fonts installed must still draw its text, so no installed font is ever asked for.
/// </summary>
public static class FontCheck
{
    public const string PreferredFamily = "DejaVu Sans";

    /// <summary>Manifest names of the embedded faces (regular, bold) and their licence.</summary>
    public const string RegularResource = "FoldBench.Reporting.Fonts.DejaVuSans.ttf",
        BoldResource = "FoldBench.Reporting.Fonts.DejaVuSans-Bold.ttf",
        LicenceResource = "FoldBench.Reporting.Fonts.LICENSE-DejaVu.txt";

    private static readonly Lock Gate = new();
    private static string? _resolved;

    /// <summary>The font family every chart uses, once <see cref="EnsureSansFont"/> succeeded.</summary>
    public static string FontName => _resolved ?? throw new InvalidOperationException("FontCheck.EnsureSansFont() has not run");

    /// <summary>Registers the embedded DejaVu Sans with ScottPlot (once); throws <see cref="InvalidOperationException"/> if it is unusable.</summary>
    public static void EnsureSansFont()
    {
        lock (Gate)
        {
            if (_resolved is not null) return;
            var resolver = EmbeddedFontResolver.Load();
            // First in the list: ScottPlot asks its resolvers in order before any system font.
            ScottPlot.Fonts.FontResolvers.Insert(0, resolver);
            ScottPlot.Fonts.Default = PreferredFamily;
            ScottPlot.Fonts.Sans = PreferredFamily;
            _resolved = PreferredFamily;
        }
    }

    /// <summary>The embedded font's licence text (it must travel with every copy of the font).</summary>
    public static string LicenceText()
    {
        using var s = typeof(FontCheck).Assembly.GetManifestResourceStream(LicenceResource)
            ?? throw new InvalidOperationException($"the font licence is not embedded ({LicenceResource})");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    internal static byte[] ReadResource(Assembly assembly, string name)
    {
        using var s = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the chart font is not embedded in {assembly.GetName().Name} ({name}): charts would be drawn without text");
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>An empty fallback typeface maps every character to glyph 0.</summary>
    internal static bool CoversLatin(SKTypeface tf) => tf.GetGlyphs("Ag0%µ×≈").All(g => g != 0);
}
