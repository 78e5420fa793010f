using System.Diagnostics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FoldBench.Benchmarks.Diagnosers;
using FoldBench.Benchmarks.Suites;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>What `foldbench run` asked for.</summary>
public sealed record SweepOptions
{
    public SweepSettings Settings { get; init; } = new();
    public string Job { get; init; } = "quick";
    /// <summary>The results folder (created; must not already hold a summary).</summary>
    public required string OutDir { get; init; }
    public bool Verbose { get; init; }
    public bool Calibrate { get; init; } = true;
    public MachineInfo? Machine { get; init; }
    public string? CommandLine { get; init; }
    /// <summary>Hooks for energy attribution (null: no usable source; the reason is in Machine.EnergySources).</summary>
    public ISweepObserver? Observer { get; init; }
}

/// <summary>A listener that adds to each case (energy, for one) and to the run as a whole.</summary>
public interface ISweepObserver
{
    /// <summary>Diagnosers to attach to every BenchmarkDotNet run.</summary>
    IEnumerable<IDiagnoser> Diagnosers { get; }
    /// <summary>Called once before the first case.</summary>
    void BeforeSweep(RunSummary summary);
    /// <summary>Called after each case; may fill fields of <paramref name="result"/>.</summary>
    void AfterCase(BenchmarkCase benchmarkCase, BenchmarkReport report, CaseResult result);
    /// <summary>Called once after the last case of a sweep that ran to its end, before the end calibration heats the machine again.</summary>
    void AfterCases(RunSummary summary) { }
    /// <summary>Called once at the end (also after an interruption); may fill summary.Energy and caveats.</summary>
    void AfterSweep(RunSummary summary);
}

/// <summary>
/// Runs a sweep one BenchmarkDotNet case at a time, in-process, so that after every case the
/// results folder holds a complete, atomically written summary of what is finished: an
/// interruption or a crash loses only the case that was running.
/// </summary>
public sealed class SweepRunner
{
    public static IReadOnlyDictionary<string, Type> SuiteTypes => SuiteCases.Types;

    private readonly SweepOptions _options;
    private readonly object _gate = new();
    private readonly RunSummary _summary;
    private readonly string _bdnDir;
    private readonly PeakMemoryDiagnoser _peakMemory = new();
    private readonly CorrectnessDiagnoser _correctness = new();

