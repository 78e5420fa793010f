namespace FoldBench.Results;

/// <summary>
/// The arithmetic of a run's roofs: which FMA width and memory level bound a case, the bound itself, and
/// whether the calibration can be trusted. Pure functions of a <see cref="Calibration"/> and case figures,
/// so that they are tested with constructed inputs, never with timings.
/// </summary>
public static class Roofline
{
    /// <summary>Widths in increasing order, as keys of <see cref="Calibration.FmaPeakGflopsByWidth"/>.</summary>
    public static IReadOnlyList<string> Widths { get; } = ["scalar", "128", "256", "512"];

    public const string Memory = "memory";

    /// <summary>
    /// The least noise a roof is granted: with only a few rounds (the dry job has three) the spread of the
    /// rounds can be zero by chance, and no clock resolves a drift below this.
    /// </summary>
    public const double NoiseFloor = 0.02;

    /// <summary>
    /// Above this spread of a roof's rounds the machine was too busy for any roof to mean anything: a run whose
    /// roofs move 40% between rounds would otherwise also forgive a 40% drift between start and end and call
    /// itself stable (seen on the loaded 2-core VM: 256-bit FMA 97.6 at the start, 59.0 at the end).
    /// </summary>
    public const double NoiseCeiling = 0.10;

    /// <summary>
    /// The FMA width a kernel path computes with: scalar for scalar, 128 for neon, 256 for avx2, 512 for avx512,
    /// and for portable the widest vector the runtime accelerates (<paramref name="portableBits"/>: 256 or 128).
    /// Null for a path it does not know.
    /// </summary>
    public static string? WidthOf(string path, int portableBits) => path.ToLowerInvariant() switch
    {
        "scalar" => "scalar",
        "neon" => "128",
        "avx2" => "256",
        "avx512" => "512",
        "portable" => portableBits >= 256 ? "256" : "128",
        _ => null,
    };

    /// <summary>
    /// The level that weights of <paramref name="weightBytes"/> live in: memory when streamed, else the smallest
    /// cache level that holds them (memory when none does).
    /// </summary>
    public static string LevelFor(long weightBytes, bool streamed, IReadOnlyDictionary<string, long>? cacheBytesByLevel)
    {
        if (streamed || cacheBytesByLevel is null) return Memory;
        return cacheBytesByLevel.Where(kv => kv.Key != Memory && kv.Value >= weightBytes)
            .OrderBy(kv => kv.Value).Select(kv => kv.Key).FirstOrDefault() ?? Memory;
    }

    /// <summary>The widest measured width's FMA peak (the machine's peak); the legacy single peak for older results.</summary>
    public static double? MachinePeak(Calibration c)
    {
        if (c.FmaPeakGflopsByWidth is { Count: > 0 } by)
            foreach (var w in Widths.Reverse())
                if (by.TryGetValue(w, out double v) && v > 0) return v;
        return c.FmaPeakGflops > 0 ? c.FmaPeakGflops : null;
    }

    /// <summary>The measured peak of an int8 path's instructions, GOP/s; null when the calibration did not measure it.</summary>
    public static double? Int8Peak(Calibration c, string path) =>
        c.Int8PeakGopsByPath?.TryGetValue(path.ToLowerInvariant(), out double v) == true && v > 0 ? v : null;

    /// <summary>The machine's int8 peak: the fastest measured int8 instruction's, GOP/s; null when none was measured.</summary>
    public static double? MachineInt8Peak(Calibration c) =>
        c.Int8PeakGopsByPath is { Count: > 0 } by && by.Values.Max() is double v && v > 0 ? v : null;

    /// <summary>The key of a footprint in <see cref="Calibration.BandwidthGBsByFootprint"/>.</summary>
    public static string FootprintKey(long bytes) => bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The bytes a case re-reads every operation, whose own measured read bandwidth bounds it: its weights, except for
    /// kernel and peer cases in the streamed regime, which rotate through copies larger than any cache (memory bounds them).
    /// </summary>
    public static long? FootprintOf(string suite, string? regime, long? weightBytes) =>
        regime == RegimeNames.Streamed && suite is SuiteNames.Kernels or SuiteNames.Peers ? null : weightBytes;

