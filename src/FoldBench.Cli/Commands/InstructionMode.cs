using System.Runtime.InteropServices;
using FoldBench.Benchmarks.Probes;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

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
            --paths LIST          kernel paths: best,scalar,portable,avx2,neon (default: best)
            --m LIST              rows M (default: 1,16)
            --kn LIST             K = N (default: 512); or --k LIST and --n LIST for every K×N pair
            --reps R1,R2          operations per measured phase (default: 1,3); count = (I(R2) − I(R1)) / (R2 − R1)
            --out DIR             results folder (default: results/<machine>/<UTC timestamp>-instructions)
            --timeout SECONDS     stop valgrind after this long (default: 600)

        """;

    /// <summary>The regression gate's test-only switch (<see cref="FoldBench.Benchmarks.Diagnostics.SlowdownSwitch"/>) that adds this % of extra work.</summary>
    public const string SlowdownVariable = FoldBench.Benchmarks.Diagnostics.SlowdownSwitch.Variable;

    public static int Run(CliArgs args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, new Dictionary<string, string?>());

    /// <param name="environment">Variables for the probe process on top of the inherited ones (null removes one).</param>
    public static int Run(CliArgs args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var cases = ParseCases(args);
        var (r1, r2) = ParseReps(args);
        var (host, hostArgs) = SelfCommand();
        var request = new InstructionRunRequest
        {
            Cases = cases,
            R1 = r1,
            R2 = r2,
            Timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 600, 10, 24 * 3600)),
            OutDir = args.Get("--out") ?? InstructionRun.DefaultOutDir(MachineProbe.Describe(args.Get("--machine")).Name, DateTimeOffset.UtcNow),
            MachineName = args.Get("--machine"),
            Tool = $"foldbench {Cli.Version}",
            Host = host,
            HostArguments = hostArgs,
            Environment = environment,
        };
        stdout.WriteLine($"foldbench run --instructions: {cases.Count} kernel case{(cases.Count == 1 ? "" : "s")} under callgrind (reps {r1},{r2}); results in {request.OutDir}");
        var r = InstructionRun.Run(request);
        foreach (var w in r.Warnings) stderr.WriteLine($"foldbench run --instructions: warning: {w}");

        stdout.WriteLine();
        stdout.WriteLine($"{"Case",-28} {"instructions/op",16} {"per MAC",8}  repeatable  correct");
        for (int i = 0; i < cases.Count; i++)
            stdout.WriteLine($"{cases[i].ShortName,-28} {r.Counts[i].PerOp,16:#,0} {r.Counts[i].PerOp / cases[i].Macs,8:0.000}  {(r.Counts[i].Repeatable ? "yes" : "NO"),-10}  {(r.Checks[i].Correct ? "yes" : "NO")}");
        stdout.WriteLine($"foldbench run --instructions: {cases.Count} cases in {r.Elapsed.TotalSeconds:0} s written to {r.OutDir}");

        if (!r.AllCorrect)
        {
            stderr.WriteLine("foldbench run --instructions: a kernel's output did not match the reference (see correctnessOk in summary.json)");
            return Cli.ExitFailure;
        }
        return Cli.ExitOk;
    }

    /// <summary>The kernel cases named by --paths, --m and --kn (or --k and --n), in a fixed order.</summary>
    public static IReadOnlyList<KernelCaseSpec> ParseCases(CliArgs args)
    {
        var paths = args.GetNameList("--paths", ["best"], KernelCases.PathNames);
        var ms = args.GetIntList("--m", KernelCases.DefaultM, 1, 4096);
        IReadOnlyList<(int K, int N)> shapes;
        if (args.Has("--kn"))
        {
            if (args.Has("--k") || args.Has("--n")) throw new UsageException("give either --kn or --k and --n, not both");
            shapes = args.GetIntList("--kn", KernelCases.DefaultKN, 1, 16384).Select(v => (v, v)).ToList();
        }
        else if (args.Has("--k") || args.Has("--n"))
        {
            var ks = args.GetIntList("--k", KernelCases.DefaultKN, 1, 16384);
            var ns = args.GetIntList("--n", KernelCases.DefaultKN, 1, 16384);
            shapes = ks.SelectMany(k => ns.Select(n => (k, n))).ToList();
        }
        else shapes = KernelCases.DefaultKN.Select(v => (v, v)).ToList();
        return KernelCases.Expand(paths, ms, shapes);
    }

    public static (int R1, int R2) ParseReps(CliArgs args)
    {
        var reps = args.GetIntList("--reps", [InstructionRun.DefaultR1, InstructionRun.DefaultR2], 1, 1_000_000);
        if (reps.Count != 2 || reps[1] <= reps[0])
            throw new UsageException($"option --reps expects two counts R1,R2 with R1 < R2, got '{args.Get("--reps")}'");
        return (reps[0], reps[1]);
    }

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
