using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FoldBench.Benchmarks.Suites;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// Measures every roof as one BenchmarkDotNet case (one per FMA width, one per memory level) and turns the
/// rounds (the job's measured iterations) into a <see cref="RoofSet"/>: the best round of each roof, since a
/// peak is a maximum, and the spread of its rounds. The sweep runs it before the first case and after the last.
/// </summary>
public static class CalibrationRun
{
    /// <summary>Bytes of the buffer the legacy <see cref="Calibration.CacheBandwidthGBs"/> describes: the kernels' cache-resident 512×512 weights.</summary>
    public const long LegacyCacheBytes = 1L << 20;

    /// <summary>The roof name of a footprint's read bandwidth: "read-fp-1050624".</summary>
    public static string FootprintRoof(long bytes) => FootprintPrefix + Roofline.FootprintKey(bytes);

    private const string FootprintPrefix = "read-fp-";

    /// <summary>
    /// One case per width (parameter Width), per level and per weight footprint the sweep's cases re-read (parameter
    /// BufferBytes).
    /// </summary>
    /// <param name="int8">Whether to measure the int8 instruction peaks too (<see cref="CalibrationBenchmarks.Int8Paths"/>): a run with int8 cases.</param>
    public static IReadOnlyList<(string Roof, BenchmarkCase Case)> Cases(IConfig config, CacheDescription caches, IReadOnlyCollection<long>? footprints = null, bool int8 = false)
    {
        var methods = BenchmarkConverter.TypeToBenchmarks(typeof(CalibrationBenchmarks), config).BenchmarksCases;
        var fma = methods.Single(c => c.Descriptor.WorkloadMethod.Name == nameof(CalibrationBenchmarks.Fma));
        var read = methods.Single(c => c.Descriptor.WorkloadMethod.Name == nameof(CalibrationBenchmarks.Read));
        var dot = methods.Single(c => c.Descriptor.WorkloadMethod.Name == nameof(CalibrationBenchmarks.Int8));
        var list = new List<(string, BenchmarkCase)>();
        foreach (var w in CalibrationBenchmarks.Widths())
            list.Add(("fma-" + w, With(fma, nameof(CalibrationBenchmarks.Width), typeof(string), w)));
        // Roof name = the int8 path's name ("int8-avx2"): the key of Int8PeakGopsByPath and of the cases' Path.
        foreach (var p in int8 ? CalibrationBenchmarks.Int8Paths() : [])
            list.Add((p, With(dot, nameof(CalibrationBenchmarks.Int8Path), typeof(string), p)));
        foreach (var l in caches.Levels)
            list.Add(("read-" + l.Name, With(read, nameof(CalibrationBenchmarks.BufferBytes), typeof(long), l.BufferBytes)));
        foreach (long f in (footprints ?? []).Where(f => f >= CalibrationBenchmarks.Alignment).Distinct().Order())
            list.Add((FootprintRoof(f), With(read, nameof(CalibrationBenchmarks.BufferBytes), typeof(long), f)));
        return list;
    }

    private static BenchmarkCase With(BenchmarkCase bc, string name, Type type, object value)
    {
        var def = new ParameterDefinition(name, isStatic: false, [value], isArgument: false, type, 0);
        return BenchmarkCase.Create(bc.Descriptor, bc.Job, new ParameterInstances([new ParameterInstance(def, value, bc.Config.SummaryStyle)]), bc.Config);
    }

