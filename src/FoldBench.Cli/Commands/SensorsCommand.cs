using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using FoldBench.Energy;
using FoldBench.Energy.Sampling;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

/// <summary>
/// `foldbench sensors`: every energy source with its state and the exact reason; `sensors simulate` writes a
/// fixture tree whose counters advance in real time; `sensors overhead` measures the sampler's cost side by side.
/// </summary>
public sealed class SensorsCommand : ICommand
{
    public string Name => "sensors";
    public string Summary => "List energy sources and whether each is usable (also: simulate, overhead)";
    public string Usage =>
        "usage: foldbench sensors [--json] [--sysfs-root DIR] [--dev-cpu-root DIR] [--trace FILE ...] [--trace-offset S]\n" +
        "                         [--domain package|package+dram|psys|core] [--source NAME]\n" +
        "       foldbench sensors simulate --root DIR --layout intel-laptop|amd-server|laptop-battery|phone-battery\n" +
        "                         --model constant:W|procstat:IDLE,PERCORE [--seconds S] [--near-wrap] [--charging] [--gauge-period S]\n" +
        "       foldbench sensors overhead [--rounds N] [--loop-seconds S] [--sysfs-root DIR] [--dev-cpu-root DIR] [--trace FILE ...]\n" +
        "\n" +
        "  --sysfs-root DIR    root holding sys/ and proc/ (default /, or $FOLDBENCH_SYSFS_ROOT); a fixture tree works too\n" +
        "  --dev-cpu-root DIR  folder holding N/msr (default /dev/cpu, or DIR/dev/cpu under a fixture root, or $FOLDBENCH_DEV_CPU_ROOT)\n" +
        "  --trace FILE        external meter CSV (time_s|unix_s + watts|joules); repeatable\n" +
        "  --trace-offset S    trace time + S = host Unix time (otherwise the sync pulse finds it)\n" +
        "  simulate            create a fixture tree at --root and advance its counters until Ctrl-C/SIGTERM or --seconds;\n" +
        "                      injected energy is logged to ROOT/foldbench-injected.csv (Stopwatch ticks, joules per channel)\n" +
        "  overhead            time a CPU-bound loop with the sampler off and on (medians) for the chosen source\n";

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && args[0] == "simulate") return Simulate(args[1..], stdout);
        if (args.Length > 0 && args[0] == "overhead") return Overhead(args[1..], stdout);
        var (traces, rest) = ExtractTraces(args);
        var a = CliArgs.Parse(rest, ["--json"], ["--sysfs-root", "--dev-cpu-root", "--trace-offset", "--domain", "--source"]);
        a.ExpectPositionals(0, 0, "nothing");
        var options = Options(a, traces);
        using var inventory = EnergyDiscovery.Discover(options);
        if (a.Has("--json")) WriteJson(inventory, stdout);
        else WriteText(inventory, stdout);
        return Cli.ExitOk;
    }

    /// <summary>--trace may repeat; CliArgs keeps one value per option, so collect them first.</summary>
    internal static (List<string> Traces, List<string> Others) ExtractTraces(IReadOnlyList<string> args)
    {
        var traces = new List<string>();
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--trace")
            {
                if (i + 1 >= args.Count) throw new UsageException("option --trace needs a value");
                traces.Add(args[++i]);
            }
            else if (args[i].StartsWith("--trace=", StringComparison.Ordinal)) traces.Add(args[i]["--trace=".Length..]);
            else rest.Add(args[i]);
        }
        return (traces, rest);
    }

    internal static EnergyOptions Options(CliArgs a, List<string> traces)
    {
        var env = EnergyOptions.FromEnvironment();
        string sysfs = a.Get("--sysfs-root") ?? env.SysfsRoot;
        if (a.Get("--sysfs-root") is { } s && !Directory.Exists(s)) throw new DirectoryNotFoundException($"--sysfs-root {s} does not exist");
        string devCpu = a.Get("--dev-cpu-root")
                        ?? (a.Has("--sysfs-root") && Environment.GetEnvironmentVariable(EnergyOptions.DevCpuRootVariable) is null ? EnergyOptions.DefaultDevCpuRoot(sysfs) : env.DevCpuRoot);
        string? domain = a.Get("--domain") ?? env.Domain;
        if (domain is not null && !EnergyOptions.DomainNames.Contains(domain))
            throw new UsageException($"option --domain: unknown value '{domain}' (expected one of: {string.Join(", ", EnergyOptions.DomainNames)})");
        double? offset = a.Has("--trace-offset") ? a.GetDouble("--trace-offset", 0) : env.TraceOffsetSeconds;
        return env with
        {
            SysfsRoot = sysfs,
            DevCpuRoot = devCpu,
            TraceFiles = traces.Count > 0 ? traces : env.TraceFiles,
            TraceOffsetSeconds = offset,
            Domain = domain,
            PreferredSource = a.Get("--source") ?? env.PreferredSource,
        };
    }

    private static void WriteText(EnergyInventory inventory, TextWriter w)
    {
        var o = inventory.Options;
        w.WriteLine($"Energy sources (sysfs root {o.SysfsRoot}, MSR root {o.DevCpuRoot}):");
        var infos = inventory.Describe();
        for (int i = 0; i < infos.Count; i++)
        {
            var info = infos[i];
            var s = inventory.Sources[i];
            bool chosen = ReferenceEquals(s, inventory.Chosen);
            w.WriteLine($"  {info.Name,-15} {info.State + (chosen ? " (chosen)" : ""),-18} {info.Reason}");
            if (s.State != SourceState.Usable) continue;
            if (info.Domains.Count > 0) w.WriteLine($"  {"",-15} {"",-18} found: {string.Join(", ", info.Domains)}");
            w.WriteLine($"  {"",-15} {"",-18} reads: {string.Join(", ", s.Domains.Select(d => $"{d.Name} ({d.Path})"))}");
            w.WriteLine($"  {"",-15} {"",-18} unit {s.Unit}, resolution {Si(s.ResolutionJoules, "J")}, update period {s.UpdatePeriod.TotalMilliseconds:0.###} ms, " +
                        $"{(s.WrapJoules is { } wrap ? $"wraps at {wrap:0.##} J" : "does not wrap")}, {(s.Estimated ? "estimated" : "measured")}; needs {s.Privilege}");
        }
        if (inventory.Chosen is { } c)
            w.WriteLine($"Chosen: {c.Name}, domain {c.Selection.Name} ({c.Selection.Why}).");
        else
            w.WriteLine("Chosen: none. Energy columns stay empty with this reason (never 0 W).");
    }

    private static void WriteJson(EnergyInventory inventory, TextWriter w)
    {
        var infos = inventory.Describe();
        var sources = inventory.Sources.Select((s, i) => new
        {
            name = infos[i].Name,
            state = infos[i].State,
            reason = infos[i].Reason,
            domains = infos[i].Domains,
            estimated = s.Estimated,
            kind = s.Kind.ToString(),
            chosen = ReferenceEquals(s, inventory.Chosen),
            reads = s.State == SourceState.Usable ? s.Domains.Select(d => new { name = d.Name, role = d.Role.ToString().ToLowerInvariant(), path = d.Path }).ToList() : null,
            unit = s.Unit,
            resolutionJoules = s.State == SourceState.Usable ? s.ResolutionJoules : (double?)null,
            updatePeriodSeconds = s.State == SourceState.Usable ? s.UpdatePeriod.TotalSeconds : (double?)null,
            wrapJoules = s.WrapJoules,
            privilege = s.Privilege,
        }).ToList();
        var doc = new
        {
            sysfsRoot = inventory.Options.SysfsRoot,
            devCpuRoot = inventory.Options.DevCpuRoot,
            chosen = inventory.Chosen is { } c ? new { source = c.Name, domain = c.Selection.Name, why = c.Selection.Why } : null,
            unavailableReason = inventory.UnavailableReason,
            sources,
        };
        // Relaxed escaping: reasons hold quotes and apostrophes a reader should see as typed.
        var json = new JsonSerializerOptions(SummaryStore.JsonOptions) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        w.WriteLine(JsonSerializer.Serialize(doc, json));
    }

    private static int Simulate(string[] args, TextWriter stdout)
    {
        var a = CliArgs.Parse(args, ["--near-wrap", "--charging"], ["--root", "--layout", "--model", "--seconds", "--gauge-period"]);
        a.ExpectPositionals(0, 0, "nothing");
        string root = a.Get("--root") ?? throw new UsageException("simulate needs --root DIR");
        string layoutName = a.Get("--layout") ?? throw new UsageException("simulate needs --layout");
        if (!FixtureWriter.LayoutNames.TryGetValue(layoutName, out var layout))
            throw new UsageException($"option --layout: unknown value '{layoutName}' (expected one of: {string.Join(", ", FixtureWriter.LayoutNames.Keys)})");
        string modelSpec = a.Get("--model") ?? throw new UsageException("simulate needs --model constant:W or procstat:IDLE,PERCORE");
        IPowerModel model;
        try { model = PowerModels.Parse(modelSpec); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        double seconds = a.GetDouble("--seconds", double.PositiveInfinity, 0.001);
        double gauge = a.GetDouble("--gauge-period", 1.0, 0.001, 3600);
        string ledger = Path.Combine(root, "foldbench-injected.csv");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new ArgumentException($"--root {root} is not empty: give a new folder");

        using var writer = FixtureWriter.Create(root, layout, model,
            new FixtureWriterOptions(a.Has("--near-wrap"), a.Has("--charging"), TimeSpan.FromSeconds(gauge), ledger, KeepLedger: false));
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
        stdout.WriteLine("injected: " + string.Join(", ", writer.Channels.Select(c => $"{c} {writer.Total(c):0.###} J")) +
                         $"; longest tick gap {writer.MaxTickGap.TotalMilliseconds:0.#} ms");
        return Cli.ExitOk;
    }

    private static int Overhead(string[] args, TextWriter stdout)
    {
        var (traces, rest) = ExtractTraces(args);
        var a = CliArgs.Parse(rest, [], ["--rounds", "--loop-seconds", "--sysfs-root", "--dev-cpu-root", "--trace-offset", "--domain", "--source"]);
        a.ExpectPositionals(0, 0, "nothing");
        int rounds = a.GetInt("--rounds", 11, 1, 1000);
        double loopSeconds = a.GetDouble("--loop-seconds", 0.25, 0.01, 600);
        using var inventory = EnergyDiscovery.Discover(Options(a, traces));
        var source = inventory.Chosen ?? throw new InvalidOperationException(inventory.UnavailableReason);
        if (source is Energy.Sources.Trace.ExternalTraceSource)
            throw new InvalidOperationException("the overhead check samples a counter; an external trace costs only file reads (use a counter source)");
        var r = SamplerOverhead.Measure(source, rounds, loopSeconds);
        stdout.WriteLine($"sampler overhead, {r.Source} sampled every {r.SampleInterval.TotalMilliseconds:0.###} ms, {r.Rounds} rounds:");
        stdout.WriteLine($"  CPU-bound loop, median off {r.MedianOffSeconds * 1e3:0.###} ms, median on {r.MedianOnSeconds * 1e3:0.###} ms: slowdown {r.SlowdownFraction:P2}");
        stdout.WriteLine($"  sampler thread CPU time / wall time: {(r.SamplerCpuFraction is { } f ? f.ToString("P3", CultureInfo.InvariantCulture) : "unknown (no thread CPU clock)")}");
        return Cli.ExitOk;
    }

    private static string Si(double v, string unit) => EnergyUnits.Format(v, unit);
}
