using System.Globalization;
using System.Text.RegularExpressions;
using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

public class ReportMarkdownTests
{
    /// <summary>The rows of the Markdown table that follows a heading, as cells.</summary>
    private static List<string[]> TableAfter(string md, string heading)
    {
        int at = md.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no heading '{heading}'");
        var lines = md[at..].Split('\n').SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        return lines.Skip(2).Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray()).ToList();
    }

    private static List<string> HeaderAfter(string md, string heading)
    {
        int at = md.IndexOf(heading, StringComparison.Ordinal);
        var line = md[at..].Split('\n').First(l => l.StartsWith('|'));
        return line.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToList();
    }

    /// <summary>"14.0 ms" → 14.0e6 ns; "243 MiB" → bytes; "96.7 ± 3.93 mJ" → joules (value only).</summary>
    private static double Parse(string cell)
    {
        var m = Regex.Match(cell, @"^(-?[\d,.]+)(?: ± [\d.]+)?\s*(ns|µs|ms|s|B|KiB|MiB|GiB|nJ|µJ|mJ|J|%)?$");
        Assert.True(m.Success, $"cannot parse '{cell}'");
        double v = double.Parse(m.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        return v * (m.Groups[2].Value switch
        {
            "µs" => 1e3, "ms" => 1e6, "s" => 1e9, "KiB" => 1024, "MiB" => 1024.0 * 1024, "GiB" => 1024.0 * 1024 * 1024,
            "nJ" => 1e-9, "µJ" => 1e-6, "mJ" => 1e-3, _ => 1,
        });
    }

    private static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * relative + 1e-12, $"{what}: table says {actual}, fixture {expected}");

    [Fact]
    public void EncoderTable_MatchesTheFixtureCaseByCase()
    {
        var s = FixtureCopy.Read(FixtureCopy.Arm64);
        string md = ReportGenerator.RenderReportMarkdown(s);
        const string heading = "## Encoder step (preset emformer-base, neon)";
        var header = HeaderAfter(md, heading);
        int Col(string name) => header.IndexOf(name) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"no column {name}");
        var rows = TableAfter(md, heading);
        var cases = s.Cases.Where(c => c.Suite == "encoder").ToList();
        Assert.Equal(cases.Count, rows.Count);
        foreach (var row in rows)
        {
            int chunk = int.Parse(row[Col("Chunk (tokens)")], CultureInfo.InvariantCulture), fold = int.Parse(row[Col("N")], CultureInfo.InvariantCulture);
            var c = cases.Single(x => x.ChunkTokens == chunk && x.Fold == fold);
            var b = cases.Single(x => x.ChunkTokens == chunk && x.Fold == 1);
            string at = $"chunk {chunk}, N = {fold}";
            // Three significant digits: within 0.5% of the fixture's value.
            Close(c.MedianNs, Parse(row[Col("Time / step")]), 0.005, $"time, {at}");
            Close(c.TokensPerS!.Value, Parse(row[Col("Tokens/s")]), 0.005, $"tokens/s, {at}");
            Close(c.RealTimeFactor!.Value, Parse(row[Col("RTF")]), 0, $"RTF, {at}", 0.00051); // three decimals, half a unit of the last
            Close(c.WeightBytes!.Value, Parse(row[Col("Weights")]), 0.005, $"weights, {at}");
            Close(c.BytesPerToken!.Value, Parse(row[Col("Bytes / token")]), 0.005, $"bytes/token, {at}");
            Close(c.PeakWorkingSetBytes!.Value, Parse(row[Col("Peak working set")]), 0.005, $"peak working set, {at}");
            Close(c.Energy!.NetJoulesPerToken!.Value, Parse(row[Col("Net energy / token")]), 0.005, $"net energy, {at}");
            if (fold == 1)
            {
                Assert.Equal("—", row[Col("Time saving")]);
                continue;
            }
            // Savings: (unfolded − folded) / unfolded, to one decimal of a percent.
            Close(100 * (b.MedianNs - c.MedianNs) / b.MedianNs, Parse(row[Col("Time saving")]), 0, $"time saving, {at}", 0.05);
            Close(100.0 * (b.WeightBytes!.Value - c.WeightBytes!.Value) / b.WeightBytes.Value, Parse(row[Col("Weight saving")]), 0, $"weight saving, {at}", 0.05);
            Close(100.0 * (b.PeakWorkingSetBytes!.Value - c.PeakWorkingSetBytes!.Value) / b.PeakWorkingSetBytes.Value, Parse(row[Col("Peak memory saving")]), 0, $"memory saving, {at}", 0.05);
            double be = b.Energy!.NetJoulesPerToken!.Value, ce = c.Energy!.NetJoulesPerToken!.Value;
            Close(100 * (be - ce) / be, Parse(row[Col("Energy saving")]), 0, $"energy saving, {at}", 0.05);
        }
    }

    private static void Close(double expected, double actual, double relative, string what, double absolute) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * relative + absolute, $"{what}: table says {actual}, fixture {expected}");

    [Fact]
    public void KeyTables_SpotChecksAgainstTheFixture()
    {
        string md = ReportGenerator.RenderReportMarkdown(FixtureCopy.Read(FixtureCopy.X64));
        // Encoder, chunk 1, N = 2 vs N = 1: 14.0 ms → 10.5 ms; weights 243 → 183 MiB (24.7% smaller); no energy.
        Assert.Contains("| 1 | 1 | 14.0 ms | 71.2 | 0.351 | 243 MiB | 244 MiB | 311 MiB | — | — | — | — | — |", md);
        Assert.Contains("| 1 | 2 | 10.5 ms | 95.7 | 0.261 | 183 MiB | 184 MiB | 249 MiB | — | 25.5% | 24.7% | 19.9% | — |", md);
        // Projections: folding by 4 shrinks the Q/K/V/O weights 16× (93.7%).
        Assert.Contains("| 1 | 4 | 7.23 µs | 138,296 | 258 KiB | 274 KiB | 58.8 MiB | — | 90.0% | 93.7% | 16.1% | — |", md);
    }

    [Fact]
    public void KernelTable_MatchesTheFixture()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        string md = ReportGenerator.RenderReportMarkdown(s);
        var rows = TableAfter(md, "## Kernels");
        var kernels = s.Cases.Where(c => c.Suite == "kernels").ToList();
        Assert.Equal(kernels.Count, rows.Count);
        foreach (var r in rows)
        {
            var c = kernels.Single(k => k.Path == r[0] && k.Regime == r[1] && k.M == int.Parse(r[2], CultureInfo.InvariantCulture)
                                        && k.K == int.Parse(r[3], CultureInfo.InvariantCulture) && k.N == int.Parse(r[4], CultureInfo.InvariantCulture));
            Assert.Equal(c.Gflops!.Value.ToString("F1", CultureInfo.InvariantCulture), r[6]);
            Assert.Equal(c.PctFmaPeak!.Value.ToString("0.0", CultureInfo.InvariantCulture) + "%", r[7]);
            Assert.Equal(c.GbPerS!.Value.ToString("F1", CultureInfo.InvariantCulture), r[8]);
            Assert.Equal(c.PctBandwidth!.Value.ToString("0.0", CultureInfo.InvariantCulture) + "%", r[9]);
        }
        var best = kernels.MaxBy(k => k.PctFmaPeak)!;
        Assert.Contains($"Best compute: {best.Name} — {best.Gflops!.Value:F1} GFLOP/s = {best.PctFmaPeak!.Value:0.0}% of the FMA peak.", md);
    }

    [Fact]
    public void Report_DescribesMachineMethodAndEmbedsEveryChart()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.StartsWith("# FoldBench results — fixture-x64", md);
        Assert.Contains("| CPU | AMD EPYC 7B13 64-Core Processor |", md);
        Assert.Contains("| ISA features | sse2, sse4.1, avx, avx2, fma, vector128, vector256 |", md);
        Assert.Contains("- **Job**: quick — `foldbench run --quick`", md);
        Assert.Contains("FMA peak 101.7 GFLOP/s, memory read bandwidth 18.5 GB/s, cache-resident read bandwidth 67.0 GB/s", md);
        Assert.Contains("- **ISA paths used**: avx2 (kernels, projections, encoder); portable (kernels).", md);
        foreach (var chart in ReportGenerator.ChartNames(s))
            Assert.Contains($"(plots/{chart}.png)", md);
        Assert.Contains("(charts/roofline.png)", ReportGenerator.RenderReportMarkdown(s, "charts"));
    }

    [Fact]
    public void Caveats_NoEnergySourceWithItsReason_AndNoise()
    {
        string md = ReportGenerator.RenderReportMarkdown(FixtureCopy.Read(FixtureCopy.X64));
        Assert.Contains("- Test fixture: hand-made numbers", md);
        Assert.Contains("- No energy figures: no energy counter is exposed on this virtual machine (no powercap, MSR or hwmon). " +
                        "Energy columns are empty and the energy charts say so; nothing is reported as 0 W.", md);
        Assert.Contains("- **Timing noise**: coefficient of variation over iterations, median 1.2%, max 7.2% (\"encoder emformer-base T=2 fold=2\")", md);
        Assert.Contains("- Noisy machine: the coefficient of variation over iterations has median 1.2% and max 7.2%", md);
        Assert.Contains("Energy: not measured (no usable energy source; see Caveats).", md);
        Assert.Contains("- **Energy**: none — no usable energy source (why: see Caveats).", md);
        Assert.Contains("| Energy sources | powercap-rapl: absent, msr-rapl-amd: absent, battery: absent |", md);
        // The long run-wide reason appears once, not under every table.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(md, "no energy counter is exposed"));
        Assert.DoesNotContain("Incomplete run", md);
    }

    [Fact]
    public void Caveats_IncompleteRun_PartialEnergy_AndTheNotAttributableCell()
    {
        string md = ReportGenerator.RenderReportMarkdown(FixtureCopy.Read(FixtureCopy.Arm64));
        Assert.Contains("**Incomplete run**: started 2025-01-16 08:30:00 UTC; 37 case(s) finished before it stopped.", md);
        Assert.Contains("- Incomplete run: the sweep was interrupted", md);
        Assert.Contains("- Energy is missing for 9 of 37 cases", md);
        Assert.Contains("| 1 | 4 | 16.7 µs | 59,926 | 258 KiB | 274 KiB | 41.8 MiB | n/a |", md);
        Assert.Contains("Energy \"n/a\": not attributable — window 0.04 s shorter than 100× the 1 ms counter update period.", md);
        Assert.Contains("- **Energy**: external-trace (board); idle baseline 2.70 W (net = gross − idle)", md);
        Assert.DoesNotContain("Noisy machine", md);
    }

    [Fact]
    public void Caveats_EmulationMissingCalibrationWrongResultsAndEstimatedEnergy()
    {
        var s = FixtureCopy.Read(FixtureCopy.Arm64);
        s.Machine.Emulated = true;
        s.Machine.CpuModel = "AMD EPYC 7B13 64-Core Processor";
        s.Calibration = null;
        s.Cases[0].CorrectnessOk = false;
        foreach (var c in s.Cases.Where(c => c.Energy is not null)) c.Energy!.Estimated = true;
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("| Architecture | arm64 (**emulated**) |", md);
        Assert.Contains("- **Emulated run**: the arm64 process ran under an emulator on AMD EPYC 7B13 64-Core Processor, so times", md);
        Assert.Contains("- No calibration in this run: % of FMA peak and % of bandwidth are unavailable.", md);
        Assert.Contains($"- 1 case(s) did not match their double-precision reference (e.g. \"{s.Cases[0].Name}\")", md);
        Assert.Contains("- Energy is estimated by a power model, not metered.", md);
        Assert.Contains("- **Calibration**: not measured in this run.", md);
    }

    [Fact]
    public void Emulation_comes_first_in_the_report_and_its_caveats_with_the_emulator_and_how_it_was_detected()
    {
        var s = FixtureCopy.Read(FixtureCopy.Arm64);
        s.Machine.Emulated = true;
        s.Machine.Emulation = new EmulationInfo { Emulator = "qemu-user", DetectedBy = "the process is arm64 but the kernel runs on x86_64 (/proc/sys/kernel/arch)" };
        s.Calibration = new Calibration { FmaPeakGflops = 1, BandwidthGBs = 1, Stable = false, UnstableReason = "start and end disagree" };
        s.Caveats.Insert(0, "peak working set is the process-lifetime peak");
        s.Caveats.Add(EmulationInfo.Caveat(s.Machine)); // as the sweep records it: shown once, not twice
        var caveats = ReportGenerator.Caveats(s);
        Assert.StartsWith("**Emulated run**: the arm64 process ran under qemu-user on ", caveats[0]);
        Assert.EndsWith("Detected by: the process is arm64 but the kernel runs on x86_64 (/proc/sys/kernel/arch).", caveats[0]);
        Assert.StartsWith("**Calibration unstable**", caveats[1]);
        Assert.Single(caveats, c => c.Contains("Emulated run", StringComparison.Ordinal));

        string md = ReportGenerator.RenderReportMarkdown(s);
        string[] lines = md.ReplaceLineEndings("\n").Split('\n');
        Assert.StartsWith("# FoldBench results", lines[0]);
        Assert.Equal($"> {caveats[0]}", lines[2]);
        Assert.Contains("| Architecture | arm64 (**emulated**: qemu-user) |", md);
        Assert.Contains($"## Caveats\n\n- {caveats[0]}\n- {caveats[1]}\n", md.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_native_run_has_no_emulation_banner()
    {
        var s = FixtureCopy.Read(FixtureCopy.X64);
        s.Machine.Emulation = new EmulationInfo { DetectedBy = "native: the process is x64 and the kernel runs on x86_64" };
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.DoesNotContain("Emulated", md);
        Assert.DoesNotContain("emulated", md);
    }

    [Fact]
    public void EmptyRun_StillRendersAReport()
    {
        var s = new RunSummary { Machine = new MachineInfo { Name = "empty" }, StartedUtc = DateTimeOffset.UnixEpoch };
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("No case finished in this run.", md);
        Assert.Contains("**Incomplete run**", md);
        Assert.Empty(ReportGenerator.ChartNames(s));
    }
}