    /// <summary>
    /// A case's roofline bound: min(FMA peak of its width, intensity × bandwidth), with the width and the level used. The
    /// bandwidth is that of a buffer the size of the weights when the calibration measured one (level "footprint 1.0 MiB"),
    /// else that of the smallest level that holds them, or memory when <paramref name="streamed"/>.
    /// </summary>
    public static (double Gflops, string Width, string Level)? Bound(Calibration c, string path, int portableBits,
        double flops, double bytes, long weightBytes, bool streamed)
    {
        if (c.FmaPeakGflopsByWidth is not { } peaks || c.BandwidthGBsByLevel is not { } bws || bytes <= 0) return null;
        string? width;
        double peak;
        if (PrecisionNames.IsInt8Path(path))
        {
            // An int8 path is bound by its own instructions' measured peak (GOP/s), never by an fp32 FMA width.
            if (Int8Peak(c, path) is not double p) return null;
            (width, peak) = (path.ToLowerInvariant(), p);
        }
        else
        {
            // A peer library (OpenBLAS, ONNX Runtime…) picks its own ISA: it is held to the machine's widest width.
            width = WidthOf(path, portableBits) ?? Widths.LastOrDefault(w => peaks.GetValueOrDefault(w) > 0);
            if (width is null || !peaks.TryGetValue(width, out peak)) return null;
        }
        string level;
        double bw;
        if (!streamed && c.BandwidthGBsByFootprint?.TryGetValue(FootprintKey(weightBytes), out double fbw) == true)
            (level, bw) = (FootprintLevel(weightBytes), fbw);
        else if (!bws.TryGetValue(level = LevelFor(weightBytes, streamed, c.CacheBytesByLevel), out bw))
            return null;
        return (Math.Min(peak, flops / bytes * bw), width, level);
    }

