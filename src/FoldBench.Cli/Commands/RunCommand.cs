using System.Diagnostics;
using System.Runtime.InteropServices;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Energy;
using FoldBench.Kernels;
using FoldBench.Model;
using FoldBench.Reporting;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

/// <summary>`foldbench run`: the main job — the benchmark sweep, written to a results folder.</summary>
public sealed class RunCommand : ICommand
{
    public string Name => "run";
    public string Summary => "Run the benchmark sweep and write a results folder (summary, reports, charts)";

    public string Usage => """
        usage: foldbench run [options]
          --quick               shortened job and sweep (under 5 minutes on 2 cores)
          --job NAME            quick | default | dry (default: default, or quick with --quick)
          --suites LIST         kernels,projections,attention,encoder,peers (default: all)
          --presets LIST        model presets for the model suites (default: emformer-base)
          --chunks LIST         chunk sizes in tokens (default: 1,2,4,8,16,32,64; quick: 1,4,16 for attention and encoder)
          --folds LIST          fold factors (default: 1,2,4)
          --paths LIST          kernel paths: best,scalar,portable,avx2,neon (default: every supported one)
          --m LIST              kernel rows M (default: 1,4,16,64)
          --kn LIST             kernel K = N (default: 512,2048; quick: 512)
          --regimes LIST        cache,streamed (default: both)
          --model-path NAME     kernel path for the model suites (default: best)
          --out DIR             results folder (default: results/<machine>/<UTC timestamp>)
          --machine NAME        machine name for the default results folder
          --cpu N|none          pin the benchmark thread to CPU N (default: the last CPU)
          --no-calibration      skip measuring the FMA peak and bandwidth
          --no-plots            don't draw charts and report at the end
          --verbose             show BenchmarkDotNet's log on the terminal (always kept in benchmarkdotnet.log)

        energy (see `foldbench sensors`):
          --sysfs-root DIR      root holding sys/ and proc/ (default /, or $FOLDBENCH_SYSFS_ROOT); a fixture tree works too
          --dev-cpu-root DIR    folder holding N/msr (default /dev/cpu)
          --trace FILE          external power-meter CSV (repeatable); --trace-offset S aligns its clock
          --domain NAME         package | package+dram | psys | core (default package)
          --source NAME         prefer this energy source when usable
          --idle-seconds S      length of the idle baseline measured before the sweep (default 5)
          --no-energy           don't sample energy

        deterministic mode (instead of timing):
        """ + "\n" + InstructionMode.OptionsHelp;

