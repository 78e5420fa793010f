using SkiaSharp;

namespace FoldBench.Reporting.Tests;

public class FontCheckTests
{
    [Fact]
    public void EnsureSansFont_FindsAFontWithRealGlyphs()
    {
        FontCheck.EnsureSansFont();
        Assert.Equal(FontCheck.PreferredFamily, FontCheck.FontName);
        var tf = ScottPlot.Fonts.GetTypeface(FontCheck.FontName, bold: false, italic: false); // ScottPlot's cached instance: not ours to dispose
        Assert.True(FontCheck.CoversLatin(tf));
    }

    [Theory]
    [InlineData(false, FontCheck.RegularResource)]
    [InlineData(true, FontCheck.BoldResource)]
    public void ScottPlot_resolves_the_chart_font_to_the_embedded_face_not_an_installed_one(bool bold, string resource)
    {
        FontCheck.EnsureSansFont();
        Assert.IsType<EmbeddedFontResolver>(ScottPlot.Fonts.FontResolvers[0]);
        var tf = ScottPlot.Fonts.GetTypeface(FontCheck.FontName, bold, italic: false); // cached by ScottPlot: not disposed here
        byte[] embedded = FontCheck.ReadResource(typeof(FontCheck).Assembly, resource);
        Assert.Equal(embedded, FaceBytes(tf));
    }

    [Fact]
    public void Other_family_names_fall_through_to_ScottPlots_own_resolvers()
    {
        FontCheck.EnsureSansFont();
        var resolver = Assert.IsType<EmbeddedFontResolver>(ScottPlot.Fonts.FontResolvers[0]);
        Assert.Null(resolver.CreateTypeface("No Such Family FoldBench", bold: false, italic: false));
        using var bold = resolver.CreateTypeface("dejavu sans", ScottPlot.FontWeight.Bold, ScottPlot.FontSlant.Upright, ScottPlot.FontSpacing.Normal);
        Assert.NotNull(bold);
        Assert.Equal(resolver.Bytes(bold: true).ToArray(), FaceBytes(bold));
    }

    [Fact]
    public void The_fonts_licence_travels_inside_the_assembly()
    {
        string licence = FontCheck.LicenceText();
        Assert.Contains("Bitstream", licence);
        Assert.Contains("Permission is hereby granted", licence);
    }

    private static byte[] FaceBytes(SKTypeface tf)
    {
        using var stream = tf.OpenStream(out _);
        var bytes = new byte[stream.Length];
        Assert.Equal(bytes.Length, stream.Read(bytes, bytes.Length));
        return bytes;
    }
}
