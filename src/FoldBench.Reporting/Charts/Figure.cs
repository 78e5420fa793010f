using System.Text;
using ScottPlot;
using SkiaSharp;

namespace FoldBench.Reporting.Charts;

/// <summary>How a legend entry is drawn: a filled box (bars), a line with a marker (series), a marker alone (points), a bare line (roofs).</summary>
internal enum LegendKind { Box, LineAndMarker, Marker, Line }

internal sealed record LegendEntry(string Label, Color Color, LegendKind Kind, MarkerShape Marker = MarkerShape.FilledCircle, float LineWidth = 2);

/// <summary>
/// One chart file: a header band (title, notices such as "no energy source", one legend shared by all
/// panels) above a grid of panels. PNG and SVG come from the same drawing code, so both show the same thing.
/// </summary>
internal sealed class Figure
{
    public const float TitleSize = 22, NoticeSize = 15, LegendSize = 14;
    private const float Margin = 14, TitleGap = 8, NoticeLine = 21, LegendLine = 24, SwatchWidth = 30, EntryGap = 26;

    public required string Title { get; init; }
    /// <summary>Warnings under the title, in red: what is missing and why, what is estimated.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
    /// <summary>Plain context under the warnings, in grey: the source of the numbers, the roofs.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>Series shared by every panel, drawn once in the header rather than over the data.</summary>
    public IReadOnlyList<LegendEntry> Legend { get; init; } = [];
    public required IReadOnlyList<Plot> Panels { get; init; }
    public int Columns { get; init; } = 1;
    public int PanelWidth { get; init; } = 560;
    public int PanelHeight { get; init; } = 440;

    public int Rows => (Panels.Count + Columns - 1) / Columns;
    public int Width => Columns * PanelWidth;

    public byte[] RenderPng()
    {
        var header = Layout();
        int height = header.Height + Rows * PanelHeight;
        using var surface = SKSurface.Create(new SKImageInfo(Width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"could not allocate a {Width}×{height} drawing surface");
        Draw(surface.Canvas, header);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public string RenderSvg()
    {
        var header = Layout();
        int height = header.Height + Rows * PanelHeight;
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, height), stream))
            Draw(canvas, header);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed record HeaderLayout(List<(string Text, bool Warning)> NoticeLines, List<List<LegendEntry>> LegendRows, int Height);

    private HeaderLayout Layout()
    {
        using var noticeFont = new SKFont(Typeface(bold: false), NoticeSize);
        using var legendFont = new SKFont(Typeface(bold: false), LegendSize);
        float width = Width - 2 * Margin;
        var lines = Notices.SelectMany(n => Wrap(n, noticeFont, width)).Select(l => (l, true))
            .Concat(Notes.SelectMany(n => Wrap(n, noticeFont, width)).Select(l => (l, false))).ToList();
        // Wrap the legend, then re-wrap to even row widths so no entry sits alone on the last row.
        var rows = WrapLegend(width, legendFont);
        if (rows.Count > 1)
        {
            float total = Legend.Sum(e => EntryWidth(e, legendFont));
            float widest = Legend.Max(e => EntryWidth(e, legendFont));
            var balanced = WrapLegend(Math.Min(width, Math.Max(widest, total / rows.Count * 1.08f)), legendFont);
            if (balanced.Count == rows.Count) rows = balanced;
        }
        float h = Margin + TitleSize + TitleGap + lines.Count * NoticeLine + rows.Count * LegendLine + 10;
        return new HeaderLayout(lines, rows, (int)Math.Ceiling(h));
    }

    private List<List<LegendEntry>> WrapLegend(float width, SKFont font)
    {
        var rows = new List<List<LegendEntry>>();
        float used = 0;
        foreach (var e in Legend)
        {
            float w = EntryWidth(e, font);
            if (rows.Count == 0 || used + w > width) { rows.Add([]); used = 0; }
            rows[^1].Add(e);
            used += w;
        }
        return rows;
    }

    private static float EntryWidth(LegendEntry e, SKFont font) => SwatchWidth + 6 + font.MeasureText(e.Label) + EntryGap;

    private void Draw(SKCanvas canvas, HeaderLayout header)
    {
        canvas.Clear(SKColors.White);
        var multiplot = new Multiplot();
        // A new Multiplot starts with one empty plot; the figure's panels replace it.
        while (multiplot.Subplots.Count > 0) multiplot.Subplots.RemoveAt(0);
        foreach (var p in Panels) multiplot.Subplots.Add(p);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(Rows, Columns);
        // Grid layouts place panels from the canvas origin, so shift the canvas below the header.
        canvas.Save();
        canvas.Translate(0, header.Height);
        multiplot.Render(canvas, new PixelRect(0, Width, Rows * PanelHeight, 0));
        canvas.Restore();
        // Rendering clears the whole canvas, so the header is painted last, over a white band.
        using (var white = new SKPaint { Color = SKColors.White })
            canvas.DrawRect(0, 0, Width, header.Height, white);
        DrawHeader(canvas, header);
    }

