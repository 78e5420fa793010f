using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using FoldBench.Kernels;
using FoldBench.Regression.Instructions;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

/// <summary>One kernel case of the deterministic mode.</summary>
public sealed record KernelCaseSpec(string Path, int M, int K, int N)
{
    /// <summary>The key `compare` matches on, in BenchmarkDotNet's "Name(param: value, …)" style.</summary>
    public string FullName => $"FoldBench.Kernels.Linear.Project(path: {Path}, m: {M}, k: {K}, n: {N})";

    public string ShortName => $"{Path} M={M} K={K} N={N}";

    public double Macs => (double)M * K * N;
}

/// <summary>
/// `foldbench run --instructions`: counts the instructions each kernel case executes, under valgrind's
/// callgrind, by running the hidden `foldbench kernel-probe` verb in a child process. Deterministic, so
/// a CI gate can use a 1% threshold on a noisy shared machine. See src/FoldBench.Regression/README.md.
/// </summary>
public static class InstructionMode
{
    /// <summary>Options that take a value, for the caller's <see cref="CliArgs.Parse"/>.</summary>
    public static readonly string[] ValuedOptions = ["--out", "--paths", "--m", "--k", "--n", "--kn", "--reps", "--machine", "--timeout"];

    /// <summary>Options without a value.</summary>
    public static readonly string[] Flags = [];

    public const string OptionsHelp = """
          --instructions        count instructions per kernel call under valgrind (deterministic; no timing)
            --paths LIST          kernel paths: best,scalar,portable,avx2,avx512,neon (default: best)
            --m LIST              rows M (default: 1,16)
            --kn LIST             K = N (default: 512); or --k LIST and --n LIST for every K×N pair
            --reps R1,R2          operations per measured phase (default: 1,3); count = (I(R2) − I(R1)) / (R2 − R1)
            --out DIR             results folder (default: results/<machine>/<UTC timestamp>-instructions)
            --timeout SECONDS     stop valgrind after this long (default: 600)

        """;

    /// <summary>The regression gate's test-only switch (<see cref="FoldBench.Benchmarks.Diagnostics.SlowdownSwitch"/>) that adds this % of extra work.</summary>
    public const string SlowdownVariable = FoldBench.Benchmarks.Diagnostics.SlowdownSwitch.Variable;

    internal static readonly IReadOnlyList<int> DefaultM = [1, 16];
    internal static readonly IReadOnlyList<int> DefaultKN = [512];
    public const int DefaultR1 = 1, DefaultR2 = 3;

    public static int Run(CliArgs args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, new Dictionary<string, string?>());

