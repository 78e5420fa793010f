using System.Text.Json;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

/// <summary>`sensors --json`: a typed document, written by its source-generated context.</summary>
public class InventoryDocumentTests
{
    [Fact]
    public void The_document_lists_every_source_and_the_chosen_one_in_camel_case()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using var inventory = EnergyDiscovery.Discover(f.Options());
        string json = InventoryDocument.From(inventory).ToJson();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(["sysfsRoot", "devCpuRoot", "chosen", "unavailableReason", "sources"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("powercap-rapl", root.GetProperty("chosen").GetProperty("source").GetString());
        Assert.Equal("package", root.GetProperty("chosen").GetProperty("domain").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("unavailableReason").ValueKind);

        var sources = root.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(["external-trace", "powercap-rapl", "perf-rapl", "msr-rapl", "windows-emi", "hwmon", "raspberrypi-pmic", "apple-ioreport", "apple-powermetrics", "battery"],
                     sources.Select(s => s.GetProperty("name").GetString()!).ToArray());
        var rapl = sources[1];
        Assert.True(rapl.GetProperty("chosen").GetBoolean());
        Assert.Equal("EnergyCounter", rapl.GetProperty("kind").GetString());
        // The Intel layout's package zone: energy_uj in µJ, so one count is 1e-6 J; the simulated counter's
        // resolution is 2^-14 J = 61.035 µJ (the RAPL energy unit), its update period 1 ms.
        Assert.Equal(Math.Pow(2, -14), rapl.GetProperty("resolutionJoules").GetDouble(), 9);
        Assert.Equal(0.001, rapl.GetProperty("updatePeriodSeconds").GetDouble(), 9);
        var read = rapl.GetProperty("reads").EnumerateArray().Single();
        Assert.Equal("package", read.GetProperty("role").GetString());
        Assert.EndsWith("energy_uj", read.GetProperty("path").GetString());
        // A source that is not usable reads nothing and states no resolution: null, never 0.
        Assert.Equal(JsonValueKind.Null, sources[0].GetProperty("reads").ValueKind);
        Assert.Equal(JsonValueKind.Null, sources[0].GetProperty("resolutionJoules").ValueKind);
        // Relaxed escaping: the apostrophes in the domain names stay as typed.
        Assert.Contains("'package-0'", json);
    }
}
