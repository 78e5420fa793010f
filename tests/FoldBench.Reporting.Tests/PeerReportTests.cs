using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

/// <summary>The peers section: its table (FoldBench ÷ peer, the fastest in bold, % roofline) and its GFLOP/s-vs-M chart.</summary>
public class PeerReportTests
{
    private static Calibration Roofs() => new()
    {
        FmaPeakGflops = 200, BandwidthGBs = 28, CacheBandwidthGBs = 131,
        FmaPeakGflopsByWidth = new() { ["scalar"] = 12.5, ["128"] = 50, ["256"] = 106, ["512"] = 200 },
        BandwidthGBsByLevel = new() { ["L1"] = 405, ["L2"] = 206, ["memory"] = 28 },
    };

    /// <summary>
    /// One peers case with hand-set figures. M = 16, K = N = 512: 2·16·512·512 = 8,388,608 FLOP, so a median of
    /// 83,886 ns is 100.0 GFLOP/s and 41,943 ns is 200.0 GFLOP/s.
    /// </summary>
    private static CaseResult Case(string peer, string regime, int m, double medianNs, double? roof = null, string? why = null) => new()
    {
        Suite = SuiteNames.Peers, Name = $"{peer} {regime} M={m}", Peer = peer, Path = peer == "foldbench" ? "avx512" : peer,
        Regime = regime, M = m, K = 512, N = 512, MedianNs = why is null ? medianNs : 0,
        Gflops = why is null ? 2.0 * m * 512 * 512 / medianNs : null, RooflineGflops = roof,
        PctFmaPeak = why is null ? 100 * (2.0 * m * 512 * 512 / medianNs) / 200 : null,
        PctRoofline = roof is double r && why is null ? 100 * (2.0 * m * 512 * 512 / medianNs) / r : null,
        CorrectnessOk = why is null ? true : null, Unavailable = why,
    };

    private static RunSummary Run() => new()
    {
        Machine = new MachineInfo { Name = "fixture-peers" },
        Calibration = Roofs(),
        Cases =
        [
            Case("foldbench", RegimeNames.Cache, 16, 83_886, roof: 200),
            Case("openblas", RegimeNames.Cache, 16, 41_943),
            Case("foldbench", RegimeNames.Cache, 64, 4 * 41_943, roof: 200),
            Case("openblas", RegimeNames.Cache, 64, 4 * 83_886),
            Case("foldbench", RegimeNames.Streamed, 16, 83_886, roof: 200),
            Case("onnxruntime", RegimeNames.Streamed, 16, 0, why: "libonnxruntime.so not found"),
        ],
    };

    [Fact]
    public void Table_GivesFoldBenchOverEachPeer_AndBoldsTheFastest()
    {
        string md = ReportGenerator.RenderReportMarkdown(Run());
        Assert.Contains("## Against the libraries you would use instead", md);
        // M = 16 cache: OpenBLAS takes half FoldBench's time, so FoldBench ÷ OpenBLAS = 41,943 / 83,886 = 0.50× and OpenBLAS is bold.
        Assert.Contains("| cache | 16 | 512 | foldbench | 100.0 | 50.0% | — | 50.0% | 1.00× | yes |", md);
        Assert.Contains("| cache | 16 | 512 | **openblas** | **200.0** | 100.0% | — | — | 0.50× | yes |", md);
        // M = 64 cache: FoldBench twice as fast (2.00×) and bold.
        Assert.Contains("| cache | 64 | 512 | **foldbench** | **200.0** |", md);
        Assert.Contains("| cache | 64 | 512 | openblas | 100.0 | 50.0% | — | — | 2.00× | yes |", md);
        Assert.Contains("| streamed | 16 | 512 | onnxruntime | — | — | — | — | — | not run: libonnxruntime.so not found |", md);
        Assert.Contains("![Against the libraries you would use instead — GFLOP/s vs M](plots/peers-throughput.png)", md);
    }