    /// <param name="environment">Variables for the probe process on top of the inherited ones (null removes one).</param>
    public static int Run(CliArgs args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var cases = ParseCases(args, underValgrind: true);
        var (r1, r2) = ParseReps(args);
        int timeout = args.GetInt("--timeout", 600, 10, 24 * 3600);
        var schedule = new ProbeSchedule(cases.Count, r1, r2);
        schedule.Validate();
        var machine = MachineProbe.Describe(args.Get("--machine"));
        var started = DateTimeOffset.UtcNow;
        string outDir = args.Get("--out") ?? System.IO.Path.Combine("results", machine.Name, started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-instructions");

        var (host, hostArgs) = SelfCommand();
        var probeArgs = hostArgs.Concat(["kernel-probe", .. ProbeOptions(cases, r1, r2)]).ToList();
        stdout.WriteLine($"foldbench run --instructions: {cases.Count} kernel case{(cases.Count == 1 ? "" : "s")} under callgrind (reps {r1},{r2}); results in {outDir}");

        var outcome = Callgrind.Run(new CallgrindRequest
        {
            FileName = host,
            Arguments = probeArgs,
            Environment = environment,
            Timeout = TimeSpan.FromSeconds(timeout),
        });
        var counts = schedule.Evaluate(outcome.Intervals);
        var checks = ProbeReport.ParseAll(outcome.Stdout, cases);

        var summary = new RunSummary
        {
            Tool = $"foldbench {Cli.Version}",
            StartedUtc = started,
            FinishedUtc = DateTimeOffset.UtcNow,
            Complete = true,
            Job = "instructions",
            CommandLine = "foldbench run --instructions " + ProbeOptions(cases, r1, r2).Aggregate("", (s, a) => s + " " + a).Trim() + $" --out {outDir}",
            Machine = machine,
        };
        summary.Caveats.Add($"instruction counts from {outcome.ValgrindVersion} callgrind with tiered compilation off: deterministic, but blind to cache misses, memory bandwidth, branch mispredictions and clock speed (see src/FoldBench.Regression/README.md)");
        summary.Caveats.Add("medianNs is 0 in this run: nothing was timed");
        if (typeof(Linear).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
                .OfType<System.Diagnostics.DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled))
        {
            const string debug = "FoldBench.Kernels is a Debug build (JIT optimization off): these counts do not describe Release code; build with -c Release";
            summary.Caveats.Add(debug);
            stderr.WriteLine($"foldbench run --instructions: warning: {debug}");
        }
        summary.Caveats.Add("valgrind emulates a CPU without AVX-512: Vector512 code paths are not what runs natively on AVX-512 machines");
        string? slowdown = environment.TryGetValue(SlowdownVariable, out var overridden) ? overridden : Environment.GetEnvironmentVariable(SlowdownVariable);
        if (slowdown is { Length: > 0 } && slowdown.Trim() != "0")
            summary.Caveats.Add($"{SlowdownVariable}={slowdown}: each kernel operation did that much extra work on purpose");

        var raw = new List<object>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var n = counts[i];
            var check = checks[i];
            if (!n.Repeatable) summary.Caveats.Add($"{c.ShortName}: the repeated phase counted {n.PhaseR1} then {n.PhaseR1Again} instructions (not reproducible)");
            summary.Cases.Add(new CaseResult
            {
                Suite = "kernels",
                Name = c.ShortName,
                FullName = c.FullName,
                Path = c.Path,
                M = c.M,
                K = c.K,
                N = c.N,
                MedianNs = 0,
                WeightBytes = (long)c.K * c.N * sizeof(float),
                Instructions = Math.Round(n.PerOp, 1),
                CorrectnessOk = check.Correct,
            });
            raw.Add(new
            {
                fullName = c.FullName,
                instructionsPerOp = n.PerOp,
                instructionsPerMac = n.PerOp / c.Macs,
                phaseR1 = n.PhaseR1,
                phaseR2 = n.PhaseR2,
                phaseR1Again = n.PhaseR1Again,
                repeatable = n.Repeatable,
                correct = check.Correct,
                maxAbsError = check.MaxAbsError,
            });
        }

        Directory.CreateDirectory(outDir);
        SummaryStore.Write(System.IO.Path.Combine(outDir, SummaryStore.FileName), summary);
        var provenance = new
        {
            schema = "foldbench-instructions/1",
            tool = outcome.ValgrindVersion,
            commandLine = outcome.CommandLine,
            environment = outcome.Environment,
            marker = InstructionMarker.FunctionName,
            reps = new[] { r1, r2 },
            elapsedSeconds = Math.Round(outcome.Elapsed.TotalSeconds, 1),
            phaseInstructions = outcome.Intervals,
            cases = raw,
        };
        AtomicFile.WriteAllText(System.IO.Path.Combine(outDir, "instructions.json"),
            JsonSerializer.Serialize(provenance, new JsonSerializerOptions { WriteIndented = true }));

        stdout.WriteLine();
        stdout.WriteLine($"{"Case",-28} {"instructions/op",16} {"per MAC",8}  repeatable  correct");
        for (int i = 0; i < cases.Count; i++)
            stdout.WriteLine($"{cases[i].ShortName,-28} {counts[i].PerOp,16:#,0} {counts[i].PerOp / cases[i].Macs,8:0.000}  {(counts[i].Repeatable ? "yes" : "NO"),-10}  {(checks[i].Correct ? "yes" : "NO")}");
        stdout.WriteLine($"foldbench run --instructions: {cases.Count} cases in {outcome.Elapsed.TotalSeconds:0} s written to {outDir}");

