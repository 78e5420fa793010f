using System.Globalization;
using System.Text.Json.Nodes;
using FoldBench.Results;

namespace FoldBench.Cli.Tests;

/// <summary>
/// `foldbench compare`'s exit codes as a CI reads them: 0 no regression, 1 a regression, 2 bad input,
/// 3 only with --fail-on-unstable when nothing is slower but a case was unstable or drifted.
/// </summary>
public class CompareExitCodeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-compare-exit-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // Issue 18's late tier-up (CURRENT) and a first run that read 26–28 ns throughout (BASE, values written here).
    private static readonly double[] TierUp = [63.0, 65.3, 65.2, 64.4, 65.6, 65.0, 65.9, 65.5, 64.7, 64.8, 52.3, 27.6, 27.9, 27.5, 27.6];
    private static readonly double[] Steady = [26.8, 27.1, 26.4, 27.9, 26.9, 27.3, 26.2, 27.6, 27.0, 26.6, 27.4, 26.9, 27.8, 26.5, 27.2];
    private static readonly double[] Other = [101.2, 99.6, 100.4, 98.9, 100.8, 100.1, 99.3, 100.6, 99.8, 100.2, 101.0, 99.5, 100.3, 99.9, 100.7];

    /// <summary>A BenchmarkDotNet full JSON report in the shape BenchmarkDotNet writes, one Workload/Actual measurement per value.</summary>
    private string Report(string name, params (string Method, double[] Ns)[] cases)
    {
        var benchmarks = new JsonArray();
        foreach (var (method, ns) in cases)
        {
            var measurements = new JsonArray();
            for (int i = 0; i < ns.Length; i++)
                measurements.Add(new JsonObject
                {
                    ["IterationMode"] = "Workload", ["IterationStage"] = "Actual", ["IterationIndex"] = i + 1,
                    ["Operations"] = 1000, ["Nanoseconds"] = ns[i] * 1000,
                });
            benchmarks.Add(new JsonObject { ["FullName"] = $"App.Bench.{method}", ["Measurements"] = measurements });
        }
        var root = new JsonObject
        {
            ["HostEnvironmentInfo"] = new JsonObject { ["ProcessorName"] = "AMD EPYC", ["Architecture"] = "X64", ["RuntimeVersion"] = ".NET 10.0.12" },
            ["Benchmarks"] = benchmarks,
        };
        string file = Path.Combine(_dir, name + "-report-full.json");
        File.WriteAllText(file, root.ToJsonString());
        return file;
    }

    [Fact]
    public void Every_exit_code_means_one_thing()
    {
        string b = Report("base", ("Hash", Steady), ("Join", Other));
        string same = Report("same", ("Hash", Steady.Reverse().ToArray()), ("Join", Other));
        string slower = Report("slower", ("Hash", Steady.Select(v => v * 1.2).ToArray()), ("Join", Other));
        string tierUp = Report("tierup", ("Hash", TierUp), ("Join", Other));

        Assert.Equal(0, CommandLineTests.Invoke("compare", b, same).Code);
        Assert.Equal(1, CommandLineTests.Invoke("compare", b, slower).Code);
        Assert.Equal(2, CommandLineTests.Invoke("compare", b, Path.Combine(_dir, "missing.json")).Code);

        // The late tier-up is unstable: 0 by default, 3 for strict users, and never 1.
        var (code, output, err) = CommandLineTests.Invoke("compare", b, tierUp);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("unstable", output);
        Assert.Contains("OK: no case is slower beyond the threshold; 1 case was unstable (re-run to judge them)", output);
        var (strict, strictOut, _) = CommandLineTests.Invoke("compare", b, tierUp, "--fail-on-unstable");
        Assert.Equal(3, strict);
        Assert.Contains("UNSTABLE: no case is slower beyond the threshold, but 1 case was unstable (--fail-on-unstable: re-run to judge)", strictOut);
        // A real regression still exits 1 with the flag; a clean comparison still exits 0.
        Assert.Equal(1, CommandLineTests.Invoke("compare", b, slower, "--fail-on-unstable").Code);
        Assert.Equal(0, CommandLineTests.Invoke("compare", b, same, "--fail-on-unstable").Code);
    }

    [Fact]
    public void The_text_form_is_ruled_plain_lines_in_a_log_and_a_drawn_table_on_a_terminal()
    {
        string b = Report("base", ("Hash", Steady), ("Join", Other));
        string same = Report("same", ("Hash", Steady.Reverse().ToArray()), ("Join", Other));

        var (_, plain, _) = CommandLineTests.Invoke("compare", b, same);
        var lines = plain.Split(Environment.NewLine);
        int header = Array.FindIndex(lines, l => l.StartsWith("Case ", StringComparison.Ordinal));
        Assert.True(header > 0, plain);
        // The rule under the header: one run of dashes per column, starting where the header's column starts.
        string rule = lines[header + 1];
        Assert.Matches("^-+(  -+){5}$", rule);
        foreach (string column in new[] { "Base", "Current", "Ratio", "Verdict", "Notes" })
        {
            int end = lines[header].IndexOf(column, StringComparison.Ordinal) + column.Length;
            Assert.Equal('-', rule[end - 1]);
        }
        Assert.StartsWith("App.Bench.Hash ", lines[header + 2]);
        Assert.DoesNotContain("╭", plain);

        var o = new StringWriter();
        int code = Cli.Run(["compare", b, same], new Terminal.CliConsole(o, new StringWriter(), Terminal.OutputStyle.Rich, Terminal.OutputStyle.Plain));
        Assert.Equal(0, code);
        string rich = o.ToString();
        Assert.Contains("╭", rich);
        Assert.Contains("Hash", rich);
        Assert.DoesNotContain("----", rich);
        Assert.Contains("OK: no case is slower beyond the threshold", rich);
    }

    [Fact]
    public void Every_output_form_carries_the_step_and_its_series()
    {
        string b = Report("base", ("Hash", Steady), ("Join", Other));
        string tierUp = Report("tierup", ("Hash", TierUp), ("Join", Other));

        // The sparkline of the tier-up on the case's own scale, 26.2 (▁, level 0) to 65.9 ns (█, level 7):
        // 63.0 is at (63.0 − 26.2)/(65.9 − 26.2) = 0.927 of the range, level round(6.49) = 6 → ▇; the
        // lowest of the next nine, 64.4, at 0.962 → round(6.74) = 7 → █; 52.3 at 0.657 → round(4.60) = 5
        // → ▆; 27.5–27.9 at 0.03–0.04 → ▁.
        var (_, text, _) = CommandLineTests.Invoke("compare", b, tierUp);
        Assert.Contains("CURRENT  ▇█████████▆▁▁▁▁  27.5 ns–65.9 ns, change point at iteration 11", text);
        Assert.Contains("CURRENT steps down at iteration 11 of 15 (65.1 ns → 27.6 ns)", text);

        var (_, md, _) = CommandLineTests.Invoke("compare", b, tierUp, "--markdown");
        Assert.StartsWith("### FoldBench compare: ⚠️ OK: no case is slower", md);
        Assert.Contains("| App.Bench.Hash |", md);
        Assert.Contains("▇█████████▆▁▁▁▁", md);

        var (_, json, _) = CommandLineTests.Invoke("compare", b, tierUp, "--json");
        var root = JsonNode.Parse(json)!;
        Assert.Equal("foldbench-compare/2", root["schema"]!.GetValue<string>());
        Assert.Equal(1, root["summary"]!["unstable"]!.GetValue<int>());
        var hash = root["cases"]!.AsArray().Single(c => c!["fullName"]!.GetValue<string>() == "App.Bench.Hash")!;
        Assert.Equal("unstable", hash["verdict"]!.GetValue<string>());
        Assert.Equal("step", hash["currentStationarity"]!["shape"]!.GetValue<string>());
        Assert.Equal(11, hash["currentStationarity"]!["changePoints"]![0]!.GetValue<int>());
        Assert.Equal(15, hash["currentSeries"]!.AsArray().Count);
        Assert.Equal(27.6, hash["currentSeries"]![14]!.GetValue<double>(), 9);
    }

    [Fact]
    public void The_run_records_how_the_jit_was_configured()
    {
        var defaults = MachineInfo.JitSettingsOf(_ => null, _ => null);
        Assert.True(defaults.TieredCompilation && defaults.TieredPgo && defaults.ReadyToRun && defaults.QuickJitForLoops);
        Assert.Empty(defaults.Overrides);

        var env = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0", ["COMPlus_ReadyToRun"] = "0" };
        var config = new Dictionary<string, object> { ["System.Runtime.TieredPGO"] = false, ["System.Runtime.TieredCompilation"] = true };
        var s = MachineInfo.JitSettingsOf(env.GetValueOrDefault, config.GetValueOrDefault);
        // The variable wins over the runtimeconfig property; the property wins over the default.
        Assert.False(s.TieredCompilation);
        Assert.False(s.TieredPgo);
        Assert.False(s.ReadyToRun);
        Assert.True(s.QuickJitForLoops);
        Assert.Equal(["DOTNET_TieredCompilation=0", "System.Runtime.TieredPGO=false", "COMPlus_ReadyToRun=0"], s.Overrides);

        // summary.json carries it in the machine block, and older files without it still read.
        var summary = new RunSummary { Machine = new MachineInfo { CpuModel = "AMD EPYC", Jit = s } };
        string file = Path.Combine(_dir, "summary.json");
        SummaryStore.Write(file, summary);
        Assert.Contains("\"tieredCompilation\": false", File.ReadAllText(file));
        Assert.False(SummaryStore.Read(file).Machine.Jit!.TieredCompilation);
        SummaryStore.Write(file, new RunSummary { Machine = new MachineInfo { CpuModel = "AMD EPYC" } });
        Assert.Null(SummaryStore.Read(file).Machine.Jit);
    }
}
