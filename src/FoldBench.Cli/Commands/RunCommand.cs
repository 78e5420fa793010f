using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using FoldBench.Benchmarks.Probes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Cli.Terminal;
using FoldBench.Energy;
using FoldBench.Model;
using FoldBench.Benchmarks.Suites;
using FoldBench.Platform;
using FoldBench.Platform.Topology;
using FoldBench.Reporting;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

/// <summary>`foldbench run`: the main job — the benchmark sweep, written to a results folder; with --instructions the deterministic mode.</summary>
public static class RunCommand
{
    /// <summary>The options of `run`, each declared once.</summary>
    private sealed class RunOptions
    {
        public Option<bool> Quick { get; } = CliOptions.Flag("--quick", "shortened job and sweep (under 5 minutes on 2 cores)");
        public Option<string> Job { get; } = CliOptions.Parsed("--job", string.Join('|', SweepJobs.Names), "BenchmarkDotNet job (default: default, or quick with --quick)",
            text => SweepJobs.Names.Contains(text) ? text : throw new FormatException($"option --job: unknown job '{text}' (expected one of: {string.Join(", ", SweepJobs.Names)})"));
        public Option<IReadOnlyList<string>> Suites { get; } = CliOptions.NameList("--suites", "suites to run: kernels, projections, attention, encoder, rnnt, peers (default: all but rnnt and peers)", [.. SweepRunner.SuiteTypes.Keys]);
        public Option<IReadOnlyList<string>> Presets { get; } = CliOptions.NameList("--presets", "model presets for the model suites (default: emformer-base)", [.. ModelPresets.Names]);
        public Option<IReadOnlyList<int>> Chunks { get; } = CliOptions.IntList("--chunks", "chunk sizes in tokens (default: 1,2,4,8,16,32,64; quick: 1,4,16 for attention and encoder, 4 for the peers suite's projection shapes)", 1, 4096);
        // One spelling with `model`: --folds; --fold is kept as an alias.
        public Option<IReadOnlyList<int>> Folds { get; } = CliOptions.IntList("--folds", "fold factors (default: 1,2,4)", 1, 64, "--fold");
        // The folding options: lists, so one sweep compares them; each folded case runs once per combination its suite has.
        public Option<IReadOnlyList<string>> Heads { get; } = CliOptions.NameList("--heads",
            "head policy of folded cases, attention and encoder: keep (H heads of width D/(fold·H)), reduce (H/fold heads of width D/H); a list compares them (default keep)",
            [.. Enum.GetValues<HeadPolicy>().Select(FoldingOptions.Names.Of)]);
        public Option<IReadOnlyList<string>> Sharing { get; } = CliOptions.NameList("--sharing",
            "weights of folded projections: shared (one (D/fold)² block), block-diagonal (one per sub-position); a list compares them (default shared)",
            [.. Enum.GetValues<WeightSharing>().Select(FoldingOptions.Names.Of)]);
        public Option<IReadOnlyList<string>> Projections { get; } = CliOptions.NameList("--projections",
            "projections folded cases fold: qkvo, or qkv (the output projection stays D×D); a list compares them (default qkvo)",
            [.. Enum.GetValues<FoldedProjections>().Select(FoldingOptions.Names.Of)]);
        public Option<IReadOnlyList<bool>> FoldFfn { get; } = FoldFfnOption();
        public KernelCaseOptions Kernel { get; } = new("kernel paths (default: every supported one; with --instructions: best)");
        public Option<IReadOnlyList<string>> Regimes { get; } = CliOptions.NameList("--regimes", "cache,streamed (default: both)", RegimeNames.All);
        public Option<string> ModelPath { get; } = CliOptions.OneOf("--model-path", "kernel path for the model suites (default: best)", KernelCases.PathNames.ToArray());
        public Option<string> Out { get; } = CliOptions.Text("--out", "DIR", "results folder (default: results/<machine>/<UTC timestamp>, with --instructions …-instructions)");
        public Option<string> Machine { get; } = CliOptions.Text("--machine", "NAME", "machine name for the default results folder");
        public Option<string> Cpu { get; } = CliOptions.Text("--cpu", "N|big|little|last|none",
            "pin the benchmark thread to CPU N, or to the last big or little core (default: the last CPU; on a hybrid machine the last big core)");
        public Option<IReadOnlyList<int>> Threads { get; } = CliOptions.IntList("--threads",
            "threads each projection of the model suites is split across, e.g. 2; a list compares them, e.g. 1,2 (default 1)", 1, 1024);
        public Option<IReadOnlyList<string>> Precision { get; } = CliOptions.NameList("--precision",
            "number formats of the kernels, projections, attention, encoder and rnnt suites: fp32, int8 (int8 weights with one fp32 scale per output channel, " +
            "activations quantized per row, int32 accumulators); a list compares them, e.g. fp32,int8 (default fp32)", SweepSettings.PrecisionChoices);
        public Option<bool> NoCalibration { get; } = CliOptions.Flag("--no-calibration", "skip measuring the FMA peak and bandwidth");
        public Option<bool> NoPlots { get; } = CliOptions.Flag("--no-plots", "don't draw charts and report at the end");
        public Option<bool> Verbose { get; } = CliOptions.Flag("--verbose", "show BenchmarkDotNet's log on the terminal (always kept in benchmarkdotnet.log)");
        public SensorsCommand.EnergyOptionSet Energy { get; } = new();
        public Option<double> IdleSeconds { get; } = CliOptions.Double("--idle-seconds", "S", "length of each idle measurement, before and after the sweep (default 5; quick: 2)", 0, 3600);
        public Option<double> SettleSeconds { get; } = CliOptions.Double("--settle-seconds", "S", "time the machine is left idle to settle before each idle measurement (default 5; quick: 2)", 0, 600);
        public Option<bool> NoEnergy { get; } = CliOptions.Flag("--no-energy", "don't sample energy");
        public Option<bool> Instructions { get; } = CliOptions.Flag("--instructions", "deterministic mode: count instructions per kernel call under valgrind " +
            "(no timing); takes --paths, --m, --kn (or --k and --n), --reps, --out, --machine, --timeout");
        public Option<int> Timeout { get; } = CliOptions.Int("--timeout", "SECONDS", "--instructions: stop valgrind after this long (default: 600)", 10, 24 * 3600);

