using System.Runtime.InteropServices;
using FoldBench.Benchmarks.Probes;
using FoldBench.Cli.Terminal;
using FoldBench.Results.Formatting;
using FoldBench.Results;

namespace FoldBench.Cli.Commands;

/// <summary>
/// `foldbench run --instructions`: counts the instructions each kernel case executes under valgrind's
/// callgrind (<see cref="InstructionRun"/>, in bench/FoldBench.Benchmarks/Probes), by running the hidden
/// `foldbench kernel-probe` verb of this very foldbench in a child process; prints the table.
/// </summary>
public static class InstructionMode
{
    /// <summary>The regression gate's test-only switch (<see cref="FoldBench.Benchmarks.Diagnostics.SlowdownSwitch"/>) that adds this % of extra work.</summary>
    public const string SlowdownVariable = FoldBench.Benchmarks.Diagnostics.SlowdownSwitch.Variable;

    public static int Run(IReadOnlyList<KernelCaseSpec> cases, int r1, int r2, TimeSpan timeout, string? outDir, string? machineName,
                          CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(console);
        TextWriter stdout = console.Out, stderr = console.Error;
        var (host, hostArgs) = SelfCommand();
        var request = new InstructionRunRequest
        {
            Cases = cases,
            R1 = r1,
            R2 = r2,
            Timeout = timeout,
            OutDir = outDir ?? InstructionRun.DefaultOutDir(MachineInfo.Describe(machineName).Name, DateTimeOffset.UtcNow),
            MachineName = machineName,
            Tool = $"foldbench {Cli.Version}",
            Host = host,
            HostArguments = hostArgs,
        };
        stdout.WriteLine($"foldbench run --instructions: {cases.Count} kernel case{(cases.Count == 1 ? "" : "s")} under callgrind (reps {r1},{r2}); results in {request.OutDir}");
        var r = InstructionRun.Run(request);
        foreach (var w in r.Warnings) stderr.WriteLine($"foldbench run --instructions: warning: {w}");

        stdout.WriteLine();
        console.OutRenderer.Table(new TextTable
        {
            Columns = [new("Case"), new("instructions/op", AlignRight: true), new("per MAC", AlignRight: true), new("repeatable"), new("correct")],
            Rows = [.. cases.Select((c, i) => (IReadOnlyList<string>)
            [
                c.ShortName, Units.Count(r.Counts[i].PerOp), Units.Ratio(r.Counts[i].PerOp / c.Macs),
                r.Counts[i].Repeatable ? "yes" : "NO", r.Checks[i].Correct ? "yes" : "NO",
            ])],
        });
        stdout.WriteLine($"foldbench run --instructions: {cases.Count} cases in {r.Elapsed.TotalSeconds:0} s written to {r.OutDir}");

        if (!r.AllCorrect)
        {
            stderr.WriteLine("foldbench run --instructions: a kernel's output did not match the reference (see correctnessOk in summary.json)");
            return Cli.ExitFailure;
        }
        return Cli.ExitOk;
    }

    /// <summary>How to start this very foldbench again: the dotnet host and this assembly.</summary>
    public static (string Host, IReadOnlyList<string> Args) SelfCommand()
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
