using System.Text.Json.Nodes;
using FoldBench.Regression.Comparison;
using FoldBench.Regression.Loading;

namespace FoldBench.Regression.Tests;

/// <summary>The JIT configuration and operating system are part of the host: tier-0 code is another program.</summary>
public class JitHostTests
{
    private static HostDescription Host(JitConfiguration? jit = null, string? os = null) =>
        new() { Cpu = "AMD EPYC", CpuId = "AuthenticAMD family 26 model 2 stepping 1", Architecture = "x64", Runtime = ".NET 10.0.12", Os = os, Jit = jit };

    private static readonly JitConfiguration Tiered = new() { TieredCompilation = true, TieredPgo = true, ReadyToRun = true, QuickJitForLoops = true };

    [Fact]
    public void Tiered_compilation_on_against_off_is_a_different_host()
    {
        var off = Tiered with { TieredCompilation = false, Overrides = ["DOTNET_TieredCompilation=0"] };
        string? why = HostDescription.Difference(Host(Tiered), Host(off));
        Assert.NotNull(why);
        Assert.StartsWith("different JIT configuration (tiered compilation on in BASE, off in CURRENT)", why);
        Assert.Null(HostDescription.Difference(Host(Tiered), Host(Tiered)));
        // A side that records no JIT configuration (an older file) is not called different.
        Assert.Null(HostDescription.Difference(Host(null), Host(off)));
    }

    [Fact]
    public void The_operating_system_counts_in_either_spelling()
    {
        // BenchmarkDotNet prefixes the kernel's name; .NET gives the distribution's.
        Assert.Null(HostDescription.Difference(Host(os: "Linux Debian GNU/Linux 12 (bookworm)"), Host(os: "Debian GNU/Linux 12 (bookworm)")));
        string? why = HostDescription.Difference(Host(os: "Debian GNU/Linux 12 (bookworm)"), Host(os: "Ubuntu 24.04.1 LTS"));
        Assert.NotNull(why);
        Assert.StartsWith("different operating system", why);
        Assert.EndsWith("(OS 'Debian GNU/Linux 12 (bookworm)' in BASE, 'Ubuntu 24.04.1 LTS' in CURRENT)", why);
    }

    [Fact]
    public void BenchmarkDotNet_jit_details_are_read_and_compared()
    {
        var report = JsonNode.Parse(File.ReadAllText(Fixture.Path("MyLib.Benchmarks.Sorting-report-full.json")))!;
        var host = BdnReportReader.Host(System.Text.Json.JsonDocument.Parse(report.ToJsonString()).RootElement);
        Assert.Equal("RELEASE", host.Jit!.Build);
        Assert.False(host.Jit.Debugger);
        Assert.Null(host.Jit.Tiering); // the host process's environment is not in the report

        // A DEBUG build, the intrinsics the JIT used, and a job that turned tiering off.
        report["HostEnvironmentInfo"]!["Configuration"] = "DEBUG";
        foreach (var b in report["Benchmarks"]!.AsArray())
        {
            b!["HardwareIntrinsics"] = "AVX2,AES,BMI1,BMI2,FMA,LZCNT,PCLMUL,POPCNT VectorSize=256";
            b["DisplayInfo"] = b["DisplayInfo"]!.GetValue<string>().Replace("Job-TWDZLF(", "Job-TWDZLF(EnvironmentVariables=DOTNET_TieredCompilation=0, ", StringComparison.Ordinal);
        }
        var other = BdnReportReader.Host(System.Text.Json.JsonDocument.Parse(report.ToJsonString()).RootElement);
        Assert.Equal("DEBUG", other.Jit!.Build);
        Assert.Equal(["DOTNET_TieredCompilation=0"], other.Jit.Overrides);
        Assert.False(other.Jit.Tiering);
        string? why = HostDescription.Difference(host, other);
        Assert.NotNull(why);
        Assert.Contains("build RELEASE in BASE, DEBUG in CURRENT", why);
        Assert.Contains("JIT variables 'none' in BASE, 'DOTNET_TieredCompilation=0' in CURRENT", why);
    }

    [Fact]
    public void A_step_names_tier_zero_code_only_when_tiering_could_have_caused_it()
    {
        var on = StationarityText.Describe("CURRENT", Statistics.Stationarity.Analyze(StationarityTests.TierUp, 0.05, 0.3), 15, tiering: true);
        Assert.Contains("tier-0 code measured before the step: tiered compilation was on", on);
        var off = StationarityText.Describe("CURRENT", Statistics.Stationarity.Analyze(StationarityTests.TierUp, 0.05, 0.3), 15, tiering: false);
        Assert.DoesNotContain("tier-0", off);
        Assert.Contains("tiered compilation was off", off);
    }
}
