using System.Diagnostics;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.PerfPmu;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class PerfPmuTests(ITestOutputHelper output)
{
    [Fact]
    public void Discovery_reads_type_cpumask_events_and_their_scale_as_the_kernel_lays_them_out()
    {
        using var f = new Fixture(FixtureLayout.PerfPmu);
        // /sys/bus/event_source/devices/power is a link to /sys/devices/power, as on a real kernel.
        Assert.Equal("../../../devices/power", new FileInfo(f.Path("/sys/bus/event_source/devices/power")).LinkTarget);
        var pmu = PerfPowerPmu.Read(f.Options());
        Assert.Equal(19, pmu.Type);
        Assert.Equal([(0, 0)], pmu.Readers);
        Assert.Equal(["energy-cores", "energy-gpu", "energy-pkg", "energy-psys", "energy-ram"], pmu.Events.Select(e => e.Name).ToArray());
        var pkg = pmu.Events.Single(e => e.Name == "energy-pkg");
        Assert.Equal(0x02UL, pkg.Config);
        Assert.Equal(DomainRole.Package, pkg.Role);
        Assert.Equal(Math.Pow(2, -32), pkg.JoulesPerCount); // 2.3283064365386962890625e-10 exactly
        Assert.Equal(0x05UL, pmu.Events.Single(e => e.Name == "energy-psys").Config);
    }

    [Theory]
    [InlineData("event=0x02", "config:0-7", 0x02UL)]
    [InlineData("event=0x05", "config:0-7", 0x05UL)]
    [InlineData("event=2", "config:0-7", 0x02UL)]
    [InlineData("event=0x1", "config:8-15", 0x100UL)]
    [InlineData("event=0x1", "config:4", 0x10UL)]
    public void Event_terms_are_placed_into_the_config_bits_the_format_names(string term, string format, ulong config) =>
        Assert.Equal(config, PerfPowerPmu.EncodeConfig(term, format));

    [Theory]
    [InlineData("event=0x100", "config:0-7")] // does not fit 8 bits
    [InlineData("event=0x3", "config:4")]     // nor 2 bits in one
    [InlineData("umask=0x02", "config:0-7")]
    [InlineData("event=0x02", "config1:0-7")]
    [InlineData("event=zz", "config:0-7")]
    public void Event_terms_that_do_not_fit_are_rejected(string term, string format) =>
        Assert.Null(PerfPowerPmu.EncodeConfig(term, format));

    [Fact]
    public void Cpu_lists_parse_like_the_kernels()
    {
        Assert.Equal([0], PerfPowerPmu.ParseCpuList("0\n")!);
        Assert.Equal([0, 28], PerfPowerPmu.ParseCpuList("0,28")!);
        Assert.Equal([0, 1, 4], PerfPowerPmu.ParseCpuList("0-1,4")!);
        Assert.Null(PerfPowerPmu.ParseCpuList("3-1"));
        Assert.Null(PerfPowerPmu.ParseCpuList("x"));
    }

    [Fact]
    public void Counts_are_scaled_to_joules_and_the_package_is_read_without_what_it_contains()
    {
        using var f = new Fixture(FixtureLayout.PerfPmu, new ConstantPower(20));
        using var s = PerfPowerSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal("package-0", Assert.Single(s.Domains).Name);
        Assert.Contains("energy-cores and energy-gpu are inside it", s.Selection.Why);
        Assert.Contains("perf_event_paranoid 2", s.Reason);
        Assert.StartsWith("2.32831E-10 J per count", s.Unit);
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        var r0 = s.Read();
        f.Writer.Advance(t + 3 * Stopwatch.Frequency); // 3 s at 20 W
        var r1 = s.Read();
        Assert.Equal(60, r1.Joules[0] - r0.Joules[0], 1e-6);
        Assert.Equal((r1.Raw[0] - r0.Raw[0]) * Math.Pow(2, -32), r1.Joules[0] - r0.Joules[0], 1e-9);
    }

    [Theory]
    [InlineData("package+dram", new[] { "package-0", "dram-0" })]
    [InlineData("core", new[] { "package-0/core" })]
    [InlineData("psys", new[] { "psys" })]
    public void Domains_follow_the_containment_of_rapl(string domain, string[] names)
    {
        using var f = new Fixture(FixtureLayout.PerfPmu);
        using var s = PerfPowerSource.Probe(f.Options(new EnergyOptions(Domain: domain)));
        Assert.Equal(names, s.Domains.Select(d => d.Name).ToArray());
        Assert.Equal(domain, s.Selection.Name);
    }

    [Fact]
    public void A_refused_perf_event_open_is_permission_denied_with_the_paranoia_level_and_the_grant()
    {
        using var f = new Fixture(FixtureLayout.PerfPmu);
        var denying = new DenyingFileAccess(p => p.Contains("foldbench-sim/perf_event", StringComparison.Ordinal));
        using var s = PerfPowerSource.Probe(f.Options(new EnergyOptions(FileAccess: denying)));
        Assert.Equal(SourceState.PermissionDenied, s.State);
        Assert.Contains("EACCES", s.Reason);
        Assert.Contains("perf_event_paranoid ≤ 0 (it is 2)", s.Reason);
        Assert.Contains("sudo sysctl -w kernel.perf_event_paranoid=0", s.Reason);
        Assert.Contains("cap_perfmon=ep", s.Reason);
    }

    [Fact]
    public void A_unit_other_than_joules_is_malformed()
    {
        using var f = new Fixture(FixtureLayout.PerfPmu);
        f.Write("/sys/devices/power/events/energy-pkg.unit", "Watts\n");
        using var s = PerfPowerSource.Probe(f.Options());
        Assert.Equal(SourceState.Malformed, s.State);
        Assert.Contains("energy-pkg.unit holds 'Watts' (expected Joules)", s.Reason);
    }

    [Fact]
    public void Without_the_pmu_the_source_is_absent_and_says_which_kernels_have_it()
    {
        using var dir = new TempDir();
        using var s = PerfPowerSource.Probe(new EnergyOptions(dir.Path));
        Assert.Equal(SourceState.Absent, s.State);
        Assert.Contains("AMD family 17h+ since 5.8", s.Reason);
    }

    /// <summary>
    /// The syscall reader itself, on any Linux host: the same perf_event_attr, system-wide open on CPU 0 and read(2),
    /// applied to the software cpu-clock event (type 1, config 0), whose count (ns) must grow. Skipped with the
    /// kernel's answer where the paranoia level forbids CPU-wide events to this user.
    /// </summary>
    [Fact]
    public void The_syscall_reader_opens_and_reads_a_cpu_wide_counter()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("perf_event_open is Linux-only");
        IPerfCounter counter;
        try
        {
            counter = PerfEventSyscalls.Instance.Open(1, new PerfPowerEvent("cpu-clock", DomainRole.Meter, 0, 1e-9), 0);
        }
        catch (FoldBench.Energy.IO.EnergySourceException e)
        {
            Assert.Skip($"perf_event_open is {e.State.ToName()} here: {e.Message}");
            return;
        }
        using (counter)
        {
            ulong a = counter.Read();
            Until.Holds(() => counter.Read() > a, "the cpu-clock count growing");
            output.WriteLine($"{counter.Path}: {a} then {counter.Read()} ns");
        }
    }

    /// <summary>The real perf_event_open on this machine: read for real where the PMU exists and may be opened, skipped with the reason otherwise.</summary>
    [Fact]
    public void The_real_reader_counts_where_the_pmu_exists()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("perf_event_open is Linux-only");
        using var s = PerfPowerSource.Probe(new EnergyOptions());
        output.WriteLine($"perf-rapl on this host: {s.State.ToName()}: {s.Reason}");
        if (s.State != SourceState.Usable) Assert.Skip($"perf-rapl is {s.State.ToName()} here: {s.Reason}");
        var r0 = s.Read();
        Thread.Sleep(200); // a CPU package draws power whatever this thread does; let the counter advance
        var r1 = s.Read();
        Assert.All(Enumerable.Range(0, r1.Raw.Length), i => Assert.True((ulong)r1.Raw[i] >= (ulong)r0.Raw[i]));
        Assert.True(s.Selection.Sum(r1.Joules) > s.Selection.Sum(r0.Joules), "the package counter did not advance in 200 ms");
    }
}
