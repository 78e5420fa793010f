using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using FoldBench.Cli.Terminal;
using FoldBench.Energy;
using FoldBench.Energy.Sampling;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Cli.Commands;

/// <summary>
/// `foldbench sensors`: every energy source with its state and the exact reason; `sensors simulate` writes a
/// fixture tree whose counters advance in real time; `sensors overhead` measures the sampler's cost side by side.
/// </summary>
public static class SensorsCommand
{
    /// <summary>The energy options `sensors`, `sensors overhead` and `run` share.</summary>
    internal sealed class EnergyOptionSet
    {
        public Option<string> SysfsRoot { get; } = CliOptions.Text("--sysfs-root", "DIR",
            "root holding sys/ and proc/ (default /, or $FOLDBENCH_SYSFS_ROOT); a fixture tree works too");
        public Option<string> DevCpuRoot { get; } = CliOptions.Text("--dev-cpu-root", "DIR",
            "folder holding N/msr (default /dev/cpu, or DIR/dev/cpu under a fixture root, or $FOLDBENCH_DEV_CPU_ROOT)");
        public Option<string[]> Trace { get; } = CliOptions.Repeated("--trace", "FILE", "external meter CSV (time_s|unix_s + watts|joules); repeatable");
        public Option<double> TraceOffset { get; } = CliOptions.Double("--trace-offset", "S", "trace time + S = host Unix time (otherwise the sync pulse finds it)");
        public Option<string> Domain { get; } = CliOptions.OneOf("--domain", "energy domain (default package)", [.. EnergyOptions.DomainNames]);
        public Option<string> Source { get; } = CliOptions.Text("--source", "NAME", "prefer this energy source when usable");

        public IEnumerable<Option> All => [SysfsRoot, DevCpuRoot, Trace, TraceOffset, Domain, Source];

