using System.Xml.Linq;
using FoldBench.Results;
using SkiaSharp;

namespace FoldBench.Reporting.Tests;

/// <summary>A writable copy of a committed fixture folder, deleted afterwards.</summary>
internal sealed class FixtureCopy : IDisposable
{
    public const string X64 = "run-x64", Arm64 = "run-arm64";

    public string Root { get; }

    public FixtureCopy()
    {
        Root = Path.Combine(Path.GetTempPath(), "foldbench-reporting-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public static string Source(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static RunSummary Read(string name) => SummaryStore.Read(Source(name));

    /// <summary>Copies fixture <paramref name="name"/> (its summary.json only) and returns the copy's folder.</summary>
    public string Copy(string name)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(Source(name), SummaryStore.FileName), Path.Combine(dir, SummaryStore.FileName));
        return dir;
    }

    public string Dir(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Reading what a chart file shows: its text (SVG) and its pixels (PNG).</summary>
internal static class ChartFiles
{
    /// <summary>Every text run in an SVG, trimmed (SkiaSharp writes each drawn string as one &lt;text&gt;).</summary>
    public static IReadOnlyList<string> SvgTexts(string svgPath)
    {
        var doc = XDocument.Load(svgPath);
        return doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).Where(t => t.Length > 0).ToList();
    }

    public static IReadOnlyList<string> SvgFontFamilies(string svgPath) =>
        XDocument.Load(svgPath).Descendants().Where(e => e.Name.LocalName == "text")
            .Select(e => (string?)e.Attribute("font-family") ?? "").Distinct().ToList();

    /// <summary>Variance of pixel luminance over the image or a band of rows; 0 for a blank image.</summary>
    public static double LuminanceVariance(SKBitmap bmp, int fromRow = 0, int toRow = int.MaxValue)
    {
        toRow = Math.Min(toRow, bmp.Height);
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int y = fromRow; y < toRow; y++)
            for (int x = 0; x < bmp.Width; x++)
            {
                var c = bmp.GetPixel(x, y);
                double l = 0.2126 * c.Red + 0.7152 * c.Green + 0.0722 * c.Blue;
                sum += l;
                sumSq += l * l;
                n++;
            }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }

    /// <summary>Pixels darker than mid-grey in a band of rows: text and lines, never the white background.</summary>
    public static int DarkPixels(SKBitmap bmp, int fromRow, int toRow)
    {
        int count = 0;
        for (int y = fromRow; y < Math.Min(toRow, bmp.Height); y++)
            for (int x = 0; x < bmp.Width; x++)
            {
                var c = bmp.GetPixel(x, y);
                if (c.Red < 100 && c.Green < 100 && c.Blue < 100) count++;
            }
        return count;
    }
}