        public IEnumerable<Option> All =>
        [
            Quick, Job, Suites, Presets, Chunks, Folds, Heads, Sharing, Projections, FoldFfn, .. Kernel.All, Regimes, ModelPath, Out, Machine, Cpu, Threads, Precision, NoCalibration, NoPlots, Verbose,
            .. Energy.All, IdleSeconds, SettleSeconds, NoEnergy, Instructions, Timeout,
        ];

        /// <summary>`--fold-ffn` alone folds the encoder's FFN too; `--fold-ffn no,yes` compares both.</summary>
        private static Option<IReadOnlyList<bool>> FoldFfnOption()
        {
            var option = CliOptions.Parsed<IReadOnlyList<bool>>("--fold-ffn", "[no,yes]",
                "fold the encoder's FFN too in folded cases (alone: yes; no,yes compares both; default no)", ParseYesNo);
            option.Arity = ArgumentArity.ZeroOrOne;
            option.CompletionSources.Add(["yes", "no", "no,yes"]);
            return option;
        }

        private static IReadOnlyList<bool> ParseYesNo(string text)
        {
            var list = new List<bool>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
                list.Add(part.ToLowerInvariant() switch
                {
                    "yes" => true,
                    "no" => false,
                    _ => throw new FormatException($"option --fold-ffn: unknown value '{part}' (expected yes, no, or a list of them)"),
                });
            return list;
        }

        /// <summary>The folding options given on the command line, each with the suite parameter it sets.</summary>
        public IEnumerable<(Option Option, string Parameter)> Folding =>
        [
            (Heads, nameof(FoldBench.Benchmarks.Suites.ModelSuiteBase.Heads)),
            (Sharing, nameof(FoldBench.Benchmarks.Suites.ModelSuiteBase.Sharing)),
            (Projections, nameof(FoldBench.Benchmarks.Suites.ModelSuiteBase.Projections)),
            (FoldFfn, nameof(FoldBench.Benchmarks.Suites.ModelSuiteBase.FoldFfn)),
        ];