    private static readonly string[] Flags = ["--quick", "--verbose", "--no-calibration", "--no-plots", "--no-energy"];
    private static readonly string[] Valued = ["--job", "--suites", "--presets", "--chunks", "--folds", "--paths", "--m", "--kn",
        "--regimes", "--model-path", "--out", "--machine", "--cpu",
        "--sysfs-root", "--dev-cpu-root", "--trace-offset", "--domain", "--source", "--idle-seconds"];

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Contains("--instructions"))
        {
            // The deterministic mode is its own small sweep: instruction counts under callgrind, no timing.
            var ia = CliArgs.Parse(args, [.. InstructionMode.Flags, "--instructions"], InstructionMode.ValuedOptions);
            ia.ExpectPositionals(0, 0, "");
            return InstructionMode.Run(ia, stdout, stderr);
        }
        var (traces, rest) = SensorsCommand.ExtractTraces(args);
        var a = CliArgs.Parse(rest, Flags, Valued);
        a.ExpectPositionals(0, 0, "");
        var (options, pinCpu) = BuildOptions(a, args);
        if (File.Exists(Path.Combine(options.OutDir, SummaryStore.FileName)))
            throw new IOException($"'{options.OutDir}' already holds a {SummaryStore.FileName}; choose another --out");

        // Energy: find the sources first, so the machine description says what was found and why
        // each one is (not) usable; with none usable the energy columns stay empty, never zero.
        var energyOptions = SensorsCommand.Options(a, traces);
        using var inventory = EnergyDiscovery.Discover(energyOptions);
        options.Machine!.EnergySources = [.. inventory.Describe()];
        if (pinCpu is int cpu) Pin(cpu, stderr);
        Directory.CreateDirectory(options.OutDir);
        using var energy = a.Has("--no-energy") ? null
            : EnergyObserver.Start(inventory, options.OutDir, TimeSpan.FromSeconds(a.GetDouble("--idle-seconds", 5, 0, 3600)));
        string? energyMissing = a.Has("--no-energy") ? "energy measurement switched off (--no-energy)"
            : energy is null ? inventory.UnavailableReason ?? "no energy source was usable" : null;
        if (energyMissing is not null) stderr.WriteLine($"foldbench run: no energy figures: {energyMissing}");
        options = options with { Observer = energy };
        var runner = new SweepRunner(options, stderr);
        if (energy is not null && energyOptions.SysfsRoot != "/")
            runner.Summary.Caveats.Add($"energy counters were read under {energyOptions.SysfsRoot}, not /: the figures measure whatever " +
                                       "writes there (e.g. `foldbench sensors simulate`), not this machine's hardware");
        // The reason is stored once, in energy.unavailableReason; the report and the notes below derive their caveat from it.
        if (energyMissing is not null) runner.Summary.Energy = new EnergyRunInfo { UnavailableReason = energyMissing };
        stdout.WriteLine($"foldbench run: job {options.Job}, results in {options.OutDir}");

        using var cts = new CancellationTokenSource();
        void Interrupt(PosixSignalContext ctx)
        {
            // BenchmarkDotNet cannot stop a case midway; keep every finished case and leave at once.
            ctx.Cancel = true;
            runner.Finish(complete: false, caveat: $"interrupted ({ctx.Signal}) after {runner.Summary.Cases.Count} finished cases");
            stderr.WriteLine();
            stderr.WriteLine($"foldbench run: interrupted; {runner.Summary.Cases.Count} finished cases kept in {runner.SummaryPath}");
            Environment.Exit(130);
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

        var summary = runner.Run(cts.Token);
        stdout.WriteLine($"foldbench run: {summary.Cases.Count} cases written to {runner.SummaryPath}");
        foreach (var c in ReportGenerator.Caveats(summary)) stdout.WriteLine($"  note: {c}");
        if (!a.Has("--no-plots"))
        {
            // The results are already safe on disk; a chart failure must not hide them.
            try
            {
                var files = ReportGenerator.Generate(options.OutDir);
                stdout.WriteLine($"foldbench run: report and {files.Count(f => f.EndsWith(".png", StringComparison.Ordinal))} charts in {options.OutDir}");
            }
            catch (InvalidOperationException e)
            {
                stderr.WriteLine($"foldbench run: charts and report not drawn: {Cli.OneLine(e)} (results kept in {options.OutDir})");
                return Cli.ExitFailure;
            }
        }
        return summary.Complete ? Cli.ExitOk : Cli.ExitFailure;
    }

    internal static (SweepOptions Options, int? PinCpu) BuildOptions(CliArgs a, string[] rawArgs)
    {
        bool quick = a.Has("--quick");
        string job = a.Get("--job", quick ? "quick" : "default");
        if (!SweepJobs.Names.Contains(job)) throw new UsageException($"option --job: unknown job '{job}' (expected one of: {string.Join(", ", SweepJobs.Names)})");

        var defaults = new SweepSettings();
        var supportedPaths = KernelPaths.Supported.Select(p => p.Name()).ToList();
        var pathNames = KernelPaths.All.Select(p => p.Name()).Append("best").ToArray();
        var paths = a.GetNameList("--paths", quick ? [KernelPaths.Best.Name(), .. KernelPaths.Supported.Where(p => p is KernelPath.Portable or KernelPath.Scalar).Select(p => p.Name())] : supportedPaths, pathNames);
        foreach (var p in paths) KernelPaths.EnsureSupported(KernelPaths.Parse(p));
        string modelPath = a.Get("--model-path", "best");
        if (!pathNames.Contains(modelPath)) throw new UsageException($"option --model-path: unknown path '{modelPath}'");
        KernelPaths.EnsureSupported(KernelPaths.Parse(modelPath));

        var settings = new SweepSettings
        {
            Suites = a.GetNameList("--suites", SweepRunner.SuiteTypes.Keys.ToList(), SweepRunner.SuiteTypes.Keys.ToList()),
            KernelPaths = paths,
            KernelM = a.GetIntList("--m", defaults.KernelM, 1, 4096),
            KernelKN = a.GetIntList("--kn", quick ? [512] : [512, 2048], 1, 16384),
            Regimes = a.GetNameList("--regimes", defaults.Regimes, ["cache", "streamed"]),
            ChunkTokens = a.GetIntList("--chunks", defaults.ChunkTokens, 1, 4096),
            StepChunkTokens = a.GetIntList("--chunks", quick ? [1, 4, 16] : defaults.StepChunkTokens, 1, 4096),
            Folds = a.GetIntList("--folds", defaults.Folds, 1, 64),
            Presets = a.GetNameList("--presets", defaults.Presets, ModelPresets.Names),
            ModelPath = modelPath,
        };

        // Every preset × fold must be buildable before anything runs: one clear error, not a failed case later.
        if (settings.Suites.Any(x => x != "kernels"))
            foreach (var preset in settings.Presets)
                foreach (var fold in settings.Folds)
                    foreach (var chunk in settings.ChunkTokens.Concat(settings.StepChunkTokens).Distinct())
                        ModelPresets.Get(preset).WithChunk(chunk).Validate(new FoldingOptions(fold));

        var machine = MachineProbe.Describe(a.Get("--machine"));
        string outDir = a.Get("--out") ?? Path.Combine("results", machine.Name, DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'"));

        int? pin = null;
        string cpu = a.Get("--cpu", "last");
        if (cpu == "last") pin = Environment.ProcessorCount - 1;
        else if (cpu != "none") pin = a.GetInt("--cpu", 0, 0, Environment.ProcessorCount - 1);

        var options = new SweepOptions
        {
            Settings = settings,
            Job = job,
            OutDir = outDir,
            Verbose = a.Has("--verbose"),
            Calibrate = !a.Has("--no-calibration"),
            Machine = machine,
            CommandLine = "foldbench run " + string.Join(' ', rawArgs),
        };
        return (options, pin);
    }

    private static void Pin(int cpu, TextWriter stderr)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsWindows())) return;
        try
        {
            // On Linux this pins the calling thread; threads it starts (BenchmarkDotNet's runner) inherit it.
            using var p = Process.GetCurrentProcess();
            p.ProcessorAffinity = (nint)(1L << cpu);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or PlatformNotSupportedException or InvalidOperationException)
        {
            stderr.WriteLine($"foldbench run: could not pin to CPU {cpu} ({e.Message}); running unpinned");
        }
    }
}