        public EnergyOptions Resolve(ParseResult p)
        {
            var env = EnergyOptions.FromEnvironment();
            string? given = p.GetValue(SysfsRoot);
            if (given is not null && !Directory.Exists(given)) throw new DirectoryNotFoundException($"--sysfs-root {given} does not exist");
            string sysfs = given ?? env.SysfsRoot;
            string devCpu = p.GetValue(DevCpuRoot)
                            ?? (given is not null && Environment.GetEnvironmentVariable(EnergyOptions.DevCpuRootVariable) is null ? EnergyOptions.DefaultDevCpuRoot(sysfs) : env.DevCpuRoot);
            string? domain = p.GetValue(Domain) ?? env.Domain;
            if (domain is not null && !EnergyOptions.DomainNames.Contains(domain))
                throw new UsageException($"unknown energy domain '{domain}' (expected one of: {string.Join(", ", EnergyOptions.DomainNames)})");
            var traces = p.GetValue(Trace) ?? [];
            return env with
            {
                SysfsRoot = sysfs,
                DevCpuRoot = devCpu,
                TraceFiles = traces.Length > 0 ? traces : env.TraceFiles,
                TraceOffsetSeconds = p.Given(TraceOffset) ? p.GetValue(TraceOffset) : env.TraceOffsetSeconds,
                Domain = domain,
                PreferredSource = p.GetValue(Source) ?? env.PreferredSource,
            };
        }
    }

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        TextWriter stdout = console.Out, stderr = console.Error;
        var energy = new EnergyOptionSet();
        var json = CliOptions.Flag("--json", "print JSON");
        var command = new Command("sensors", "List energy sources and whether each is usable (also: simulate, overhead)") { json };
        foreach (var o in energy.All) command.Options.Add(o);
        command.Subcommands.Add(CreateSimulate(stdout, stderr));
        command.Subcommands.Add(CreateOverhead(stdout, stderr));
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            using var inventory = EnergyDiscovery.Discover(energy.Resolve(p));
            if (p.GetValue(json)) WriteJson(inventory, stdout);
            else WriteText(inventory, console.OutRenderer);
            return Cli.ExitOk;
        }));
        return command;
    }

    private static void WriteText(EnergyInventory inventory, IConsoleRenderer output)
    {
        foreach (var table in Tables(inventory)) output.Table(table);
        output.Line(ChosenLine(inventory));
    }

    /// <summary>
    /// Every source with its state and reason; then, when any is usable, what each usable one reads and how
    /// well (unit, resolution, update period, wrap-around, measured or estimated, the privilege it needs).
    /// </summary>
    internal static IReadOnlyList<TextTable> Tables(EnergyInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var o = inventory.Options;
        var infos = inventory.Describe();
        var sources = new TextTable
        {
            Title = $"Energy sources (sysfs root {o.SysfsRoot}, MSR root {o.DevCpuRoot}):",
            Columns = [new("source"), new("state"), new("reason")],
            Rows = [.. infos.Select((info, i) => (IReadOnlyList<string>)
                [info.Name, info.State + (ReferenceEquals(inventory.Sources[i], inventory.Chosen) ? " (chosen)" : ""), info.Reason ?? ""])],
        };
        var usable = Enumerable.Range(0, infos.Count).Where(i => inventory.Sources[i].State == SourceState.Usable).ToList();
        if (usable.Count == 0) return [sources];
        // One row per property, the source named on each: narrow enough for a terminal, and `grep powercap` finds them all.
        var details = new TextTable
        {
            Title = "Usable sources:",
            Columns = [new("source"), new("property"), new("value")],
            Rows = [.. usable.SelectMany(i =>
            {
                var s = inventory.Sources[i];
                var rows = new List<(string Property, string Value)>();
                if (infos[i].Domains.Count > 0) rows.Add(("found", string.Join(", ", infos[i].Domains)));
                rows.Add(("reads", string.Join(", ", s.Domains.Select(d => $"{d.Name} ({d.Path})"))));
                rows.Add(("unit", s.Unit));
                rows.Add(("resolution", Units.Energy(s.ResolutionJoules)));
                rows.Add(("update period", Units.Time(s.UpdatePeriod.TotalNanoseconds)));
                rows.Add(("wrap-around", s.WrapJoules is { } wrap ? $"at {Units.Energy(wrap)}" : "does not wrap"));
                rows.Add(("kind", s.Provenance != EnergyProvenance.Measured ? s.Provenance : s.Estimated ? "estimated" : "measured"));
                rows.Add(("needs", s.Privilege));
                return rows.Select(r => (IReadOnlyList<string>)[infos[i].Name, r.Property, r.Value]);
            })],
        };
        return [sources, details];
    }

    internal static string ChosenLine(EnergyInventory inventory) =>
        inventory.Chosen is { } c
            ? $"Chosen: {c.Name}, domain {c.Selection.Name} ({c.Selection.Why})."
            : "Chosen: none. Energy columns stay empty with this reason (never 0 W).";

    private static void WriteJson(EnergyInventory inventory, TextWriter w) => w.WriteLine(InventoryDocument.From(inventory).ToJson());

    private static Command CreateSimulate(TextWriter stdout, TextWriter stderr)
    {
        var root = CliOptions.Text("--root", "DIR", "the fixture tree to create (a new or empty folder)");
        var layout = CliOptions.OneOf("--layout", "the machine the tree imitates", [.. FixtureWriter.LayoutNames.Keys]);
        var model = CliOptions.Parsed("--model", "constant:W|procstat:IDLE,PERCORE", "the power model that advances the counters", text =>
        {
            try { return PowerModels.Parse(text); }
            catch (ArgumentException e) { throw new FormatException(Cli.OneLine(e), e); }
        });
        var seconds = CliOptions.Double("--seconds", "S", "stop after S seconds (default: at Ctrl-C/SIGTERM)", 0.001);
        var nearWrap = CliOptions.Flag("--near-wrap", "start the counters just below their wrap-around");
        var charging = CliOptions.Flag("--charging", "battery layouts: report charging");
        var gaugePeriod = CliOptions.Double("--gauge-period", "S", "battery layouts: how often the gauge publishes (default 1)", 0.001, 3600);
        var command = new Command("simulate", "create a fixture tree at --root and advance its counters until Ctrl-C/SIGTERM or --seconds; " +
            "injected energy is logged to ROOT/foldbench-injected.csv (Stopwatch ticks, joules per channel)")
        {
            root, layout, model, seconds, nearWrap, charging, gaugePeriod,
        };
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            string dir = p.GetValue(root) ?? throw new UsageException("simulate needs --root DIR");
            string layoutName = p.GetValue(layout) ?? throw new UsageException("simulate needs --layout");
            var fixtureLayout = FixtureWriter.LayoutNames[layoutName];
            IPowerModel power = p.GetValue(model) ?? throw new UsageException("simulate needs --model constant:W or procstat:IDLE,PERCORE");
            double limit = p.Given(seconds) ? p.GetValue(seconds) : double.PositiveInfinity;
            double gauge = p.Given(gaugePeriod) ? p.GetValue(gaugePeriod) : 1.0;
            return Simulate(dir, layoutName, fixtureLayout, power, limit, gauge, p.GetValue(nearWrap), p.GetValue(charging), stdout);
        }));
        return command;
    }

    private static int Simulate(string root, string layoutName, FixtureLayout layout, IPowerModel model, double seconds, double gauge,
                                bool nearWrap, bool charging, TextWriter stdout)
    {
        string ledger = Path.Combine(root, "foldbench-injected.csv");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new ArgumentException($"--root {root} is not empty: give a new folder");

        using var writer = FixtureWriter.Create(root, layout, model,
            new FixtureWriterOptions(nearWrap, charging, TimeSpan.FromSeconds(gauge), ledger, KeepLedger: false));
        using var cts = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; cts.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cts.Cancel(); });
        writer.Start();
        stdout.WriteLine($"fixture '{layoutName}' at {writer.Root}, {model.Description}, counters advance every {writer.Tick.TotalMilliseconds:0.#} ms" +
                         (layout is FixtureLayout.LaptopBattery or FixtureLayout.PhoneBattery ? $" (gauge publishes every {gauge:0.###} s)" : "") + ".");
        stdout.WriteLine($"point FoldBench at it: FOLDBENCH_SYSFS_ROOT={writer.Root} FOLDBENCH_DEV_CPU_ROOT={writer.DevCpuRoot}");
        stdout.WriteLine($"injected energy is logged to {ledger}; stop with Ctrl-C{(double.IsFinite(seconds) ? $" or after {seconds:0.###} s" : "")}.");
        stdout.Flush();
        if (double.IsFinite(seconds)) cts.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(seconds));
        else cts.Token.WaitHandle.WaitOne();
        writer.Stop();
        stdout.WriteLine("injected: " + string.Join(", ", writer.Channels.Select(c => $"{c} {Units.Energy(writer.Total(c))}")) +
                         $"; longest tick gap {Units.Time(writer.MaxTickGap.TotalNanoseconds)}");
        return Cli.ExitOk;
    }

    private static Command CreateOverhead(TextWriter stdout, TextWriter stderr)
    {
        var energy = new EnergyOptionSet();
        var rounds = CliOptions.Int("--rounds", "N", "rounds of the loop, off and on (default 11)", 1, 1000);
        var loopSeconds = CliOptions.Double("--loop-seconds", "S", "length of one loop (default 0.25)", 0.01, 600);
        var command = new Command("overhead", "time a CPU-bound loop with the sampler off and on (medians) for the chosen source") { rounds, loopSeconds };
        foreach (var o in energy.All) command.Options.Add(o);
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            int n = p.Given(rounds) ? p.GetValue(rounds) : 11;
            double loop = p.Given(loopSeconds) ? p.GetValue(loopSeconds) : 0.25;
            using var inventory = EnergyDiscovery.Discover(energy.Resolve(p));
            var source = inventory.Chosen ?? throw new InvalidOperationException(inventory.UnavailableReason);
            if (source is Energy.Sources.Trace.ExternalTraceSource)
                throw new InvalidOperationException("the overhead check samples a counter; an external trace costs only file reads (use a counter source)");
            var r = SamplerOverhead.Measure(source, n, loop);
            stdout.WriteLine($"sampler overhead, {r.Source} sampled every {Units.Time(r.SampleInterval.TotalNanoseconds)}, {r.Rounds} rounds:");
            stdout.WriteLine($"  CPU-bound loop, median off {Units.TimeDecimals(r.MedianOffSeconds * 1e9)}, median on {Units.TimeDecimals(r.MedianOnSeconds * 1e9)}: " +
                             $"slowdown {r.SlowdownFraction.ToString("P2", CultureInfo.InvariantCulture)}");
            stdout.WriteLine($"  sampler thread CPU time / wall time: {(r.SamplerCpuFraction is { } f ? f.ToString("P3", CultureInfo.InvariantCulture) : "unknown (no thread CPU clock)")}");
            return Cli.ExitOk;
        }));
        return command;
    }
}