    [Fact]
    public void Table_AddsTheRooflineBesideTheCase_OnlyWhenTheRunReadMemoryBesideIt()
    {
        var run = Run();
        Assert.DoesNotContain("memory beside", ReportGenerator.RenderReportMarkdown(run));
        var streamed = run.Cases.Single(c => c.Peer == "foldbench" && c.Regime == RegimeNames.Streamed);
        streamed.MemoryBesideGBs = 24;
        streamed.PctRooflineBeside = 58.3;
        string md = ReportGenerator.RenderReportMarkdown(run);
        Assert.Contains("| % roofline | % roofline, memory beside | FoldBench ÷ peer | Correct |", md);
        // The only one that ran at this shape, so the fastest, in bold.
        Assert.Contains("| streamed | 16 | 512 | **foldbench** | **100.0** | 50.0% | — | 50.0% | 58.3% | 1.00× | yes |", md);
        Assert.Contains("| streamed | 16 | 512 | onnxruntime | — | — | — | — | — | — | not run: libonnxruntime.so not found |", md);
        // A case without the read (a cache-resident one) shows the missing mark in that column.
        Assert.Contains("| cache | 16 | 512 | foldbench | 100.0 | 50.0% | — | 50.0% | — | 1.00× | yes |", md);
    }

    /// <summary>int8 libraries get their own table, compared with foldbench-int8, never with the fp32 FoldBench.</summary>
    [Fact]
    public void Int8Peers_HaveTheirOwnTable_AgainstFoldBenchsInt8Peer()
    {
        var run = Run();
        CaseResult Int8(string peer, double medianNs) => Case(peer, RegimeNames.Cache, 16, medianNs) is var c
            ? new CaseResult
            {
                Suite = c.Suite, Name = c.Name, Peer = peer, Path = peer == "foldbench-int8" ? "int8-avxvnni" : peer, Precision = "int8",
                Regime = c.Regime, M = 16, K = 512, N = 512, MedianNs = medianNs, Gflops = c.Gflops, CorrectnessOk = true,
            }
            : null!;
        run.Cases.Add(Int8("foldbench-int8", 41_943));
        run.Cases.Add(Int8("onnxruntime-int8", 20_971.5));
        string md = ReportGenerator.RenderReportMarkdown(run);
        Assert.Contains("The same projection in int8", md);
        Assert.Contains("| Weights | M | K = N | Peer | GOP/s |", md);
        // ONNX Runtime int8 takes half foldbench-int8's time: foldbench-int8 ÷ it = 0.50×, and it is bold.
        Assert.Contains("| cache | 16 | 512 | foldbench-int8 | 200.0 |", md);
        Assert.Contains("| cache | 16 | 512 | **onnxruntime-int8** | **400.0** | — | — | — | 0.50× | yes |", md);
        // The fp32 table is unchanged by them: FoldBench fp32 is still compared with OpenBLAS alone.
        Assert.Contains("| cache | 16 | 512 | **openblas** | **200.0** | 100.0% | — | — | 0.50× | yes |", md);
    }

    [Fact]
    public void Chart_DrawsEveryPeerThatRan_PerRegime_WithTheRoofs()
    {
        using var copy = new FixtureCopy();
        string dir = Path.Combine(copy.Root, "peers");
        Directory.CreateDirectory(dir);
        SummaryStore.Write(Path.Combine(dir, SummaryStore.FileName), Run());
        ReportGenerator.Generate(dir);
        var texts = ChartFiles.SvgTexts(Path.Combine(dir, "plots", "peers-throughput.svg"));
        Assert.Contains("Against the libraries you would use instead — GFLOP/s vs M", texts);
        Assert.Contains("Cache-resident weights", texts);
        Assert.Contains("Streamed weights", texts);
        Assert.Contains("foldbench K = N = 512", texts);
        Assert.Contains("openblas K = N = 512", texts);
        Assert.Contains("roofline bound (FoldBench's ISA)", texts);
        Assert.Equal(2, texts.Count(t => t == "machine FMA peak"));
        // ONNX Runtime did not run: it is in the table, not on the chart.
        Assert.DoesNotContain("onnxruntime K = N = 512", texts);
    }

    [Fact]
    public void NoPeers_NoChart()
    {
        var s = Run();
        s.Cases.RemoveAll(c => c.Suite == SuiteNames.Peers);
        Assert.DoesNotContain("peers-throughput", ReportGenerator.ChartNames(s));
    }
}