    private void DrawHeader(SKCanvas canvas, HeaderLayout header)
    {
        using var titleFont = new SKFont(Typeface(bold: true), TitleSize);
        using var noticeFont = new SKFont(Typeface(bold: false), NoticeSize);
        using var legendFont = new SKFont(Typeface(bold: false), LegendSize);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var noticeInk = new SKPaint { Color = ToSk(ChartStyle.NoticeColor), IsAntialias = true };
        using var noteInk = new SKPaint { Color = ToSk(ChartStyle.NoteColor), IsAntialias = true };

        float y = Margin + TitleSize;
        canvas.DrawText(Title, Width / 2f, y, SKTextAlign.Center, titleFont, ink);
        y += TitleGap;
        foreach (var (line, warning) in header.NoticeLines)
        {
            y += NoticeLine;
            canvas.DrawText(line, Width / 2f, y - 4, SKTextAlign.Center, noticeFont, warning ? noticeInk : noteInk);
        }
        foreach (var row in header.LegendRows)
        {
            y += LegendLine;
            float rowWidth = row.Sum(e => EntryWidth(e, legendFont)) - EntryGap;
            float x = (Width - rowWidth) / 2f;
            float mid = y - 6;
            foreach (var e in row)
            {
                DrawSwatch(canvas, e, x, mid);
                canvas.DrawText(e.Label, x + SwatchWidth + 6, y - 1, SKTextAlign.Left, legendFont, ink);
                x += EntryWidth(e, legendFont);
            }
        }
    }

    private static void DrawSwatch(SKCanvas canvas, LegendEntry e, float x, float mid)
    {
        using var paint = new SKPaint { Color = ToSk(e.Color), IsAntialias = true, StrokeWidth = e.LineWidth, Style = SKPaintStyle.Stroke };
        switch (e.Kind)
        {
            case LegendKind.Box:
                paint.Style = SKPaintStyle.Fill;
                canvas.DrawRect(x + 4, mid - 8, SwatchWidth - 8, 16, paint);
                break;
            case LegendKind.Line:
                canvas.DrawLine(x, mid, x + SwatchWidth, mid, paint);
                break;
            case LegendKind.LineAndMarker:
                canvas.DrawLine(x, mid, x + SwatchWidth, mid, paint);
                DrawMarker(canvas, e, x + SwatchWidth / 2, mid);
                break;
            case LegendKind.Marker:
                DrawMarker(canvas, e, x + SwatchWidth / 2, mid);
                break;
        }
    }

    private static void DrawMarker(SKCanvas canvas, LegendEntry e, float cx, float cy)
    {
        const float r = 5;
        string shape = e.Marker.ToString();
        using var paint = new SKPaint
        {
            Color = ToSk(e.Color), IsAntialias = true, StrokeWidth = 1.5f,
            Style = shape.StartsWith("Open", StringComparison.Ordinal) ? SKPaintStyle.Stroke : SKPaintStyle.Fill,
        };
        using var path = new SKPath();
        if (shape.EndsWith("Square", StringComparison.Ordinal)) path.AddRect(new SKRect(cx - r, cy - r, cx + r, cy + r));
        else if (shape.EndsWith("TriangleUp", StringComparison.Ordinal)) Polygon(path, (cx, cy - r - 1), (cx + r + 1, cy + r), (cx - r - 1, cy + r));
        else if (shape.EndsWith("TriangleDown", StringComparison.Ordinal)) Polygon(path, (cx, cy + r + 1), (cx + r + 1, cy - r), (cx - r - 1, cy - r));
        else if (shape.EndsWith("Diamond", StringComparison.Ordinal)) Polygon(path, (cx, cy - r - 1), (cx + r + 1, cy), (cx, cy + r + 1), (cx - r - 1, cy));
        else path.AddCircle(cx, cy, r);
        canvas.DrawPath(path, paint);
    }

    private static void Polygon(SKPath path, params (float X, float Y)[] points)
    {
        path.MoveTo(points[0].X, points[0].Y);
        foreach (var (px, py) in points.Skip(1)) path.LineTo(px, py);
        path.Close();
    }

    private static SKTypeface Typeface(bool bold) => ScottPlot.Fonts.GetTypeface(FontCheck.FontName, bold, italic: false);

    private static SKColor ToSk(Color c) => new(c.R, c.G, c.B, c.A);

    /// <summary>Greedy word wrap to the figure width.</summary>
    private static IEnumerable<string> Wrap(string text, SKFont font, float width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(candidate) > width)
            {
                yield return line.ToString();
                line.Clear().Append(word);
            }
            else line.Clear().Append(candidate);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