    /// <summary>"1.00 MiB 132.7, 80.2 MiB 57.4": each measured footprint's read bandwidth (GB/s), smallest first; null when none.</summary>
    public static string? FootprintsText(Calibration c) =>
        c.BandwidthGBsByFootprint is { Count: > 0 } fp
            ? string.Join(", ", fp.Select(kv => (Bytes: long.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture), GBs: kv.Value))
                .OrderBy(f => f.Bytes).Select(f => $"{Formatting.Units.Bytes(f.Bytes)} {Formatting.Units.Fixed(f.GBs, 1)}"))
            : null;

    /// <summary>"footprint 1.0 MiB": the level name of a bound set by a footprint's own read bandwidth.</summary>
    public static string FootprintLevel(long bytes) => "footprint " + Formatting.Units.Bytes(bytes);

    /// <summary>
    /// Fills a case's roofline fields from its own figures (GFLOP/s over GB/s is its arithmetic intensity; weight bytes and
    /// regime place its weights) and the calibration. Called again when the end calibration changes the roofs.
    /// </summary>
    public static void Describe(CaseResult r, Calibration c, int portableBits)
    {
        r.PctMachinePeak = r.RooflineGflops = r.PctRoofline = r.PctRooflineBeside = null;
        r.RoofWidth = r.RoofLevel = null;
        if (r.Gflops is not double g) return;
        bool int8 = PrecisionNames.IsInt8Path(r.Path);
        if ((int8 ? MachineInt8Peak(c) : MachinePeak(c)) is double machine) r.PctMachinePeak = 100 * g / machine;
        if (r.GbPerS is not double gb || gb <= 0 || r.WeightBytes is not long wb) return;
        bool rotates = FootprintOf(r.Suite, r.Regime, wb) is null;
        if (Bound(c, r.Path, portableBits, g, gb, wb, rotates) is not { } b) return;
        r.RooflineGflops = b.Gflops;
        r.RoofWidth = b.Width;
        r.RoofLevel = b.Level;
        r.PctRoofline = 100 * g / b.Gflops;
        // The same bound with the memory rate measured beside the case, when memory set the level.
        if (b.Level == Memory && r.MemoryBesideGBs is double beside && beside > 0 && c.BandwidthGBsByLevel?.GetValueOrDefault(Memory) is > 0)
        {
            double peak = int8 ? Int8Peak(c, r.Path) ?? 0 : c.FmaPeakGflopsByWidth?.GetValueOrDefault(b.Width) ?? 0;
            if (peak > 0) r.PctRooflineBeside = 100 * g / Math.Min(peak, g / gb * beside);
        }
    }

    /// <summary>
    /// How far below the memory roof the slowest read beside a case fell before the report says so (<see cref="Judge"/>):
    /// well above the run's usual noise, so that only a real slow phase of the machine is named.
    /// </summary>
    public const double BesideDipFraction = 0.10;

    /// <summary>
    /// The cases whose memory read rate beside them (<see cref="CaseResult.MemoryBesideGBs"/>) fell more than
    /// <see cref="BesideDipFraction"/> (or the run's noise, if larger) below the calibration's memory roof, slowest first.
    /// </summary>
    public static IReadOnlyList<CaseResult> SlowMemoryCases(Calibration c, IEnumerable<CaseResult> cases)
    {
        if (c.BandwidthGBsByLevel?.GetValueOrDefault(Memory) is not double roof || roof <= 0) return [];
        double limit = roof * (1 - Math.Max(BesideDipFraction, c.NoiseFraction ?? 0));
        return [.. cases.Where(r => r.MemoryBesideGBs is double b && b < limit).OrderBy(r => r.MemoryBesideGBs)];
    }

    /// <summary>The spread of one roof's rounds, given each round's rate (higher is better): (best − median) / best.</summary>
    public static double Spread(IReadOnlyList<double> roundRates)
    {
        if (roundRates.Count == 0) return 0;
        var sorted = roundRates.OrderBy(x => x).ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        double best = sorted[^1];
        return best > 0 ? (best - median) / best : 0;
    }

    /// <summary>Each roof's better value of two measurements (a peak is a maximum).</summary>
    public static Dictionary<string, double> Best(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double>? b)
    {
        var d = new Dictionary<string, double>(a);
        if (b is not null)
            foreach (var (k, v) in b)
                d[k] = d.TryGetValue(k, out double x) ? Math.Max(x, v) : v;
        return d;
    }

    /// <summary>
    /// Sets <see cref="Calibration.Stable"/>, its reason, the noise and the drift: unstable when any roof's start and end
    /// values differ by more than the run's noise (the largest spread of any roof's rounds, at least <see cref="NoiseFloor"/>),
    /// when that noise itself exceeds <see cref="NoiseCeiling"/>, or when any case exceeds 100% of its roofline bound
    /// or of its width's FMA peak, or of the bound set by the memory read measured beside it. A memory read beside a case that
    /// is slower than the memory roof does not make the roofs unstable (the roofs were measured right); the report names those
    /// cases (<see cref="SlowMemoryCases"/>).
    /// </summary>
    public static void Judge(Calibration c, IEnumerable<CaseResult> cases)
    {
        var reasons = new List<string>();
        var spreads = new[] { c.Start, c.End }.Where(s => s is not null).SelectMany(s => s!.SpreadByRoof.Values).ToList();
        double noise = Math.Max(NoiseFloor, spreads.Count > 0 ? spreads.Max() : 0);
        c.NoiseFraction = noise;
        if (noise > NoiseCeiling)
            reasons.Add(FormattableString.Invariant($"the roofs' rounds spread by up to {100 * noise:F1}% (over {100 * NoiseCeiling:F0}%): the machine was too busy for the roofs to hold"));
        if (c.Start is { } start && c.End is { } end)
        {
            var drifts = Pairs("FMA ", "GFLOP/s", start.FmaPeakGflopsByWidth, end.FmaPeakGflopsByWidth)
                .Concat(Pairs("", "GOP/s", start.Int8PeakGopsByPath, end.Int8PeakGopsByPath))
                .Concat(Pairs("read ", "GB/s", start.BandwidthGBsByLevel, end.BandwidthGBsByLevel)).ToList();
            // Footprints stay out of the drift check: one near a cache's capacity reads at a rate set by where its pages
            // land in the cache's sets, which differs between allocations, not between machine states (1 MiB read at
            // 140 then 155 GB/s in one quiet run on the Zen 5 VM, whose L2 is 1 MiB). Their roof is the better of the two.
            c.DriftFraction = drifts.Count > 0 ? drifts.Max(d => d.Drift) : 0;
            var worst = drifts.Where(d => d.Drift > noise).OrderByDescending(d => d.Drift).ToList();
            if (worst.Count > 0)
                reasons.Add(FormattableString.Invariant($"start and end calibrations disagree by more than the run's noise ({100 * noise:F1}%): ") +
                            string.Join(", ", worst.Select(d => d.Text)));
        }
        else
            c.DriftFraction = null;
        var all = cases.ToList();
        var over = all.Where(r => r.PctRoofline > 100).OrderByDescending(r => r.PctRoofline).ToList();
        if (over.Count > 0)
            reasons.Add(FormattableString.Invariant($"{over.Count} case(s) exceed 100% of their roofline bound (e.g. \"{over[0].Name}\" at {over[0].PctRoofline:F0}% ") +
                        FormattableString.Invariant($"of {over[0].RooflineGflops:F1} {PrecisionNames.ThroughputUnit(PrecisionNames.Of(over[0]))}): a roof was measured too low"));
        var overBeside = all.Where(r => r.PctRooflineBeside > 100).OrderByDescending(r => r.PctRooflineBeside).ToList();
        if (overBeside.Count > 0)
            reasons.Add(FormattableString.Invariant($"{overBeside.Count} case(s) exceed 100% of the roofline bound set by the memory read measured beside them ") +
                        FormattableString.Invariant($"(e.g. \"{overBeside[0].Name}\" at {overBeside[0].PctRooflineBeside:F0}% with {overBeside[0].MemoryBesideGBs:F1} GB/s): that probe read too low"));
        c.Stable = reasons.Count == 0;
        c.UnstableReason = reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    private static IEnumerable<(double Drift, string Text)> Pairs(string prefix, string unit, Dictionary<string, double> a, Dictionary<string, double> b)
    {
        foreach (var (k, x) in a)
        {
            if (!b.TryGetValue(k, out double y) || Math.Max(x, y) <= 0) continue;
            double drift = Math.Abs(x - y) / Math.Max(x, y);
            yield return (drift, FormattableString.Invariant($"{prefix}{k} {x:F1} → {y:F1} {unit} ({100 * drift:F1}%)"));
        }
    }
}
