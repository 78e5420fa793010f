using System.Diagnostics;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Msr;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class MsrTests
{
    [Fact]
    public void Energy_unit_comes_from_bits_12_to_8()
    {
        Assert.Equal(Math.Pow(2, -14), MsrRegisters.EnergyUnitJoules(0x000A0E03));
        Assert.Equal(Math.Pow(2, -16), MsrRegisters.EnergyUnitJoules(0x000A1003));
    }

    [Fact]
    public void Intel_reads_the_package_register_through_one_cpu_per_package()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(12));
        using var s = MsrRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        var d = Assert.Single(s.Domains);
        Assert.Equal("package-0", d.Name);
        Assert.EndsWith("dev/cpu/0/msr@0x611", d.Path);
        Assert.Equal(Math.Pow(2, -14), s.ResolutionJoules);
        Assert.Contains(s.FoundDomains, x => x.StartsWith("dram-0"));
        AssertTracksInjected(f, s, "package", 12);
    }

    [Fact]
    public void A_closed_source_still_describes_its_counters()
    {
        // Discovery closes usable sources it did not choose; `foldbench sensors` still describes them.
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(12));
        var s = MsrRaplSource.Probe(f.Options());
        s.Dispose();
        Assert.Equal(Math.Pow(2, -14) * (1UL << 32), s.WrapJoules!.Value, 6);
        Assert.Equal(Math.Pow(2, -14), s.ResolutionJoules);
    }

    [Fact]
    public void Haswell_ep_dram_uses_the_fixed_15_3_microjoule_unit()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(30));
        // Turn the fixture into a Haswell-EP (family 6, model 63): its DRAM counter then counts 15.3 µJ, not 2^-14 J.
        File.WriteAllText(f.Path("/proc/cpuinfo"), File.ReadAllText(f.Path("/proc/cpuinfo")).Replace("model\t\t: 140", "model\t\t: 63"));
        using var s = MsrRaplSource.Probe(f.Options(new EnergyOptions(Domain: "package+dram")));
        Assert.Equal(["package-0", "dram-0"], s.Domains.Select(d => d.Name).ToArray());
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        var r0 = s.Read();
        f.Writer.Advance(t + Stopwatch.Frequency);
        var r1 = s.Read();
        // The fixture's DRAM counter counts 2^-14 J units; read with the 15.3 µJ unit it is 15.3e-6 / 2^-14 of the truth.
        double dramCounts = (r1.Raw[1] - r0.Raw[1] + (1L << 32)) % (1L << 32);
        Assert.Equal(dramCounts * 15.3e-6, r1.Joules[1] - r0.Joules[1], 1e-9);
    }

    [Fact]
    public void Amd_reads_package_registers_of_both_sockets_with_the_amd_unit()
    {
        using var f = new Fixture(FixtureLayout.AmdServer, new ConstantPower(200));
        using var s = MsrRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(["package-0", "package-1"], s.Domains.Select(d => d.Name).ToArray());
        Assert.EndsWith("dev/cpu/0/msr@0xC001029B", s.Domains[0].Path);
        Assert.EndsWith("dev/cpu/4/msr@0xC001029B", s.Domains[1].Path);
        Assert.Equal(2 * Math.Pow(2, -16), s.ResolutionJoules); // one count of each of the two package counters
        AssertTracksInjected(f, s, "package", 200);
    }

    [Fact]
    public void Thirty_two_bit_counters_wrap_and_are_unrolled()
    {
        using var f = new Fixture(FixtureLayout.AmdServer, new ConstantPower(200), new FixtureWriterOptions(NearWrap: true));
        using var s = MsrRaplSource.Probe(f.Options());
        // Simulated steps from the writer's own last tick: real time spent creating the fixture must not pass the wrap.
        long t = f.Writer.LastTick;
        var r0 = s.Read();
        for (int i = 1; i <= 10; i++) f.Writer.Advance(t + i * Stopwatch.Frequency / 10);
        var r1 = s.Read();
        Assert.True(r1.Raw[0] < r0.Raw[0], "package-0's 32-bit counter should have wrapped");
        Assert.Equal(200.0, s.Selection.Sum(r1.Joules) - s.Selection.Sum(r0.Joules), 2 * 2 * Math.Pow(2, -16));
    }

    [Fact]
    public void Missing_msr_node_says_load_the_driver()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        foreach (var dir in Directory.GetDirectories(f.Path("/dev/cpu"))) File.Delete(Path.Combine(dir, "msr"));
        using var s = MsrRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Absent, s.State);
        Assert.Contains("modprobe msr", s.Reason);
    }

    [Fact]
    public void Permission_denied_names_chmod_and_setcap()
    {
        using var f = new Fixture(FixtureLayout.AmdServer);
        using var s = MsrRaplSource.Probe(f.Options(new EnergyOptions(FileAccess: new DenyingFileAccess(p => p.EndsWith("/msr", StringComparison.Ordinal)))));
        Assert.Equal(SourceState.PermissionDenied, s.State);
        Assert.Contains($"sudo chmod o+r {f.Path("/dev/cpu/0/msr")} {f.Path("/dev/cpu/4/msr")}", s.Reason);
        Assert.Contains("setcap cap_sys_rawio=ep", s.Reason);
    }

    [Fact]
    public void Arm_cpu_has_no_rapl_msrs()
    {
        using var f = new Fixture(FixtureLayout.PhoneBattery);
        using var s = MsrRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Absent, s.State);
        Assert.Contains("x86", s.Reason);
    }

    [Fact]
    public void Package_readers_come_from_the_topology_files()
    {
        using var f = new Fixture(FixtureLayout.AmdServer);
        Assert.Equal([(0, 0), (1, 4)], MsrRaplSource.PackageReaders(f.Options()));
    }

    [Fact]
    public void Wrap_unroller_handles_consecutive_wraps()
    {
        var u = new WrapUnroller(1000);
        u.Advance(900);
        Assert.Equal(150, u.Advance(50));   // 900 → 1000 ≡ 0 → 50
        Assert.Equal(1100, u.Advance(0));   // a full lap minus 50
        Assert.Equal(1100, u.Advance(0));
    }

    private static void AssertTracksInjected(Fixture f, IEnergySource s, string channel, double watts)
    {
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        double before = f.Writer.Total(channel);
        var r0 = s.Read();
        f.Writer.Advance(t + Stopwatch.Frequency / 2);
        var r1 = s.Read();
        double injected = f.Writer.Total(channel) - before;
        Assert.Equal(watts / 2, injected, 1e-9);
        // Each counter quantizes to one unit, at each end.
        Assert.Equal(injected, s.Selection.Sum(r1.Joules) - s.Selection.Sum(r0.Joules), 2 * s.ResolutionJoules);
    }

    [Theory]
    [InlineData(0x37)] // Silvermont (Bay Trail)
    [InlineData(0x4A)] // Silvermont (Merrifield)
    [InlineData(0x4C)] // Airmont (Cherry Trail)
    [InlineData(0x5A)] // Airmont (Moorefield)
    public void Silvermont_and_airmont_atoms_count_in_2_to_the_esu_microjoules(int model)
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(3));
        File.WriteAllText(f.Path("/proc/cpuinfo"), File.ReadAllText(f.Path("/proc/cpuinfo")).Replace("model\t\t: 140", $"model\t\t: {model}"));
        // A Bay Trail's MSR 0x606 reads ESU = 5: one count is 2^5 µJ = 32 µJ (the kernel's rapl_check_unit_atom).
        using (var msr = new FileStream(f.Path("/dev/cpu/0/msr"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            RandomAccess.Write(msr.SafeFileHandle, BitConverter.GetBytes(0x000A0503UL), 0x606);
        using var s = MsrRaplSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(32e-6, s.ResolutionJoules, 12);
        Assert.Contains("µJ", s.Unit);
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        var r0 = s.Read();
        f.Writer.Advance(t + Stopwatch.Frequency);
        var r1 = s.Read();
        double counts = (r1.Raw[0] - r0.Raw[0] + (1L << 32)) % (1L << 32);
        Assert.True(counts > 0);
        Assert.Equal(counts * 32e-6, r1.Joules[0] - r0.Joules[0], 9);
    }

    [Fact]
    public void The_capability_is_never_advised_for_the_shared_dotnet_host()
    {
        string advice = MsrRaplSource.GrantCommand(["/dev/cpu/0/msr"], "/usr/share/dotnet/dotnet");
        Assert.DoesNotContain("setcap cap_sys_rawio=ep /usr/share/dotnet/dotnet", advice);
        Assert.Contains("PublishSingleFile=true", advice);
        Assert.Contains("setcap cap_sys_rawio=ep ~/foldbench/foldbench", advice);
        // A published single-file foldbench gets the capability itself.
        Assert.Contains("setcap cap_sys_rawio=ep /opt/foldbench/foldbench`", MsrRaplSource.GrantCommand(["/dev/cpu/0/msr"], "/opt/foldbench/foldbench"));
    }
}