    /// <summary>Runs every roof's case through <paramref name="run"/> (which returns its report, or null when it failed).</summary>
    public static RoofSet Measure(IConfig config, CacheDescription caches, IReadOnlyCollection<long> footprints,
        Func<BenchmarkCase, string, BenchmarkReport?> run, bool int8 = false)
    {
        var set = new RoofSet();
        foreach (var (roof, bc) in Cases(config, caches, footprints, int8))
        {
            var report = run(bc, roof);
            var rounds = report?.AllMeasurements
                .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Result)
                .Select(m => m.GetAverageTime().Nanoseconds).Where(ns => ns > 0).ToList();
            if (rounds is null || rounds.Count == 0)
                throw new InvalidOperationException($"calibration '{roof}' produced no measurement (see benchmarkdotnet.log)");
            bool fma = roof.StartsWith("fma-", StringComparison.Ordinal), dot = PrecisionNames.IsInt8Path(roof);
            double work = fma ? CalibrationBenchmarks.FmaFlopsPerInvoke(roof[4..])
                : dot ? CalibrationBenchmarks.Int8OpsPerInvoke(roof)
                : CalibrationBenchmarks.BytesPerInvoke(Convert.ToInt64(bc.Parameters[nameof(CalibrationBenchmarks.BufferBytes)], System.Globalization.CultureInfo.InvariantCulture));
            var rates = rounds.Select(ns => work / ns).ToList();
            if (fma) set.FmaPeakGflopsByWidth[roof[4..]] = rates.Max();
            else if (dot) set.Int8PeakGopsByPath[roof] = rates.Max();
            else if (roof.StartsWith(FootprintPrefix, StringComparison.Ordinal)) set.BandwidthGBsByFootprint[roof[FootprintPrefix.Length..]] = rates.Max();
            else set.BandwidthGBsByLevel[roof[5..]] = rates.Max();
            set.SpreadByRoof[roof] = Roofline.Spread(rates);
        }
        return set;
    }

    /// <summary>
    /// The run's calibration from its start measurement and, once taken, its end measurement: each roof the better of the two.
    /// <paramref name="memoryBeside"/>: the fastest memory read measured beside a streamed case (<see cref="MemoryProbe"/>, the
    /// same loop over a buffer of the same size), which raises memory's roof when it beat both (a peak is a maximum).
    /// </summary>
    public static Calibration Combine(CacheDescription caches, RoofSet start, RoofSet? end, string job, double? memoryBeside = null)
    {
        var fma = Roofline.Best(start.FmaPeakGflopsByWidth, end?.FmaPeakGflopsByWidth);
        var bw = Roofline.Best(start.BandwidthGBsByLevel, end?.BandwidthGBsByLevel);
        bool raised = memoryBeside is double beside && bw.TryGetValue(Roofline.Memory, out double memory) && beside > memory;
        if (raised) bw[Roofline.Memory] = memoryBeside!.Value;
        var cacheBytes = caches.Levels.Where(l => l.CapacityBytes > 0).ToDictionary(l => l.Name, l => l.CapacityBytes);
        string legacyLevel = Roofline.LevelFor(LegacyCacheBytes, streamed: false, cacheBytes);
        string widest = CalibrationBenchmarks.Widths()[^1];
        var c = new Calibration
        {
            FmaPeakGflops = fma.GetValueOrDefault(widest),
            BandwidthGBs = bw.GetValueOrDefault(Roofline.Memory),
            CacheBandwidthGBs = bw.TryGetValue(legacyLevel, out double cb) ? cb : null,
            FmaPeakGflopsByWidth = fma,
            Int8PeakGopsByPath = start.Int8PeakGopsByPath.Count > 0 || end?.Int8PeakGopsByPath.Count > 0
                ? Roofline.Best(start.Int8PeakGopsByPath, end?.Int8PeakGopsByPath) : null,
            BandwidthGBsByLevel = bw,
            BufferBytesByLevel = caches.Levels.ToDictionary(l => l.Name, l => l.BufferBytes),
            BandwidthGBsByFootprint = Roofline.Best(start.BandwidthGBsByFootprint, end?.BandwidthGBsByFootprint),
            CacheBytesByLevel = cacheBytes,
            CacheSource = caches.Source,
            Start = start,
            End = end,
            Method = $"one core, {job} job, best round of each roof, measured before the first case and after the last" +
                     (raised ? " (memory: a read beside a streamed case was faster, and is its roof)" : "") + "; " +
                     $"FMA: {string.Join(", ", CalibrationBenchmarks.Widths().Select(w => $"{w}: {CalibrationBenchmarks.Chains(w)} independent {CalibrationBenchmarks.Lanes(w)}-lane chains"))}; " +
                     (start.Int8PeakGopsByPath.Count > 0
                         ? $"int8 (GOP/s, 1 multiply-accumulate = 2 operations): vpdpbusd and sdot as {CalibrationBenchmarks.Int8Chains} independent chains, " +
                           "the avx2 (vpsignb, vpmaddubsw, vpmaddwd, vpaddd) and neon (smull, smull2, sadalp) sequences as their kernels' tiles on L1-resident operands; "
                         : "") +
                     $"read bandwidth ({caches.Source}): {string.Join(", ", caches.Levels.Select(l => $"{l.Name} {CacheInfo.SizeName(l.BufferBytes)}"))} buffers, " +
                     $"and a buffer the size of each cache-resident case's weights; reads start on 64-byte lines, " +
                     $"16 accumulators over four streams, widest vector loads; cacheBandwidthGBs is {legacyLevel}, the level that holds 1 MiB",
        };
        return c;
    }
}
