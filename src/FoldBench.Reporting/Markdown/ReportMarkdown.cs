using System.Globalization;
using System.Text;
using FoldBench.Reporting.Charts;
using FoldBench.Reporting.Data;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Markdown;

/// <summary>report.md for one run: machine, method, caveats, the fold tables per chunk size, the whole RNN-T step, kernels, charts.</summary>
internal static class ReportMarkdown
{
    public static string Render(RunSummary s, string plotsFolder)
    {
        var charts = ChartPlan.For(s);
        var md = new StringBuilder();
        string machine = s.Machine.Name.Length > 0 ? s.Machine.Name : "unnamed machine";
        md.AppendLine($"# FoldBench results — {machine}").AppendLine();
        // Before anything else: under emulation no figure below represents the hardware.
        if (s.Machine.Emulated) md.AppendLine($"> {EmulationInfo.Caveat(s.Machine)}").AppendLine();
        md.AppendLine(RunLine(s)).AppendLine();

        Machine(md, s);
        Method(md, s);

        md.AppendLine("## Caveats").AppendLine();
        var caveats = Caveats.All(s);
        if (caveats.Count == 0) md.AppendLine("None recorded.");
        foreach (var c in caveats) md.AppendLine($"- {c}");
        md.AppendLine();

        var sweeps = RunSelection.FoldSweeps(s);
        foreach (var g in sweeps)
        {
            var siblings = sweeps.Where(x => x.Suite == g.Suite && x.Preset == g.Preset && x.Path == g.Path).ToList();
            if (siblings.Count > 1 && siblings[0] == g)
            {
                md.AppendLine($"## {g.SuiteTitle}: folding options compared ({string.Join(", ", new[] { g.Preset is null ? null : $"preset {g.Preset}", g.Path }.Where(x => !string.IsNullOrEmpty(x)))})").AppendLine();
                md.AppendLine("Every folded case of this sweep, one row per chunk size, fold factor and set of options, against the unfolded model (N = 1) " +
                              "at the same chunk size; the sections below give each set of options its own table and charts.").AppendLine();
                md.Append(OptionsTable(siblings));
                md.AppendLine();
            }
            md.AppendLine($"## {g.Label}").AppendLine();
            md.AppendLine("Savings are relative to the unfolded model (N = 1) at the same chunk size; positive means the folded model needs less.").AppendLine();
            md.Append(SweepTable(g));
            EnergyFootnote(md, g, s);
            md.AppendLine();
            Embed(md, charts, g.FileSuffix, plotsFolder);
        }

        RnntMarkdown.Append(md, s);
        ThreadsMarkdown.Append(md, s);
        Int8Markdown.Append(md, s);

        var kernels = RunSelection.Kernels(s);
        if (kernels.Count > 0)
        {
            md.AppendLine("## Kernels").AppendLine();
            foreach (var line in BestKernelLines(kernels)) md.AppendLine($"- {line}");
            md.AppendLine();
            md.Append(KernelTable(kernels));
            md.AppendLine().AppendLine("% FMA peak and % bandwidth are against this run's calibration: cache-resident cases against the cache " +
                                       "bandwidth, streamed cases against the memory bandwidth. Roofline bound: min(FMA peak of the case's own vector width, " +
                                       "arithmetic intensity × read bandwidth of the level its weights live in), with that width and level; " +
                                       "% machine peak is against the widest width's peak. CV: coefficient of variation over iterations." +
                                       (kernels.Any(c => PrecisionNames.Of(c) == PrecisionNames.Int8)
                                           ? " int8 rows (paths int8-…): the throughput column is GOP/s (1 multiply-accumulate = 2 operations), their " +
                                             "bound is min(measured peak of the path's int8 instructions, intensity of their int8 bytes × bandwidth), " +
                                             "% machine peak is against the fastest int8 instruction's peak, and they have no % FMA peak."
                                           : ""));
            md.AppendLine();
            Embed(md, charts, SuiteNames.Kernels, plotsFolder);
        }
        PeerMarkdown.Append(md, s, () => Embed(md, charts, SuiteNames.Peers, plotsFolder));
        if (s.Cases.Count == 0) md.AppendLine("No case finished in this run.").AppendLine();
        return md.ToString();
    }

