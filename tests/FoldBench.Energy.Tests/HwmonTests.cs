using System.Diagnostics;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Hwmon;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class HwmonTests
{
    private const string Ina = "/sys/devices/platform/bus@0/c240000.i2c/i2c-1/1-0040/hwmon/hwmon1";

    [Theory]
    [InlineData("jetson-orin")]
    [InlineData("amd-apu")]
    [InlineData("epyc-hwmon")]
    [InlineData("perf-pmu")]
    [InlineData("raspberrypi5")]
    public void Writer_lays_out_exactly_the_new_layout_files_tree(string layout)
    {
        using var dir = new TempDir();
        string root = dir.Sub("root");
        using (FixtureWriter.Create(root, FixtureWriter.LayoutNames[layout], new ConstantPower(0), new FixtureWriterOptions(KeepLedger: false))) { }
        Assert.Equal(LayoutFile.Load(layout).Manifest(), FixtureManifest.Describe(root));
    }

    [Fact]
    public void Jetson_reads_VDD_IN_alone_because_it_contains_the_other_rails()
    {
        using var f = new Fixture(FixtureLayout.JetsonOrin, new ConstantPower(6));
        // /sys/class/hwmon entries are relative links into the device tree, named by number; the source goes by name.
        Assert.Equal("../../devices/platform/bus@0/c240000.i2c/i2c-1/1-0040/hwmon/hwmon1", new FileInfo(f.Path("/sys/class/hwmon/hwmon1")).LinkTarget);
        using var s = HwmonSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(SourceKind.PowerSensor, s.Kind);
        Assert.Equal("hwmon1/VDD_IN", Assert.Single(s.Domains).Name);
        Assert.Equal("psys", s.Selection.Name);
        Assert.Contains("contains the other rails (VDD_CPU_GPU_CV, VDD_SOC)", s.Selection.Why);
        Assert.Contains(s.FoundDomains, d => d.StartsWith("hwmon1 ina3221 VDD_SOC (in3)") && d.Contains("inside VDD_IN, skipped"));
        Assert.Contains(s.FoundDomains, d => d.StartsWith("hwmon1 ina3221 VDD_CPU_GPU_CV (in2)") && d.Contains("inside VDD_IN, skipped"));
        // update_interval (ms) is the INA3221's conversion time: 3 channels × 1 sample × 2.2 ms, rounded.
        Assert.Equal(TimeSpan.FromMilliseconds(7), s.UpdatePeriod);
        Assert.Equal(Path.Combine(f.Root, "sys/class/hwmon/hwmon1/curr1_input"), s.Domains[0].Path);
    }

    [Fact]
    public void Ina3221_power_is_bus_millivolts_times_milliamps()
    {
        using var f = new Fixture(FixtureLayout.JetsonOrin, new ConstantPower(6.9));
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        // 6.9 W + 3.1 W idle at 5.056 V: 1977.8 mA, published as whole mA.
        Assert.Equal("1978", f.Read($"{Ina}/curr1_input"));
        using var s = HwmonSource.Probe(f.Options());
        var r0 = s.Read();
        Thread.Sleep(100); // lets wall time pass between the two reads; the check divides by their own interval
        var r1 = s.Read();
        Assert.Equal(1978L * 5056, r1.Raw[0]); // µW
        double seconds = (r1.Timestamp - r0.Timestamp) / (double)Stopwatch.Frequency;
        // The integral's clock is read beside the timestamps, not at the same instant: a preemption between the two on a
        // loaded machine moves the ratio by a few ms in 100 ms, so 1% is the tolerance (0.01 W failed once at load 30).
        Assert.Equal(1978 * 5.056e-3, (r1.Joules[0] - r0.Joules[0]) / seconds, 0.1);
    }

    [Fact]
    public void Amdgpu_power1_average_is_read_in_microwatts_with_a_stated_nominal_period()
    {
        using var f = new Fixture(FixtureLayout.AmdApu, new ConstantPower(11.8));
        using var s = HwmonSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        var d = Assert.Single(s.Domains);
        Assert.Equal("hwmon3/PPT", d.Name);
        Assert.EndsWith("power1_average", d.Path);
        Assert.Equal("package", s.Selection.Name);
        Assert.Equal("µW (power*_average or power*_input)", s.Unit);
        Assert.Equal(HwmonSource.NominalPowerPeriod, s.UpdatePeriod);
        Assert.Contains("documents no update period", s.Reason);
        Assert.Contains(s.FoundDomains, x => x.StartsWith("hwmon3 amdgpu PPT"));
        Assert.DoesNotContain(s.FoundDomains, x => x.Contains("k10temp")); // temperatures only: no channel
        var r0 = s.Read();
        Thread.Sleep(200); // wall time between reads; the check divides by their own interval
        var r1 = s.Read();
        Assert.Equal(15_000_000, r1.Raw[0]);
        // The integral runs on the clock read inside the sample, the timestamp on the one around it: a loaded machine can
        // put some 100 µs between them, hence 0.5 % over 200 ms.
        Assert.Equal(15.0, (r1.Joules[0] - r0.Joules[0]) / ((r1.Timestamp - r0.Timestamp) / (double)Stopwatch.Frequency), 0.075);
    }

    [Fact]
    public void Amd_energy_sums_the_sockets_and_never_adds_their_cores()
    {
        using var f = new Fixture(FixtureLayout.EpycHwmon, new ConstantPower(200));
        using var s = HwmonSource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(SourceKind.EnergyCounter, s.Kind);
        Assert.Equal(["hwmon1/Esocket0", "hwmon1/Esocket1"], s.Domains.Select(d => d.Name).ToArray());
        Assert.Equal("package", s.Selection.Name);
        Assert.Equal(4, s.FoundDomains.Count(d => d.Contains("Ecore") && d.Contains("inside its socket, skipped")));
        Assert.Contains(s.FoundDomains, d => d.StartsWith("hwmon0 power_meter") && d.Contains("not chosen"));
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        var r0 = s.Read();
        f.Writer.Advance(t + 2 * Stopwatch.Frequency); // 2 s at 200 W: 400 J in the sockets, 240 J more in the cores
        var r1 = s.Read();
        Assert.Equal(400, s.Selection.Sum(r1.Joules) - s.Selection.Sum(r0.Joules), 2 * 1e-6 * 2);
    }

    [Fact]
    public void Domain_core_reads_the_core_counters_and_psys_the_acpi_power_meter_from_its_legacy_place()
    {
        using var f = new Fixture(FixtureLayout.EpycHwmon, new ConstantPower(100));
        using (var core = HwmonSource.Probe(f.Options(new EnergyOptions(Domain: "core"))))
        {
            Assert.Equal("core", core.Selection.Name);
            Assert.Equal(4, core.Domains.Count);
            Assert.All(core.Domains, d => Assert.Contains("Ecore", d.Name));
        }
        using var psys = HwmonSource.Probe(f.Options(new EnergyOptions(Domain: "psys")));
        Assert.Equal("psys", psys.Selection.Name);
        var d = Assert.Single(psys.Domains);
        // ACPI power_meter puts its attributes on the ACPI device, not in the bare hwmon folder.
        Assert.Equal(Path.Combine(f.Root, "sys/class/hwmon/hwmon0/device/power1_average"), d.Path);
        Assert.Equal(TimeSpan.FromSeconds(1), psys.UpdatePeriod); // power1_average_interval = 1000 ms
        Assert.Contains("power1_average_interval", psys.Reason);
        Assert.Equal(230_000_000, psys.Read().Raw[0]); // 1.4 × 100 W + 90 W
    }

    [Fact]
    public void Root_only_energy_counters_are_permission_denied_with_the_exact_command()
    {
        using var f = new Fixture(FixtureLayout.EpycHwmon, new ConstantPower(10));
        var denying = new DenyingFileAccess(p => p.Contains("/hwmon1/energy", StringComparison.Ordinal) && p.EndsWith("_input", StringComparison.Ordinal));
        using var s = HwmonSource.Probe(f.Options(new EnergyOptions(FileAccess: denying)));
        Assert.Equal(SourceState.PermissionDenied, s.State);
        Assert.Contains("sudo chmod o+r", s.Reason);
        Assert.Contains("energy5_input", s.Reason);
        Assert.Contains("energy6_input", s.Reason);
        Assert.Contains("99-hwmon-read.rules", s.Reason);
    }

    [Fact]
    public void No_hwmon_class_or_no_power_channel_is_absent_with_the_reason()
    {
        using var dir = new TempDir();
        using (var s = HwmonSource.Probe(new EnergyOptions(dir.Path)))
        {
            Assert.Equal(SourceState.Absent, s.State);
            Assert.Contains("no hwmon class", s.Reason);
        }
        // A machine with temperature sensors only: the devices are named, with what was looked for.
        string h = Path.Combine(dir.Path, "sys/devices/platform/coretemp.0/hwmon/hwmon0");
        Directory.CreateDirectory(h);
        File.WriteAllText(Path.Combine(h, "name"), "coretemp\n");
        File.WriteAllText(Path.Combine(h, "temp1_input"), "41000\n");
        Directory.CreateDirectory(Path.Combine(dir.Path, "sys/class/hwmon"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "sys/class/hwmon/hwmon0"), "../../devices/platform/coretemp.0/hwmon/hwmon0");
        using var t = HwmonSource.Probe(new EnergyOptions(dir.Path));
        Assert.Equal(SourceState.Absent, t.State);
        Assert.Contains("hwmon0 'coretemp'", t.Reason);
        Assert.Contains("energy*_input", t.Reason);
    }

    [Fact]
    public void Ina3221_without_a_labelled_input_sums_its_rails_and_a_disabled_channel_is_skipped()
    {
        using var f = new Fixture(FixtureLayout.JetsonOrin, new ConstantPower(0));
        f.Write($"{Ina}/in1_label", "VDD_GPU\n");
        f.Write($"{Ina}/in3_enable", "0\n");
        using var s = HwmonSource.Probe(f.Options());
        Assert.Equal("rails", s.Selection.Name);
        Assert.Equal(["hwmon1/VDD_GPU", "hwmon1/VDD_CPU_GPU_CV"], s.Domains.Select(d => d.Name).ToArray());
    }

    [Fact]
    public void A_power_reading_that_is_not_a_number_fails_the_read_with_the_file_named()
    {
        using var f = new Fixture(FixtureLayout.AmdApu, new ConstantPower(5));
        using var s = HwmonSource.Probe(f.Options());
        f.Write("/sys/class/hwmon/hwmon3/power1_average", "n/a\n");
        var e = Assert.Throws<FoldBench.Energy.IO.EnergySourceException>(() => s.Read());
        Assert.Contains("power1_average holds 'n/a'", e.Message);
    }

    [Fact]
    public void Sensors_json_lists_the_hwmon_source_with_state_reason_unit_resolution_and_update_period()
    {
        using var f = new Fixture(FixtureLayout.JetsonOrin, new ConstantPower(2));
        using var inventory = EnergyDiscovery.Discover(f.Options());
        var doc = InventoryDocument.From(inventory);
        var hwmon = doc.Sources.Single(s => s.Name == "hwmon");
        Assert.Equal("usable", hwmon.State);
        Assert.True(hwmon.Chosen);
        Assert.Equal("mV × mA (INA3221 in*_input × curr*_input)", hwmon.Unit);
        Assert.Equal(0.007, hwmon.UpdatePeriodSeconds);
        Assert.True(hwmon.ResolutionJoules > 0);
        Assert.Equal("PowerSensor", hwmon.Kind);
        Assert.Contains("\"name\": \"hwmon\"", doc.ToJson());
    }
}