        /// <summary>What --instructions takes; every other option belongs to the sweep.</summary>
        public IEnumerable<Option> InstructionOnly => [Kernel.K, Kernel.N, Kernel.Reps, Timeout];
        public IEnumerable<Option> ForInstructions => [.. Kernel.All, Out, Machine, Instructions, Timeout];
    }

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        TextWriter stderr = console.Error;
        var o = new RunOptions();
        var command = new Command("run", "Run the benchmark sweep and write a results folder (summary, reports, charts)");
        foreach (var option in o.All) command.Options.Add(option);
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            if (p.GetValue(o.Instructions))
            {
                foreach (var option in o.All.Except(o.ForInstructions))
                    if (p.Given(option)) throw new UsageException($"option {option.Name} does not go with --instructions");
                var (r1, r2) = o.Kernel.RepsOf(p);
                return InstructionMode.Run(o.Kernel.Cases(p, underValgrind: true), r1, r2, TimeSpan.FromSeconds(p.Given(o.Timeout) ? p.GetValue(o.Timeout) : 600),
                    p.GetValue(o.Out), p.GetValue(o.Machine), console);
            }
            foreach (var option in o.InstructionOnly)
                if (p.Given(option)) throw new UsageException($"option {option.Name} needs --instructions");
            return Sweep(p, o, console);
        }));
        return command;
    }

    private static int Sweep(ParseResult p, RunOptions o, CliConsole console)
    {
        TextWriter stdout = console.Out, stderr = console.Error;
        var (options, placement) = BuildOptions(p, o);
        if (File.Exists(Path.Combine(options.OutDir, SummaryStore.FileName)))
            throw new IOException($"'{options.OutDir}' already holds a {SummaryStore.FileName}; choose another --out");

        // Energy: find the sources first, so the machine description says what was found and why
        // each one is (not) usable; with none usable the energy columns stay empty, never zero.
            var energyOptions = o.Energy.Resolve(p);
            using var inventory = EnergyDiscovery.Discover(energyOptions);
            options.Machine!.EnergySources = [.. inventory.Describe()];
            // The sampler thread goes on every CPU but the benchmark's (read before the pin, which new threads inherit).
            var samplerCpus = placement.Cpu is int pinned && ThreadAffinity.OfCurrentThread() is { } allowed && allowed.Any(c => c != pinned)
                ? allowed.Where(c => c != pinned).ToList() : null;
            if (placement.Cpu is int cpu)
            {
                if (Pin(cpu, stderr)) placement.CpuidCoreType = HybridCpuId.CurrentCoreType();
                else (placement.Cpu, placement.CoreType, placement.Reason) = (null, null, placement.Reason + "; not pinned: this OS refused or cannot");
            }
            Directory.CreateDirectory(options.OutDir);
            bool quick = p.GetValue(o.Quick);
            var idle = new IdleBaseline(
                TimeSpan.FromSeconds(p.Given(o.IdleSeconds) ? p.GetValue(o.IdleSeconds) : quick ? 2 : 5),
                TimeSpan.FromSeconds(p.Given(o.SettleSeconds) ? p.GetValue(o.SettleSeconds) : quick ? 2 : 5));
            using var energy = p.GetValue(o.NoEnergy) ? null : EnergyObserver.Start(inventory, options.OutDir, idle, samplerCpus);
            string? energyMissing = p.GetValue(o.NoEnergy) ? "energy measurement switched off (--no-energy)"
                : energy is null ? inventory.UnavailableReason ?? "no energy source was usable" : null;
            if (energyMissing is not null) stderr.WriteLine($"foldbench run: no energy figures: {energyMissing}");
            options = options with { Observer = energy };
            var runner = new SweepRunner(options);
            runner.Summary.Placement = placement;
            // On a hybrid machine the core type changes every figure: say which one runs and why.
            if (options.Machine.CpuTypes?.Hybrid == true || p.GetValue(o.Cpu) is CoreTypes.Big or CoreTypes.Little)
                stdout.WriteLine($"foldbench run: {(placement.Cpu is int c ? $"pinned to CPU {c} ({placement.CoreType})" : "unpinned")}: {placement.Reason}");
            // Counters read under a fixture root (--sysfs-root, or --dev-cpu-root for the MSRs) are simulated: say where.
            if (energy is not null && inventory.Chosen?.Provenance == EnergyProvenance.Simulated)
                runner.Summary.Caveats.Add($"energy counters were read under {energyOptions.SysfsRoot} (MSRs under {energyOptions.DevCpuRoot}), not this " +
                                           "machine's own: the figures are simulated (they measure whatever writes there, e.g. `foldbench sensors simulate`)");
            // The reason is stored once, in energy.unavailableReason; the report and the notes below derive their caveat from it.
            if (energyMissing is not null) runner.Summary.Energy = new EnergyRunInfo { UnavailableReason = energyMissing };
            stdout.WriteLine($"foldbench run: job {options.Job}, results in {options.OutDir}");

            // Progress on stderr: a live bar on a terminal, a line per case in a log. With --verbose BenchmarkDotNet
            // writes its own log to the console, which a live display would overwrite: plain lines then.
            var progress = options.Verbose ? new PlainRenderer(stderr) : console.ErrorRenderer;
            using var cts = new CancellationTokenSource();
            void Interrupt(PosixSignalContext ctx)
            {
                // BenchmarkDotNet cannot stop a case midway; keep every finished case and leave at once.
                ctx.Cancel = true;
                runner.Finish(complete: false, caveat: $"interrupted ({ctx.Signal}) after {runner.Summary.Cases.Count} finished cases");
                progress.Line("");
                progress.Line($"foldbench run: interrupted; {runner.Summary.Cases.Count} finished cases kept in {runner.SummaryPath}");
                progress.Restore();
                Environment.Exit(130);
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

            var summary = progress.WithProgress(sink => runner.Run(sink, cts.Token));
            stdout.WriteLine($"foldbench run: {summary.Cases.Count} cases written to {runner.SummaryPath}");
            foreach (var c in ReportGenerator.Caveats(summary)) stdout.WriteLine($"  note: {c}");
            if (!p.GetValue(o.NoPlots))
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

    private static (SweepOptions Options, PlacementInfo Placement) BuildOptions(ParseResult p, RunOptions o)
    {
        bool quick = p.GetValue(o.Quick);
        string job = p.GetValue(o.Job) ?? (quick ? "quick" : "default");
        var defaults = new SweepSettings();
        var paths = p.Given(o.Kernel.Paths) ? p.GetValue(o.Kernel.Paths)! : quick ? KernelCases.QuickPathNames : KernelCases.SupportedPathNames;
        foreach (var path in paths) KernelCases.ResolvePath(path);
        string modelPath = p.GetValue(o.ModelPath) ?? "best";
        KernelCases.ResolvePath(modelPath);
        IReadOnlyList<T> Or<T>(Option<IReadOnlyList<T>> option, IReadOnlyList<T> fallback) => p.Given(option) ? p.GetValue(option)! : fallback;

        var settings = new SweepSettings
        {
            Suites = Or(o.Suites, SuiteNames.Default),
            KernelPaths = paths,
            KernelM = Or(o.Kernel.M, defaults.KernelM),
            KernelKN = Or(o.Kernel.KN, quick ? [512] : [512, 2048]),
            Regimes = Or(o.Regimes, defaults.Regimes),
            ChunkTokens = Or(o.Chunks, defaults.ChunkTokens),
            StepChunkTokens = Or(o.Chunks, quick ? [1, 4, 16] : defaults.StepChunkTokens),
            PeerChunkTokens = Or(o.Chunks, quick ? [4] : defaults.PeerChunkTokens),
            Folds = Or(o.Folds, defaults.Folds),
            Presets = Or(o.Presets, defaults.Presets),
            ModelPath = modelPath,
            Heads = p.Given(o.Heads) ? [.. p.GetValue(o.Heads)!.Select(FoldingOptions.Names.ParseHeads).Distinct()] : defaults.Heads,
            Sharing = p.Given(o.Sharing) ? [.. p.GetValue(o.Sharing)!.Select(FoldingOptions.Names.ParseSharing).Distinct()] : defaults.Sharing,
            Projections = p.Given(o.Projections) ? [.. p.GetValue(o.Projections)!.Select(FoldingOptions.Names.ParseProjections).Distinct()] : defaults.Projections,
            FoldFfn = p.Given(o.FoldFfn) ? [.. (p.GetValue(o.FoldFfn) ?? [true]).Distinct()] : defaults.FoldFfn,
            Threads = p.Given(o.Threads) ? [.. p.GetValue(o.Threads)!.Distinct()] : defaults.Threads,
            Precisions = p.Given(o.Precision) ? SweepSettings.ParsePrecisions(p.GetValue(o.Precision)!) : defaults.Precisions,
        };
        if (p.Given(o.Precision) && !settings.Suites.Any(SweepSettings.PrecisionSuites.Contains))
            throw new UsageException($"option --precision changes none of the suites asked for (it applies to {string.Join(", ", SweepSettings.PrecisionSuites)})");
        if (p.Given(o.Threads) && !settings.Suites.Any(SuiteNames.Model.Contains))
            throw new UsageException($"option --threads changes none of the suites asked for (it applies to {string.Join(", ", SuiteNames.Model)})");

        // A folding option no chosen suite has would silently change nothing.
        foreach (var (option, parameter) in o.Folding)
            if (p.Given(option) && !settings.Suites.Any(x => SuiteCases.FoldingParameters(x).Contains(parameter)))
                throw new UsageException($"option {option.Name} changes none of the suites asked for (it applies to " +
                    $"{string.Join(", ", SuiteCases.Types.Keys.Where(x => SuiteCases.FoldingParameters(x).Contains(parameter)))})");

        // Every case must be buildable before anything runs: one clear error, not a failed case later.
        foreach (var suite in settings.Suites.Where(x => x is not (SuiteNames.Kernels or SuiteNames.Peers)))
            foreach (var preset in settings.Presets)
                foreach (var chunk in suite == SuiteNames.Projections ? settings.ChunkTokens : settings.StepChunkTokens)
                    foreach (var fold in settings.Folds)
                        foreach (var variant in SuiteCases.FoldingVariants(suite, settings, fold))
                        {
                            var config = ModelPresets.Get(preset).WithChunk(chunk);
                            try
                            {
                                config.Validate(variant);
                            }
                            catch (ConfigFieldException e)
                            {
                                throw new ConfigFieldException($"{preset}, {variant.Describe()}: {e.Message}", e.Field);
                            }
                        }

        var machine = MachineInfo.Describe(p.GetValue(o.Machine));
        string outDir = p.GetValue(o.Out) ?? Path.Combine("results", machine.Name, DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'"));

        // The CPU and, per thread count, the workers' CPUs: decided here once, so a bad --cpu or --threads is one line
        // before anything runs; the suites place their workers by the same rule (ProjectionThreads) and so match this record.
        var topology = CpuTopology.Current();
        PlacementInfo placement;
        try
        {
            var choice = CorePlacement.Choose(topology, p.GetValue(o.Cpu), Environment.ProcessorCount);
            placement = new PlacementInfo { Cpu = choice.Cpu, CoreType = choice.Type, Reason = choice.Reason };
            foreach (int threads in settings.Threads.Where(t => t > 1))
                if (ProjectionThreads.WorkerCpus(topology, choice.Cpu, threads) is { } workers)
                    (placement.WorkerCpus ??= [])[threads.ToString(System.Globalization.CultureInfo.InvariantCulture)] = [.. workers];
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var options = new SweepOptions
        {
            Settings = settings,
            Job = job,
            OutDir = outDir,
            Verbose = p.GetValue(o.Verbose),
            Calibrate = !p.GetValue(o.NoCalibration),
            Machine = machine,
            CommandLine = "foldbench run " + string.Join(' ', p.Tokens.Skip(1).Select(t => t.Value)),
        };
        return (options, placement);
    }

    /// <summary>Pins the process's thread to <paramref name="cpu"/>; false (and a note) when it could not.</summary>
    private static bool Pin(int cpu, TextWriter stderr)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsWindows())) return false;
        try
        {
            // On Linux this pins the calling thread; threads it starts (BenchmarkDotNet's runner) inherit it.
            using var p = Process.GetCurrentProcess();
            p.ProcessorAffinity = (nint)(1L << cpu);
            return true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or PlatformNotSupportedException or InvalidOperationException)
        {
            stderr.WriteLine($"foldbench run: could not pin to CPU {cpu} ({e.Message}); running unpinned");
            return false;
        }
    }
}