    public static string RunLine(RunSummary s)
    {
        string started = Utc(s.StartedUtc);
        if (s.Complete && s.FinishedUtc is DateTimeOffset f)
            return $"Run started {started}, finished {Utc(f)} ({Duration(f - s.StartedUtc)}); {s.Cases.Count} case(s).";
        return $"**Incomplete run**: started {started}; {s.Cases.Count} case(s) finished before it stopped.";
    }

    private static void Machine(StringBuilder md, RunSummary s)
    {
        var m = s.Machine;
        md.AppendLine("## Machine").AppendLine();
        var t = new MarkdownTable(("", false), ("", false));
        t.Add("Name", Or(m.Name));
        t.Add("CPU", Or(m.CpuModel));
        t.Add("Architecture", Or(m.Architecture) + (m.Emulated ? $" (**emulated**{(m.Emulation?.Emulator is { } e ? $": {e}" : "")})" : ""));
        t.Add("ISA features", m.IsaFeatures.Count == 0 ? Units.Missing : string.Join(", ", m.IsaFeatures));
        t.Add("Cores", m.Cores > 0 ? m.Cores.ToString(CultureInfo.InvariantCulture) : Units.Missing);
        if (m.CpuTypes is { } types) t.Add("Core types", types.Summary.Length > 0 ? types.Summary : types.Basis);
        if (s.Placement is { } at)
            t.Add("Benchmark thread", (at.Cpu is int cpu ? $"CPU {cpu}" + (at.CoreType is { } type ? $" ({type})" : "") : "unpinned") + $": {at.Reason}" +
                                      (at.CpuidCoreType is { } id ? $"; CPUID says {id}" : ""));
        t.Add("OS", Or(m.Os));
        t.Add(".NET", Or(m.DotnetVersion));
        // States only: when nothing is usable the Caveats give the reasons once (they are long),
        // and `foldbench sensors` explains each source in full.
        t.Add("Energy sources", m.EnergySources.Count == 0
            ? "none found"
            : string.Join(", ", m.EnergySources.Select(e => $"{e.Name}: {e.State}")));
        md.Append(t).AppendLine();
    }

