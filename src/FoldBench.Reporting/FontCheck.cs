using SkiaSharp;

namespace FoldBench.Reporting;

/// <summary>
/// Makes sure charts are drawn with a real sans font. Without font files SkiaSharp falls back to an
/// empty typeface and ScottPlot writes images whose text is silently missing, so we stop instead.
/// DejaVu Sans is loaded from its file (no reliance on fontconfig); elsewhere a common system sans is used.
/// </summary>
public static class FontCheck
{
    public const string PreferredFamily = "DejaVu Sans";

    /// <summary>Where distributions put DejaVu Sans (Debian/Ubuntu, Arch, Fedora, Alpine, user installs).</summary>
    public static readonly IReadOnlyList<string> DejaVuDirectories =
    [
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/TTF",
        "/usr/share/fonts/dejavu",
        "/usr/share/fonts/dejavu-sans-fonts",
        "/usr/share/fonts/truetype",
        "/usr/local/share/fonts",
        "/Library/Fonts",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local/share/fonts"),
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.Fonts)),
    ];

    /// <summary>System families accepted when DejaVu Sans is not installed (Windows, macOS).</summary>
    public static readonly IReadOnlyList<string> SystemSansFamilies = ["Segoe UI", "Arial", "Helvetica", "Liberation Sans", "Noto Sans"];

    public const string MissingFontMessage =
        "no font files: install fonts-dejavu-core (Debian/Ubuntu: apt-get install fonts-dejavu-core; Fedora: dejavu-sans-fonts; " +
        "Alpine: font-dejavu) — without a font the charts would be written with invisible text";

    private static readonly Lock Gate = new();
    private static string? _resolved;

    /// <summary>The font family every chart uses, once <see cref="EnsureSansFont"/> succeeded.</summary>
    public static string FontName => _resolved ?? throw new InvalidOperationException("FontCheck.EnsureSansFont() has not run");

    /// <summary>Finds and registers a sans font for ScottPlot; throws <see cref="InvalidOperationException"/> when there is none.</summary>
    public static void EnsureSansFont()
    {
        lock (Gate)
        {
            if (_resolved is not null) return;
            _resolved = Resolve(DejaVuDirectories, SystemSansFamilies);
        }
    }

    /// <summary>The search itself, with the places to look as parameters so the failure path is testable.</summary>
    internal static string Resolve(IEnumerable<string> dejaVuDirectories, IEnumerable<string> systemFamilies)
    {
        foreach (var dir in dejaVuDirectories)
        {
            string regular = Path.Combine(dir, "DejaVuSans.ttf");
            if (!HasGlyphs(regular)) continue;
            ScottPlot.Fonts.AddFontFile(PreferredFamily, regular, bold: false, italic: false);
            string bold = Path.Combine(dir, "DejaVuSans-Bold.ttf");
            // Without the bold file, titles use the regular face rather than an empty fallback.
            ScottPlot.Fonts.AddFontFile(PreferredFamily, HasGlyphs(bold) ? bold : regular, bold: true, italic: false);
            return UseFamily(PreferredFamily);
        }
        foreach (var family in systemFamilies)
        {
            using var tf = SKFontManager.Default.MatchFamily(family);
            if (tf is not null && tf.FamilyName == family && CoversLatin(tf))
                return UseFamily(family);
        }
        throw new InvalidOperationException(MissingFontMessage);
    }

    private static string UseFamily(string family)
    {
        ScottPlot.Fonts.Default = family;
        ScottPlot.Fonts.Sans = family;
        return family;
    }

    private static bool HasGlyphs(string file)
    {
        if (!File.Exists(file)) return false;
        using var tf = SKTypeface.FromFile(file);
        return tf is not null && CoversLatin(tf);
    }

    /// <summary>An empty fallback typeface maps every character to glyph 0.</summary>
    private static bool CoversLatin(SKTypeface tf) => tf.GetGlyphs("Ag0%µ").All(g => g != 0);
}
