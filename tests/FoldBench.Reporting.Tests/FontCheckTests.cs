namespace FoldBench.Reporting.Tests;

public class FontCheckTests
{
    [Fact]
    public void EnsureSansFont_FindsAFontWithRealGlyphs()
    {
        FontCheck.EnsureSansFont();
        Assert.False(string.IsNullOrWhiteSpace(FontCheck.FontName));
        if (File.Exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
            Assert.Equal(FontCheck.PreferredFamily, FontCheck.FontName);
    }

    [Fact]
    public void NoFontFiles_IsAClearErrorRatherThanInvisibleText()
    {
        string empty = Path.Combine(Path.GetTempPath(), "foldbench-nofonts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => FontCheck.Resolve([empty], ["No Such Family FoldBench"]));
            Assert.StartsWith("no font files: install fonts-dejavu-core", e.Message);
        }
        finally { Directory.Delete(empty); }
    }
}
