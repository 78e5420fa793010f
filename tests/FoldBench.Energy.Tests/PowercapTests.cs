using System.Diagnostics;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Powercap;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class PowercapTests
{
    [Fact]
    public void Package_is_chosen_from_the_intel_laptop_without_psys_core_or_mmio_duplicate()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal("package", s.Selection.Name);
        var d = Assert.Single(s.Domains);
        Assert.Equal("package-0", d.Name);
        Assert.EndsWith("intel-rapl:0/energy_uj", d.Path);
        Assert.Contains(s.FoundDomains, x => x.Contains("intel-rapl-mmio:0") && x.Contains("duplicate"));
        Assert.Equal(262143.32885, s.WrapJoules!.Value, 6);
    }

    [Theory]
    [InlineData("psys", new[] { "intel-rapl:1/energy_uj" })]
    [InlineData("package+dram", new[] { "intel-rapl:0/energy_uj", "intel-rapl:0:2/energy_uj" })]
    [InlineData("core", new[] { "intel-rapl:0:0/energy_uj" })]
    public void Other_domains_read_only_the_zones_they_need(string domain, string[] files)
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using var s = PowercapRaplSource.Probe(f.Options(new EnergyOptions(Domain: domain)));
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(domain, s.Selection.Name);
        Assert.Equal(files, s.Domains.Select(d => d.Path[(d.Path.LastIndexOf("intel-rapl", StringComparison.Ordinal))..]).ToArray());
    }

    [Fact]
    public void Zones_are_found_by_name_not_by_index()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        // Swap the names: zone :0 now claims to be psys and zone :1 the package.
        f.Write("/sys/class/powercap/intel-rapl:0/name", "psys\n");
        f.Write("/sys/class/powercap/intel-rapl:1/name", "package-0\n");
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.EndsWith("intel-rapl:1/energy_uj", Assert.Single(s.Domains).Path);
    }

    [Fact]
    public void Mmio_zone_is_used_when_the_msr_interface_lacks_the_package()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        foreach (var id in new[] { "intel-rapl:0", "intel-rapl:0:0", "intel-rapl:0:1", "intel-rapl:0:2", "intel-rapl:1" })
            File.Delete(f.Path($"/sys/class/powercap/{id}"));
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.EndsWith("intel-rapl-mmio:0/energy_uj", Assert.Single(s.Domains).Path);
    }

    [Fact]
    public void Amd_server_sums_both_packages()
    {
        using var f = new Fixture(FixtureLayout.AmdServer, new ConstantPower(180));
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(["package-0", "package-1"], s.Domains.Select(d => d.Name).ToArray());
        Assert.Equal(65712.999613, s.WrapJoules!.Value, 6);
        long t0 = Stopwatch.GetTimestamp();
        f.Writer.Advance(t0);
        double before = f.Writer.Total("package");
        var r0 = s.Read();
        f.Writer.Advance(t0 + Stopwatch.Frequency); // one simulated second at 180 W
        var r1 = s.Read();
        double measured = s.Selection.Sum(r1.Joules) - s.Selection.Sum(r0.Joules);
        Assert.Equal(f.Writer.Total("package") - before, measured, 1e-4); // µJ rounding of two counters
        Assert.InRange(measured, 179.9, 180.1);
    }

    [Fact]
    public void Counter_wrap_is_unrolled_with_max_energy_range()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(20), new FixtureWriterOptions(NearWrap: true));
        using var s = PowercapRaplSource.Probe(f.Options());
        // Simulated steps from the writer's own last tick: real time spent creating the fixture must not pass the wrap.
        long t = f.Writer.LastTick;
        var r0 = s.Read();
        for (int i = 1; i <= 10; i++) f.Writer.Advance(t + i * Stopwatch.Frequency / 10); // 1 s in 100 ms steps: wraps after ~0.4 s
        var r1 = s.Read();
        Assert.True(r1.Raw[0] < r0.Raw[0], $"the raw counter should have wrapped ({r0.Raw[0]} → {r1.Raw[0]})");
        Assert.Equal(20.0, r1.Joules[0] - r0.Joules[0], 1e-5);
    }

    [Fact]
    public void Permission_denied_names_the_exact_chmod_command()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        var denyEnergy = new DenyingFileAccess(p => p.EndsWith("energy_uj", StringComparison.Ordinal));
        using var s = PowercapRaplSource.Probe(f.Options(new EnergyOptions(FileAccess: denyEnergy)));
        Assert.Equal(SourceState.PermissionDenied, s.State);
        string file = f.Path("/sys/class/powercap/intel-rapl:0/energy_uj");
        Assert.Contains($"`sudo chmod o+r {file}`", s.Reason);
        Assert.Contains("udev", s.Reason);
        Assert.Throws<IO.EnergySourceException>(() => s.Read());
    }

    [Fact]
    public void Permission_denied_by_file_mode_when_not_root()
    {
        if (IO.HostFacts.IsRoot()) Assert.Skip("running as root: root ignores file modes (covered by the injected-denial test)");
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        File.SetUnixFileMode(f.Path("/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj"), UnixFileMode.None);
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.PermissionDenied, s.State);
        Assert.Contains("sudo chmod o+r", s.Reason);
    }

    [Theory]
    [InlineData("garbage\n", "'garbage'")]
    [InlineData("\n", "''")]
    [InlineData("999999999999999\n", "within max_energy_range_uj")]
    [InlineData("-5\n", "within max_energy_range_uj")]
    public void Garbage_in_energy_uj_is_malformed_with_the_content_shown(string content, string expected)
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        f.Write("/sys/class/powercap/intel-rapl:0/energy_uj", content);
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Malformed, s.State);
        Assert.Contains(expected, s.Reason);
    }

    [Fact]
    public void Missing_range_is_malformed_because_wrap_could_not_be_unrolled()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        File.Delete(f.Path("/sys/class/powercap/intel-rapl:0/max_energy_range_uj"));
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Malformed, s.State);
        Assert.Contains("max_energy_range_uj is missing", s.Reason);
    }

    [Fact]
    public void Garbage_appearing_mid_run_fails_the_read()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using var s = PowercapRaplSource.Probe(f.Options());
        s.Read();
        f.Write("/sys/class/powercap/intel-rapl:0/energy_uj", "0x1f\n");
        var e = Assert.Throws<IO.EnergySourceException>(() => s.Read());
        Assert.Equal(SourceState.Malformed, e.State);
    }

    [Fact]
    public void Torn_rewrite_with_leftover_digits_parses_the_first_line()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using var s = PowercapRaplSource.Probe(f.Options());
        // A shorter value written over a longer one, before the truncate: "5000\n" + leftovers.
        f.Write("/sys/class/powercap/intel-rapl:0/energy_uj", "5000\n43328000\n");
        Assert.Equal(5000, s.Read().Raw[0]);
    }

    [Fact]
    public void Empty_powercap_class_says_the_driver_is_not_loaded()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Sub("sys/class/powercap"));
        File.WriteAllText(dir.Sub("proc-cpuinfo"), "");
        Directory.CreateDirectory(dir.Sub("proc"));
        File.WriteAllText(dir.Sub("proc/cpuinfo"), "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 hypervisor avx2\n");
        using var s = PowercapRaplSource.Probe(new EnergyOptions(dir.Path));
        Assert.Equal(SourceState.Absent, s.State);
        Assert.Contains("modprobe intel_rapl_msr", s.Reason);
        Assert.Contains("virtual machine", s.Reason);
    }

    [Fact]
    public void Amd_core_zone_is_refused_because_it_holds_only_the_first_cpus_core()
    {
        // On AMD the kernel reads a package's core zone through the package's lead CPU: the per-core counter of that
        // one core, while the benchmark runs pinned elsewhere. --domain core must not attribute it.
        using var f = new Fixture(FixtureLayout.AmdServer, new ConstantPower(180));
        using var s = PowercapRaplSource.Probe(f.Options(new EnergyOptions(Domain: "core")));
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal("package", s.Selection.Name);
        Assert.Equal(["package-0", "package-1"], s.Domains.Select(d => d.Name).ToArray());
        Assert.Contains("core", s.Selection.Why);
        Assert.Contains(s.FoundDomains, d => d.Contains("intel-rapl:0:0") && d.Contains("one core"));
    }

    [Fact]
    public void Xeon6_tpmi_zones_are_matched_and_summed()
    {
        using var f = new Fixture(FixtureLayout.Xeon6Server, new ConstantPower(300));
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(["package-0", "package-1"], s.Domains.Select(d => d.Name).ToArray());
        Assert.All(s.Domains, d => Assert.Contains("intel-rapl-tpmi:", d.Path));
        long t0 = Stopwatch.GetTimestamp();
        f.Writer.Advance(t0);
        double before = f.Writer.Total("package");
        var r0 = s.Read();
        f.Writer.Advance(t0 + Stopwatch.Frequency);
        var r1 = s.Read();
        Assert.Equal(f.Writer.Total("package") - before, s.Selection.Sum(r1.Joules) - s.Selection.Sum(r0.Joules), 1e-4);
    }

    [Fact]
    public void Tpmi_zone_repeating_an_msr_package_is_skipped()
    {
        using var f = new Fixture(FixtureLayout.Xeon6Server, new ConstantPower(300));
        // The MSR interface's zone for package 0 beside TPMI's: the same counter, reached twice.
        string msrZone = f.Path("/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0");
        Directory.CreateDirectory(msrZone);
        File.WriteAllText(Path.Combine(msrZone, "name"), "package-0\n");
        File.WriteAllText(Path.Combine(msrZone, "energy_uj"), "5000\n");
        File.WriteAllText(Path.Combine(msrZone, "max_energy_range_uj"), "262143328850\n");
        File.CreateSymbolicLink(f.Path("/sys/class/powercap/intel-rapl:0"), "../../devices/virtual/powercap/intel-rapl/intel-rapl:0");
        using var s = PowercapRaplSource.Probe(f.Options());
        Assert.Equal(["intel-rapl:0/energy_uj", "intel-rapl-tpmi:1/energy_uj"],
            s.Domains.Select(d => string.Join('/', d.Path.Split('/')[^2..])).ToArray());
        Assert.Contains(s.FoundDomains, d => d.Contains("intel-rapl-tpmi:0") && d.Contains("duplicate"));
    }
}
