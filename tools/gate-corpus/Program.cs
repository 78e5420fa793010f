using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace GateCorpus;

public static class Program
{
    public static int Main(string[] args)
    {
        // What a user writes: the default job in-process, 15 measured iterations (BenchmarkDotNet's
        // default minimum, fixed so that a loaded run does not take 100), the full JSON report.
        // GATE_CORPUS_LAUNCHES=N instead runs each benchmark in N separate processes (BenchmarkDotNet's
        // default out-of-process toolchain, LaunchCount = N), as a user who wants process-to-process
        // variation in the report does; the in-process toolchain has only one process to offer.
        var launches = int.TryParse(Environment.GetEnvironmentVariable("GATE_CORPUS_LAUNCHES"), out var n) && n > 1 ? n : 1;
        var job = launches > 1
            ? Job.Default.WithLaunchCount(launches).WithIterationCount(15)
            : Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(15);
        var config = DefaultConfig.Instance
            .AddJob(job)
            .AddExporter(JsonExporter.Full)
            .WithOptions(ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
