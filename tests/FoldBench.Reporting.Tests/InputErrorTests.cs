using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

public class InputErrorTests
{
    [Fact]
    public void FolderWithoutSummary_IsNotAResultsFolder()
    {
        using var tmp = new FixtureCopy();
        string empty = tmp.Dir("empty");
        Directory.CreateDirectory(empty);
        var e = Assert.Throws<ResultsFormatException>(() => ReportGenerator.Generate(empty));
        Assert.Equal($"'{empty}' is not a FoldBench results folder (no summary.json)", e.Message);
        Assert.False(Directory.Exists(Path.Combine(empty, "plots")), "nothing is written for a bad folder");
    }

    [Fact]
    public void ForeignOrTruncatedSummary_IsAClearError()
    {
        using var tmp = new FixtureCopy();
        string foreign = tmp.Dir("foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "summary.json"), """{"schema":"someone-else/2","cases":[]}""");
        Assert.Contains("expected \"foldbench/1\"", Assert.Throws<ResultsFormatException>(() => ReportGenerator.Generate(foreign)).Message);

        string truncated = tmp.Copy(FixtureCopy.X64);
        string file = Path.Combine(truncated, "summary.json");
        File.WriteAllText(file, File.ReadAllText(file)[..500]);
        Assert.Contains("not valid JSON", Assert.Throws<ResultsFormatException>(() => ReportGenerator.Generate(truncated)).Message);
    }

    [Fact]
    public void Comparison_WithOneBadFolder_FailsBeforeWritingAnything()
    {
        using var tmp = new FixtureCopy();
        string good = tmp.Copy(FixtureCopy.X64);
        string missing = tmp.Dir("not-there");
        string outDir = tmp.Dir("out");
        var e = Assert.Throws<ResultsFormatException>(() => ReportGenerator.GenerateComparison([good, missing], outDir));
        Assert.Contains("not-there", e.Message);
        Assert.False(Directory.Exists(outDir));
        Assert.Throws<ArgumentException>(() => ReportGenerator.GenerateComparison([], outDir));
    }
}