        if (checks.Any(c => !c.Correct))
        {
            stderr.WriteLine("foldbench run --instructions: a kernel's output did not match the reference (see correctnessOk in summary.json)");
            return Cli.ExitFailure;
        }
        return Cli.ExitOk;
    }

    /// <summary>
    /// The kernel cases named by --paths, --m and --kn (or --k and --n), in a fixed order.
    /// <paramref name="underValgrind"/>: the cases will run inside valgrind, whose virtual CPU has no
    /// AVX-512, so best is what it resolves to there and avx512 is refused.
    /// </summary>
    public static IReadOnlyList<KernelCaseSpec> ParseCases(CliArgs args, bool underValgrind = false)
    {
        var names = KernelPaths.All.Select(p => p.Name()).Append("best").ToArray();
        var paths = args.GetNameList("--paths", ["best"], names)
                        .Select(p => underValgrind && p.Equals("best", StringComparison.OrdinalIgnoreCase) ? KernelPaths.BestWithoutAvx512 : KernelPaths.Parse(p))
                        .Distinct()
                        .ToList();
        if (underValgrind && paths.Contains(KernelPath.Avx512))
            throw new UsageException("option --paths: valgrind's virtual CPU has no AVX-512, so the avx512 path cannot be counted (best counts avx2)");
        foreach (var p in paths) KernelPaths.EnsureSupported(p);
        var ms = args.GetIntList("--m", DefaultM, 1, 4096);
        IReadOnlyList<(int K, int N)> shapes;
        if (args.Has("--kn"))
        {
            if (args.Has("--k") || args.Has("--n")) throw new UsageException("give either --kn or --k and --n, not both");
            shapes = args.GetIntList("--kn", DefaultKN, 1, 16384).Select(v => (v, v)).ToList();
        }
        else if (args.Has("--k") || args.Has("--n"))
        {
            var ks = args.GetIntList("--k", DefaultKN, 1, 16384);
            var ns = args.GetIntList("--n", DefaultKN, 1, 16384);
            shapes = ks.SelectMany(k => ns.Select(n => (k, n))).ToList();
        }
        else shapes = DefaultKN.Select(v => (v, v)).ToList();

        var cases = new List<KernelCaseSpec>();
        foreach (var p in paths)
            foreach (var (k, n) in shapes)
                foreach (var m in ms)
                    cases.Add(new KernelCaseSpec(p.Name(), m, k, n));
        return cases.Distinct().ToList();
    }

    public static (int R1, int R2) ParseReps(CliArgs args)
    {
        var reps = args.GetIntList("--reps", [DefaultR1, DefaultR2], 1, 1_000_000);
        if (reps.Count != 2 || reps[1] <= reps[0])
            throw new UsageException($"option --reps expects two counts R1,R2 with R1 < R2, got '{args.Get("--reps")}'");
        return (reps[0], reps[1]);
    }

    /// <summary>Options that make kernel-probe run exactly these cases in this order.</summary>
    internal static List<string> ProbeOptions(IReadOnlyList<KernelCaseSpec> cases, int r1, int r2) =>
    [
        "--cases", string.Join(',', cases.Select(c => $"{c.Path}:{c.M}x{c.K}x{c.N}")),
        "--reps", $"{r1},{r2}",
    ];

    /// <summary>How to start this very foldbench again: the dotnet host and this assembly.</summary>
    internal static (string Host, IReadOnlyList<string> Args) SelfCommand()
    {
        string dll = typeof(InstructionMode).Assembly.Location;
        if (string.IsNullOrEmpty(dll) || !File.Exists(dll))
            throw new InvalidOperationException("cannot locate foldbench.dll to start the kernel probe (single-file publish is not supported by --instructions)");
        return (DotnetHost(), [dll]);
    }

    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        // The runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/; the host is <root>/dotnet.
        string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string candidate = System.IO.Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        if (File.Exists(candidate)) return candidate;
        return "dotnet";
    }
}

/// <summary>The probe's per-case correctness line on stdout: "probe-case avx2 16 512 512 ok 2.04E-05".</summary>
/// <remarks>Plain text rather than JSON: under valgrind every serializer method the probe touches costs start-up time.</remarks>
public sealed record ProbeReport(string Path, int M, int K, int N, bool Correct, double MaxAbsError)
{
    public const string Prefix = "probe-case ";

    public string ToLine() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Path} {M} {K} {N} {(Correct ? "ok" : "wrong")} {MaxAbsError:R}");

    public static ProbeReport Parse(string line)
    {
        var f = line[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 6 || f[4] is not ("ok" or "wrong") ||
            !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) ||
            !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int k) ||
            !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ||
            !double.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double err))
            throw new InvalidOperationException($"unreadable kernel-probe output line '{line}'");
        return new ProbeReport(f[0], m, k, n, f[4] == "ok", err);
    }

    public static IReadOnlyList<ProbeReport> ParseAll(string stdout, IReadOnlyList<KernelCaseSpec> cases)
    {
        var list = stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).Select(Parse).ToList();
        if (list.Count != cases.Count)
            throw new InvalidOperationException($"kernel-probe reported {list.Count} cases, expected {cases.Count}");
        for (int i = 0; i < cases.Count; i++)
            if (list[i].Path != cases[i].Path || list[i].M != cases[i].M || list[i].K != cases[i].K || list[i].N != cases[i].N)
                throw new InvalidOperationException($"kernel-probe ran case {i + 1} as {list[i].Path} {list[i].M}x{list[i].K}x{list[i].N}, expected {cases[i].ShortName}");
        return list;
    }
}