    private static void Method(StringBuilder md, RunSummary s)
    {
        md.AppendLine("## What was measured and how").AppendLine();
        md.AppendLine($"- **Job**: {Or(s.Job)}" + (string.IsNullOrWhiteSpace(s.CommandLine) ? "" : $" — `{s.CommandLine}`") +
                      (string.IsNullOrWhiteSpace(s.Tool) ? "" : $" ({s.Tool})"));
        var counts = s.Cases.GroupBy(c => c.Suite).Select(g => $"{g.Count()} {g.Key}");
        md.AppendLine($"- **Cases**: {(s.Cases.Count == 0 ? "none" : string.Join(", ", counts))}; every figure is the median over BenchmarkDotNet's iterations.");
        if (s.Calibration is { FmaPeakGflopsByWidth.Count: > 0, BandwidthGBsByLevel.Count: > 0 } roofs)
            md.AppendLine("- **Calibration** (one core, measured in this run): FMA peak " +
                          string.Join(", ", roofs.FmaPeakGflopsByWidth.Select(kv => $"{kv.Key} {Units.Fixed(kv.Value, 1)}")) + " GFLOP/s; " +
                          (roofs.Int8PeakGopsByPath is { Count: > 0 } int8
                              ? "int8 instruction peak " + string.Join(", ", int8.Select(kv => $"{kv.Key} {Units.Fixed(kv.Value, 1)}")) + " GOP/s; " : "") +
                          "read bandwidth " +
                          string.Join(", ", roofs.BandwidthGBsByLevel.Select(kv => $"{kv.Key} {Units.Fixed(kv.Value, 1)}")) + " GB/s" +
                          (Roofline.FootprintsText(roofs) is { } fp ? $"; read bandwidth of each case's weight footprint {fp} GB/s" : "") +
                          (roofs.Stable switch { true => "; stable (start and end agree within the run's noise)", false => "; **unstable** (see Caveats)", null => "" }) +
                          (string.IsNullOrWhiteSpace(roofs.Method) ? "." : $" ({roofs.Method})."));
        else if (s.Calibration is { } cal)
            md.AppendLine($"- **Calibration** (one core, measured in this run): FMA peak {Units.Fixed(cal.FmaPeakGflops, 1)} GFLOP/s, " +
                          $"memory read bandwidth {Units.Fixed(cal.BandwidthGBs, 1)} GB/s" +
                          (cal.CacheBandwidthGBs is double cb ? $", cache-resident read bandwidth {Units.Fixed(cb, 1)} GB/s" : "") +
                          (string.IsNullOrWhiteSpace(cal.Method) ? "." : $" ({cal.Method})."));
        else
            md.AppendLine("- **Calibration**: not measured in this run.");
        var paths = s.Cases.Where(c => c.Path.Length > 0).GroupBy(c => c.Path).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} ({string.Join(", ", g.Select(c => c.Suite).Distinct())})");
        md.AppendLine($"- **ISA paths used**: {(paths.Any() ? string.Join("; ", paths) : Units.Missing)}.");
        if (RunSelection.Noise(s) is var (median, max, noisiest, n))
            md.AppendLine($"- **Timing noise**: coefficient of variation over iterations, median {Units.FractionAsPercent(median)}, " +
                          $"max {Units.FractionAsPercent(max)} (\"{noisiest.Name}\"), over {n} case(s).");
        else
            md.AppendLine("- **Timing noise**: no case recorded its coefficient of variation.");
        md.AppendLine($"- **Energy**: {EnergyMethod(s)}");
        md.AppendLine();
    }

    private static string EnergyMethod(RunSummary s)
    {
        var e = s.Energy;
        if (e?.Source is null)
            return "none — no usable energy source (why: see Caveats).";
        var parts = new List<string> { $"{e.Source}" + (string.IsNullOrWhiteSpace(e.Domain) ? "" : $" ({e.Domain})") };
        if (e.Provenance is { } provenance) parts.Add(provenance == EnergyProvenance.Measured ? "measured" : $"**{provenance}**, not measured hardware");
        if (e.IdleWatts is double w)
            parts.Add($"idle baseline {Units.Watts(w)}" + (e.IdleBoundWatts is double ib ? $" ± {Units.Watts(ib)}" : "") + " (net = gross − idle" +
                      (e.IdleMeasurements.Count > 0 ? $"; measured {string.Join(" and ", e.IdleMeasurements.Select(m => $"{m.When} the sweep ({Units.Watts(m.Watts)})"))}" : "") +
                      (e.IdleSettleSeconds is double settle ? $", each after {settle:0.#} s to settle" : "") + ")");
        parts.Add("± bounds cover the counter's timing and resolution and the idle's noise and drift, not the counter's own model error");
        if (e.UpdatePeriodSeconds is double up) parts.Add($"counter update period {Units.Time(up * 1e9)}");
        if (e.SamplerOverheadFraction is double o) parts.Add($"sampler overhead {Units.FractionAsPercent(o)}");
        if (e.SampleFiles.Count > 0) parts.Add($"raw samples in {string.Join(", ", e.SampleFiles.Select(f => $"`{f}`"))}");
        return string.Join("; ", parts) + ".";
    }

    /// <summary>The key table: one row per (chunk size, fold), savings against N = 1 at the same chunk size.</summary>
    public static string SweepTable(SweepGroup g)
    {
        bool rtf = g.Cases.Any(c => c.RealTimeFactor is not null);
        var cols = new List<(string, bool)>
        {
            ("Chunk (tokens)", true), ("N", true), ("Time / step", true), ("Tokens/s", true),
        };
        if (rtf) cols.Add(("RTF", true));
        cols.AddRange([("Weights", true), ("Bytes / token", true), ("Peak working set", true), ("Net energy / token", true),
            ("Time saving", true), ("Weight saving", true), ("Peak memory saving", true), ("Energy saving", true)]);
        var t = new MarkdownTable([.. cols]);
        foreach (int chunk in g.Chunks)
            foreach (int fold in g.Folds)
            {
                if (g.At(chunk, fold) is not { } c) continue;
                var b = fold == 1 ? null : g.Baseline(chunk);
                var cells = new List<string>
                {
                    chunk.ToString(CultureInfo.InvariantCulture), fold.ToString(CultureInfo.InvariantCulture),
                    Units.Time(c.MedianNs), Units.Number(c.TokensPerS),
                };
                if (rtf) cells.Add(Units.Fixed(c.RealTimeFactor, 3));
                cells.AddRange([
                    Units.Bytes(c.WeightBytes), Units.Bytes(c.BytesPerToken), Units.Bytes(c.PeakWorkingSetBytes), EnergyCell(c.Energy),
                    Saving(b, c, x => x.MedianNs), Saving(b, c, x => x.WeightBytes), Saving(b, c, x => x.PeakWorkingSetBytes),
                    Saving(b, c, x => x.Energy is { Attributable: true } e ? e.NetJoulesPerToken : null),
                ]);
                t.Add([.. cells]);
            }
        return t.ToString();
    }

    /// <summary>The options groups of one sweep side by side: per chunk size, the baseline, then each fold factor's options.</summary>
    public static string OptionsTable(IReadOnlyList<SweepGroup> siblings)
    {
        var t = new MarkdownTable(("Chunk (tokens)", true), ("N", true), ("Folding options", false), ("Time / step", true),
            ("Weights", true), ("Bytes / token", true), ("Peak working set", true), ("Net energy / token", true),
            ("Time saving", true), ("Weight saving", true), ("Peak memory saving", true), ("Energy saving", true));
        var chunks = siblings.SelectMany(g => g.Chunks).Distinct().Order().ToList();
        var folds = siblings.SelectMany(g => g.Folds).Distinct().Order().ToList();
        foreach (int chunk in chunks)
        {
            var baseline = siblings.Select(g => g.Baseline(chunk)).FirstOrDefault(b => b is not null);
            foreach (int fold in folds)
                foreach (var g in fold == 1 ? siblings.Take(1) : siblings)
                {
                    if (g.At(chunk, fold) is not { } c) continue;
                    var b = fold == 1 ? null : baseline;
                    t.Add(chunk.ToString(CultureInfo.InvariantCulture), fold.ToString(CultureInfo.InvariantCulture),
                        fold == 1 ? "unfolded" : g.Variant.Text, Units.Time(c.MedianNs), Units.Bytes(c.WeightBytes), Units.Bytes(c.BytesPerToken),
                        Units.Bytes(c.PeakWorkingSetBytes), EnergyCell(c.Energy),
                        Saving(b, c, x => x.MedianNs), Saving(b, c, x => x.WeightBytes), Saving(b, c, x => x.PeakWorkingSetBytes),
                        Saving(b, c, x => x.Energy is { Attributable: true } e ? e.NetJoulesPerToken : null));
                }
        }
        return t.ToString();
    }

    private static string Saving(CaseResult? baseline, CaseResult folded, Func<CaseResult, double?> value) =>
        baseline is null ? Units.Missing : Units.SavingText(value(baseline), value(folded));

    public static string EnergyCell(EnergyResult? e) => e switch
    {
        null => Units.Missing,
        { Attributable: false } => "n/a",
        _ => Units.Energy(e.NetJoulesPerToken, e.UncertaintyJoulesPerToken),
    };

    private static void EnergyFootnote(StringBuilder md, SweepGroup g, RunSummary s)
    {
        if (!g.Cases.Any(EnergyNotices.HasEnergy))
        {
            // The run-wide reason is stated once under Caveats; a reason particular to this group is stated here.
            string reason = EnergyNotices.UnavailableReason(g.Cases, s.Energy);
            md.AppendLine().AppendLine(s.Energy?.Source is null && reason == EnergyNotices.UnavailableReason(s.Cases, s.Energy)
                ? "Energy: not measured (no usable energy source; see Caveats)."
                : $"Energy: not measured — {reason.TrimEnd('.')}.");
            return;
        }
        var na = g.Cases.FirstOrDefault(c => c.Energy is { Attributable: false });
        if (na is not null)
            md.AppendLine().AppendLine($"Energy \"n/a\": not attributable — {(na.Energy!.Reason ?? "measurement window too short for the counter").TrimEnd('.')}.");
        if (EnergyNotices.NotMeasured(g.Cases, s.Energy) is { } provenance)
            md.AppendLine().AppendLine(provenance);
        else if (g.Cases.Any(c => c.Energy is { Attributable: true, Estimated: true }))
            md.AppendLine().AppendLine("Energy figures are estimated by a power model, not metered.");
    }

    private static IEnumerable<string> BestKernelLines(IReadOnlyList<CaseResult> kernels)
    {
        if (kernels.Where(c => c.PctFmaPeak is not null).MaxBy(c => c.PctFmaPeak) is { } peak)
            yield return $"Best compute: {peak.Name} — {Units.Fixed(peak.Gflops, 1)} GFLOP/s = {Units.Percent(peak.PctFmaPeak)} of the FMA peak.";
        var streamed = kernels.Where(c => c.Regime == RegimeNames.Streamed && c.PctBandwidth is not null).ToList();
        if (streamed.MaxBy(c => c.PctBandwidth) is { } bw)
            yield return $"Best streamed: {bw.Name} — {Units.Fixed(bw.GbPerS, 1)} GB/s = {Units.Percent(bw.PctBandwidth)} of the measured memory bandwidth.";
    }

    public static string KernelTable(IReadOnlyList<CaseResult> kernels)
    {
        bool int8 = kernels.Any(c => PrecisionNames.Of(c) == PrecisionNames.Int8);
        // Only runs that read memory beside their streamed cases (results from before that have no such figure) get the column.
        bool beside = kernels.Any(c => c.MemoryBesideGBs is not null);
        (string, bool)[] columns =
        [
            ("Path", false), ("Weights", false), ("M", true), ("K", true), ("N", true), ("Median time", true),
            (int8 ? "GFLOP/s (int8: GOP/s)" : "GFLOP/s", true), ("% FMA peak", true), ("GB/s", true), ("% bandwidth", true), ("Roofline bound", true), ("% roofline", true),
            .. beside ? new[] { ("Memory beside, GB/s", true), ("% roofline, memory beside", true) } : [],
            ("% machine peak", true), ("CV", true),
        ];
        var t = new MarkdownTable(columns);
        foreach (var c in kernels)
            t.Add([
                c.Path, c.Regime ?? Units.Missing, Units.Integer(c.M), Units.Integer(c.K), Units.Integer(c.N), Units.Time(c.MedianNs),
                Units.Fixed(c.Gflops, 1), Units.Percent(c.PctFmaPeak), Units.Fixed(c.GbPerS, 1), Units.Percent(c.PctBandwidth),
                RoofCell(c), Units.Percent(c.PctRoofline),
                .. beside ? new[] { Units.Fixed(c.MemoryBesideGBs, 1), Units.Percent(c.PctRooflineBeside) } : [],
                Units.Percent(c.PctMachinePeak), Units.FractionAsPercent(c.CoefficientOfVariation),
            ]);
        return t.ToString();
    }

    /// <summary>"189.3 (256, memory)": the bound in GFLOP/s with the width and the level that set it.</summary>
    internal static string RoofCell(CaseResult c) => c.RooflineGflops is double g
        ? $"{Units.Fixed(g, 1)} ({c.RoofWidth ?? Units.Missing}, {c.RoofLevel ?? Units.Missing})"
        : Units.Missing;

    private static void Embed(StringBuilder md, IReadOnlyList<IChart> charts, string section, string plotsFolder)
    {
        foreach (var chart in charts.Where(c => c.Section == section))
            md.AppendLine($"![{chart.Title}]({plotsFolder}/{chart.FileStem}.png)").AppendLine();
    }

    private static string Or(string? s) => string.IsNullOrWhiteSpace(s) ? Units.Missing : s;
    public static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private static string Duration(TimeSpan d) => d.TotalHours >= 1 ? $"{(int)d.TotalHours} h {d.Minutes} min"
        : d.TotalMinutes >= 1 ? $"{(int)d.TotalMinutes} min {d.Seconds} s" : $"{d.TotalSeconds:0} s";
}
