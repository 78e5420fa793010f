using FoldBench.Results;

namespace FoldBench.Cli.Tests;

public class SummaryStoreTests
{
    private static RunSummary Sample() => new()
    {
        StartedUtc = new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero),
        Job = "quick",
        Machine = MachineInfo.Describe("test-box"),
        Calibration = new Calibration { FmaPeakGflops = 101.7, BandwidthGBs = 18.5, CacheBandwidthGBs = 67 },
        Cases =
        [
            new CaseResult
            {
                Suite = "kernels", Name = "avx2 M=16", FullName = "X.Y(Path: avx2, M: 16)", Path = "avx2", M = 16, K = 512, N = 512,
                MedianNs = 123.5, SamplesNs = [120, 123.5, 130], Gflops = 1.5, Energy = null,
            },
        ],
        Caveats = ["no energy source"],
    };

    [Fact]
    public void RoundTripsThroughAFile()
    {
        string dir = Directory.CreateTempSubdirectory("foldbench-store-").FullName;
        var s = Sample();
        SummaryStore.Write(Path.Combine(dir, SummaryStore.FileName), s);
        var back = SummaryStore.Read(dir);
        Assert.Equal(SummaryStore.Serialize(s), SummaryStore.Serialize(back));
        Assert.Equal("foldbench/1", back.Schema);
        Assert.Null(back.Cases[0].Energy);
        Assert.Equal([120, 123.5, 130], back.Cases[0].SamplesNs);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp")); // the atomic write leaves no temp file
    }

    [Fact]
    public void WritesTheFieldNamesTheSchemaPromises()
    {
        string json = SummaryStore.Serialize(Sample());
        foreach (var field in new[] { "\"schema\"", "\"machine\"", "\"cases\"", "\"suite\"", "\"path\"", "\"fold\"", "\"chunkTokens\"",
                     "\"medianNs\"", "\"gflops\"", "\"pctFmaPeak\"", "\"gbPerS\"", "\"pctBandwidth\"", "\"weightBytes\"", "\"bytesPerToken\"",
                     "\"tokensPerS\"", "\"allocatedBytes\"", "\"energy\"" })
            Assert.Contains(field, json);
    }

    [Fact]
    public void TruncatedFileIsRejectedClearly()
    {
        string json = SummaryStore.Serialize(Sample());
        var e = Assert.Throws<ResultsFormatException>(() => SummaryStore.Parse(json[..(json.Length / 2)], "cut.json"));
        Assert.Contains("'cut.json' is not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("{\"Title\":\"MyBench\",\"Benchmarks\":[]}", "not a FoldBench summary")]
    [InlineData("{\"schema\":\"foldbench/99\",\"cases\":[]}", "expected \"foldbench/1\"")]
    [InlineData("[1,2,3]", "not a FoldBench summary")]
    [InlineData("{\"schema\":\"foldbench/1\",\"machine\":{},\"cases\":[{\"medianNs\":\"fast\"}]}", "malformed field")]
    public void ForeignFilesAreRejectedClearly(string json, string message)
    {
        var e = Assert.Throws<ResultsFormatException>(() => SummaryStore.Parse(json, "f.json"));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AFolderWithoutSummaryIsNotAResultsFolder()
    {
        string dir = Directory.CreateTempSubdirectory("foldbench-empty-").FullName;
        var e = Assert.Throws<ResultsFormatException>(() => SummaryStore.Read(dir));
        Assert.Contains("is not a FoldBench results folder", e.Message);
    }

    [Fact]
    public void CsvHasOneRowPerCaseAndQuotesCommas()
    {
        string csv = SummaryCsv.Render(Sample());
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("suite,name,fullName,path", lines[0]);
        Assert.Contains("\"X.Y(Path: avx2, M: 16)\"", lines[1]);
    }
}