    public SweepRunner(SweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _summary = new RunSummary
        {
            Tool = "foldbench " + (typeof(SweepRunner).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"),
            StartedUtc = DateTimeOffset.UtcNow,
            Job = options.Job,
            CommandLine = options.CommandLine,
            Machine = options.Machine ?? MachineInfo.Describe(),
        };
        _bdnDir = Path.Combine(options.OutDir, "bdn");
    }

    public RunSummary Summary => _summary;

    public string SummaryPath => Path.Combine(_options.OutDir, SummaryStore.FileName);

    /// <summary>Plans every case of the sweep without running anything.</summary>
    public IReadOnlyList<(string Suite, BenchmarkCase Case)> Plan(IConfig config)
    {
        var plan = new List<(string, BenchmarkCase)>();
        foreach (var suite in _options.Settings.Suites)
            foreach (var bc in SuiteCases.For(suite, _options.Settings, config))
                plan.Add((suite, bc));
        return plan;
    }

    /// <summary>
    /// Runs the sweep, telling <paramref name="progress"/> where it is; returns the summary (Complete=false if a case
    /// failed or <paramref name="cancel"/> stopped it).
    /// </summary>
    public RunSummary Run(ISweepProgress progress, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        Directory.CreateDirectory(_options.OutDir);
        if (File.Exists(SummaryPath) || File.Exists(Path.Combine(_options.OutDir, SummaryCsv.FileName)))
            throw new IOException($"'{_options.OutDir}' already holds a {SummaryStore.FileName}; choose another --out");
        Directory.CreateDirectory(_bdnDir);
        using var logWriter = new StreamWriter(Path.Combine(_options.OutDir, "benchmarkdotnet.log")) { AutoFlush = true };
        var config = BuildConfig(logWriter);

        bool peakResets = PeakMemory.TryReset();
        if (!peakResets) _summary.Caveats.Add("peak working set is the process-lifetime peak (this OS cannot reset it per case)");
        if (_options.Job == "dry") _summary.Caveats.Add("dry job: each case ran a few single invocations to check that it works; timings are not measurements");
        if (_summary.Machine.Emulated) _summary.Caveats.Add(EmulationInfo.Caveat(_summary.Machine));
        WriteSummary();

        var clock = Stopwatch.StartNew();
        var caches = CacheInfo.Current;
        var plan = Plan(config);
        var footprints = plan.Select(p => CaseDescriber.Footprint(p.Suite, p.Case)).OfType<long>().Distinct().ToList();
        // Cases whose weights rotate through memory (no footprint of their own): a run that calibrates reads memory right
        // before and after each of them, since the memory roof measured at the start and the end need not hold in between.
        var rotates = plan.Select(p => _options.Calibrate && CaseDescriber.Footprint(p.Suite, p.Case) is null).ToArray();
        long probeBytes = caches.Levels.FirstOrDefault(l => l.Name == Roofline.Memory)?.BufferBytes ?? 0;
        double? fastestBeside = null;
        RoofSet? start = null;
        // The int8 instruction peaks only when a case runs int8: they bound nothing else.
        bool int8 = plan.Any(p => SuiteCases.PrecisionOf(p.Case) == FoldBench.Kernels.Precision.Int8);
        if (_options.Calibrate)
        {
            progress.Note($"calibrating this machine's roofs (one core): FMA at {string.Join(", ", CalibrationBenchmarks.Widths())}; " +
                          (int8 ? $"int8 at {string.Join(", ", CalibrationBenchmarks.Int8Paths())}; " : "") +
                                $"read bandwidth at {string.Join(", ", caches.Levels.Select(l => l.Name))} ({caches.Source}) " +
                                $"and at {footprints.Count} weight footprint(s)…");
            start = CalibrationRun.Measure(config, caches, footprints, (bc, roof) => RunOne(bc, config, $"000-calibration-start-{roof}").Reports.FirstOrDefault(), int8);
            _summary.Calibration = CalibrationRun.Combine(caches, start, null, _options.Job);
            progress.Note("  start: " + RoofLine(_summary.Calibration));
            WriteSummary();
        }

        if (_options.Settings.Suites.Contains(SuiteNames.Peers))
            _summary.Peers = [.. _options.Settings.Peers.Select(Peers.PeerInfos.Describe)];
        _options.Observer?.BeforeSweep(_summary);
        var sweepClock = Stopwatch.StartNew();
        bool failed = false;
        int done = 0;
        progress.SweepStarted(plan.Count);
        for (int i = 0; i < plan.Count; i++, done = i)
        {
            if (cancel.IsCancellationRequested) break;
            var (suite, bc) = plan[i];
            string label = CaseDescriber.ShortName(suite, bc);
            progress.CaseStarting(new SweepStep(i, plan.Count, label, sweepClock.Elapsed));
            if (SuiteCases.Unavailable(suite, bc) is { } notHere)
            {
                lock (_gate) _summary.Cases.Add(CaseDescriber.Unavailable(suite, bc, notHere));
                WriteSummary();
                continue;
            }
            // Before the peak memory is reset: the probe's buffer is freed again, and must not count in the case's peak.
            double? before = rotates[i] && probeBytes > 0 ? MemoryProbe.MeasureGBs(probeBytes) : null;
            PeakMemory.Quiesce();
            PeakMemory.TryReset();
            var summary = RunOne(bc, config, $"{i + 1:D3}-{suite}");
            var report = summary.Reports.FirstOrDefault();
            if (report is null || !report.Success || report.ResultStatistics is null)
            {
                failed = true;
                string why = summary.ValidationErrors.FirstOrDefault()?.Message ?? "the benchmark threw or produced no measurement (see benchmarkdotnet.log)";
                lock (_gate) _summary.Caveats.Add($"case '{label}' failed: {why}");
                progress.Note($"case '{label}' failed: {why}");
                WriteSummary();
                continue;
            }
            var result = CaseDescriber.Describe(suite, bc, report, _summary.Calibration);
            result.CorrectnessOk = _correctness.OkFor(bc);
            result.QuantizationError = _correctness.QuantizationErrorFor(bc);
            result.PeakWorkingSetBytes = _peakMemory.PeakFor(bc) ?? PeakMemory.Read();
            if (before is double b)
            {
                result.MemoryBesideGBs = Math.Max(b, MemoryProbe.MeasureGBs(probeBytes));
                fastestBeside = Math.Max(fastestBeside ?? 0, result.MemoryBesideGBs.Value);
                if (_summary.Calibration is { } cal) CaseDescriber.Rerate(result, cal);
            }
            _options.Observer?.AfterCase(bc, report, result);
            lock (_gate) _summary.Cases.Add(result);
            WriteSummary();
        }
        progress.SweepFinished(cancel.IsCancellationRequested ? done : plan.Count, plan.Count, sweepClock.Elapsed);
        if (!cancel.IsCancellationRequested && _options.Observer is { } observer)
        {
            progress.Note("measuring idle power again, after the sweep…");
            // Not under the gate: the settle and the idle take seconds, and Ctrl-C's Finish needs the gate meanwhile.
            observer.AfterCases(_summary);
            WriteSummary();
        }
        if (start is not null && !cancel.IsCancellationRequested)
        {
            progress.Note("calibrating again, to check the roofs held during the run…");
            var end = CalibrationRun.Measure(config, caches, footprints, (bc, roof) => RunOne(bc, config, $"999-calibration-end-{roof}").Reports.FirstOrDefault(), int8);
            lock (_gate)
            {
                _summary.Calibration = CalibrationRun.Combine(caches, start, end, _options.Job, fastestBeside);
                foreach (var c in _summary.Cases) CaseDescriber.Rerate(c, _summary.Calibration);
            }
            // The end's own readings first: the roofs the cases are rated against are the best of start, end and the
            // memory reads beside streamed cases, so printed alone they would hide a drop the stability check reports.
            progress.Note("  end: " + RoofLine(CalibrationRun.Combine(caches, end, null, _options.Job)));
            progress.Note("  roofs used (the best of start, end" + (fastestBeside is null ? "" : " and the reads beside streamed cases") +
                          "): " + RoofLine(_summary.Calibration));
        }
        Finish(complete: !failed && !cancel.IsCancellationRequested);
        if (_summary.Calibration?.Stable == false) progress.Note($"calibration unstable: {_summary.Calibration.UnstableReason}");
        return _summary;
    }

    /// <summary>Marks the run finished (or interrupted) and writes it; safe to call from a Ctrl-C handler.</summary>
    public void Finish(bool complete, string? caveat = null)
    {
        lock (_gate)
        {
            if (caveat is not null) _summary.Caveats.Add(caveat);
            _options.Observer?.AfterSweep(_summary);
            // Judged on whatever was measured: start and end when both ran, else the cases against the start roofs.
            if (_summary.Calibration is { } cal) Roofline.Judge(cal, _summary.Cases);
            _summary.Complete = complete;
            _summary.FinishedUtc = DateTimeOffset.UtcNow;
            WriteSummaryLocked();
        }
    }

    private static string RoofLine(Calibration c) =>
        "FMA peak " + string.Join(", ", c.FmaPeakGflopsByWidth!.Select(kv => $"{kv.Key} {kv.Value:F1}")) + " GFLOP/s; " +
        (c.Int8PeakGopsByPath is { Count: > 0 } int8 ? "int8 peak " + string.Join(", ", int8.Select(kv => $"{kv.Key} {kv.Value:F1}")) + " GOP/s; " : "") + "read " +
        string.Join(", ", c.BandwidthGBsByLevel!.Select(kv => $"{kv.Key} {kv.Value:F1}")) + " GB/s" +
        (Roofline.FootprintsText(c) is { } fp ? $"; weight footprints {fp} GB/s" : "");

    private BenchmarkDotNet.Reports.Summary RunOne(BenchmarkCase bc, IConfig config, string tag)
    {
        var info = new BenchmarkRunInfo([bc], bc.Descriptor.Type, bc.Config);
        var summary = BenchmarkRunner.Run(info);
        // BenchmarkDotNet names its report after the type; give each case's report its own name.
        string results = Path.Combine(_bdnDir, "results");
        if (Directory.Exists(results))
            foreach (var f in Directory.GetFiles(results))
                File.Move(f, Path.Combine(_bdnDir, $"{tag}-{Path.GetFileName(f)}"), overwrite: true);
        return summary;
    }

    private IConfig BuildConfig(TextWriter log)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(SweepJobs.Get(_options.Job))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddDiagnoser(_peakMemory)
            .AddDiagnoser(_correctness)
            .AddExporter(JsonExporter.Full)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(new FileLogger(log))
            .WithArtifactsPath(_bdnDir)
            .WithOption(ConfigOptions.DisableLogFile, true)
            // Debug builds of the tests run the dry job; a user's run is Release (the README says so).
            .WithOption(ConfigOptions.DisableOptimizationsValidator, _options.Job == "dry");
        if (_options.Verbose) config = config.AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        if (_options.Observer is not null)
            foreach (var d in _options.Observer.Diagnosers) config = config.AddDiagnoser(d);
        return config;
    }

    private void WriteSummary() { lock (_gate) WriteSummaryLocked(); }

    private void WriteSummaryLocked()
    {
        SummaryStore.Write(SummaryPath, _summary);
        SummaryCsv.Write(Path.Combine(_options.OutDir, SummaryCsv.FileName), _summary);
    }
}
