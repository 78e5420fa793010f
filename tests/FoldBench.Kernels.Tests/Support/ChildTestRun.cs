using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace FoldBench.Kernels.Tests.Support;

/// <summary>
/// Re-runs tests of this assembly in a child process with extra environment variables (the
/// ImageSharp FeatureTestRunner idea). The test assembly is an executable under Microsoft Testing
/// Platform, so the child is simply this program again, with a filter, writing a CTRF (JSON)
/// report that the parent reads back.
/// </summary>
internal static class ChildTestRun
{
    /// <summary>Tells the child which switch its parent set, so the child can assert it took effect.</summary>
    public const string ExpectVariable = "FOLDBENCH_CHILD_EXPECT";

    public sealed record Result(int ExitCode, int Passed, int Failed, int Skipped, IReadOnlyDictionary<string, string> Statuses, string Output)
    {
        public string Describe() => $"exit {ExitCode}, {Passed} passed, {Failed} failed, {Skipped} skipped; output:\n{Tail(Output, 4000)}";
    }

    public static Result Run(string expectation, IReadOnlyDictionary<string, string> environment, IEnumerable<string> filter, TimeSpan timeout)
    {
        string host = TestHost();
        string resultsDir = Directory.CreateTempSubdirectory("foldbench-child-").FullName;
        try
        {
            var psi = new ProcessStartInfo(host)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Under `dotnet test` the host may be the dotnet muxer running our dll; otherwise it is our apphost.
            if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                psi.ArgumentList.Add(typeof(ChildTestRun).Assembly.Location);
            foreach (string a in filter) psi.ArgumentList.Add(a);
            foreach (string a in new[] { "--results-directory", resultsDir, "--report-ctrf", "--report-ctrf-filename", "child.json", "--no-progress", "--no-ansi" })
                psi.ArgumentList.Add(a);
            psi.Environment[ExpectVariable] = expectation;
            foreach (var (name, value) in environment) psi.Environment[name] = value;

            var output = new StringBuilder();
            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                Assert.Fail($"child test run ({expectation}) did not finish within {timeout.TotalSeconds:F0} s:\n{Tail(output.ToString(), 4000)}");
            }
            process.WaitForExit(); // drains the redirected streams
            string text;
            lock (output) text = output.ToString();

            string report = Path.Combine(resultsDir, "child.json");
            if (!File.Exists(report))
                Assert.Fail($"child test run ({expectation}) wrote no report (exit {process.ExitCode}):\n{Tail(text, 4000)}");
            using var json = JsonDocument.Parse(File.ReadAllText(report));
            var results = json.RootElement.GetProperty("results");
            var summary = results.GetProperty("summary");
            var statuses = new Dictionary<string, string>();
            foreach (var t in results.GetProperty("tests").EnumerateArray())
                statuses[t.GetProperty("name").GetString()!] = t.GetProperty("status").GetString()!;
            return new Result(process.ExitCode, summary.GetProperty("passed").GetInt32(), summary.GetProperty("failed").GetInt32(),
                summary.GetProperty("skipped").GetInt32(), statuses, text);
        }
        finally
        {
            try { Directory.Delete(resultsDir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The executable running these tests. Under qemu-user <see cref="Environment.ProcessPath"/> is
    /// unknown (null); the apphost beside this assembly is the same program.
    /// </summary>
    private static string TestHost()
    {
        if (Environment.ProcessPath is { } path) return path;
        string name = typeof(ChildTestRun).Assembly.GetName().Name!;
        string apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name);
        return File.Exists(apphost) ? apphost : throw new InvalidOperationException($"cannot tell which executable runs the tests (no {apphost})");
    }

    private static string Tail(string s, int max) => s.Length <= max ? s : "…" + s[^max..];
}
