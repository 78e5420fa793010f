using FoldBench.Energy.Simulation;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

/// <summary>The fixture writer lays out exactly the trees its layout files (src/FoldBench.Energy/Simulation/Layouts/*.tree) describe, and they carry the facts of real kernels' layouts.</summary>
public class FixtureLayoutTests
{
    [Theory]
    [InlineData("intel-laptop", false)]
    [InlineData("amd-server", false)]
    [InlineData("laptop-battery", false)]
    [InlineData("laptop-battery", true)]
    [InlineData("phone-battery", false)]
    [InlineData("phone-battery", true)]
    [InlineData("xeon6-server", false)]
    public void Writer_lays_out_exactly_the_layout_files_tree(string layout, bool charging)
    {
        using var dir = new TempDir();
        string root = dir.Sub("root");
        using (FixtureWriter.Create(root, FixtureWriter.LayoutNames[layout], new ConstantPower(0), new FixtureWriterOptions(Charging: charging, KeepLedger: false))) { }
        Assert.Equal(LayoutFile.Load(layout, charging).Manifest(), FixtureManifest.Describe(root));
    }

    [Theory]
    [InlineData("laptop-battery", "sys/class/power_supply/BAT0/status", "Discharging", "Charging")]
    [InlineData("phone-battery", "sys/class/power_supply/usb/online", "0", "1")]
    public void Layout_files_variants_differ_where_charging_shows(string layout, string path, string discharging, string charging)
    {
        using var dir = new TempDir();
        foreach (var (on, expected) in new[] { (false, discharging), (true, charging) })
        {
            string root = dir.Sub(on ? "on" : "off");
            using (FixtureWriter.Create(root, FixtureWriter.LayoutNames[layout], new ConstantPower(0), new FixtureWriterOptions(Charging: on, KeepLedger: false))) { }
            Assert.Equal(expected, File.ReadAllText(Path.Combine(root, path)).Trim());
        }
    }

    [Fact]
    public void Every_layout_name_has_a_layout_file()
    {
        foreach (var name in FixtureWriter.LayoutNames.Keys)
            Assert.NotEmpty(LayoutFile.Load(name).Entries);
    }

    [Fact]
    public void Materialized_committed_tree_describes_back_to_the_same_manifest()
    {
        using var dir = new TempDir();
        string root = FixtureManifest.MaterializeCommitted("intel-laptop", dir.Sub("root"));
        Assert.Equal(LayoutFile.Load("intel-laptop").Manifest(), FixtureManifest.Describe(root));
    }

    [Fact]
    public void Intel_laptop_has_the_kernel_layout_facts_readers_depend_on()
    {
        using var dir = new TempDir();
        string root = dir.Sub("root");
        using var w = FixtureWriter.Create(root, FixtureLayout.IntelLaptop, new ConstantPower(5), new FixtureWriterOptions(KeepLedger: false));
        string cls = Path.Combine(root, "sys/class/powercap");
        // /sys/class/powercap entries are relative symlinks into /sys/devices/virtual/powercap.
        var link = new FileInfo(Path.Combine(cls, "intel-rapl:0:2"));
        Assert.Equal("../../devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:2", link.LinkTarget);
        Assert.Equal("dram", File.ReadAllText(Path.Combine(cls, "intel-rapl:0:2", "name")).Trim());
        Assert.Equal("psys", File.ReadAllText(Path.Combine(cls, "intel-rapl:1", "name")).Trim());
        Assert.Equal("package-0", File.ReadAllText(Path.Combine(cls, "intel-rapl-mmio:0", "name")).Trim());
        Assert.Equal("262143328850\n", File.ReadAllText(Path.Combine(cls, "intel-rapl:0", "max_energy_range_uj")));
        Assert.True(File.Exists(Path.Combine(cls, "intel-rapl:0", "constraint_0_power_limit_uw")));
        // energy_uj is root-only (0400) since Linux 5.10.
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(cls, "intel-rapl:0", "energy_uj")));
        // MSR images: 8 little-endian bytes at offset = register address.
        using var msr = File.OpenHandle(Path.Combine(root, "dev/cpu/2/msr"));
        var unit = new byte[8];
        RandomAccess.Read(msr, unit, 0x606);
        Assert.Equal(14UL, (BitConverter.ToUInt64(unit) >> 8) & 0x1F);
    }

    [Fact]
    public void Amd_server_msr_images_hold_the_package_counter_at_its_register_in_every_cpu_of_the_package()
    {
        using var dir = new TempDir();
        string root = dir.Sub("root");
        using var w = FixtureWriter.Create(root, FixtureLayout.AmdServer, new ConstantPower(100), new FixtureWriterOptions(KeepLedger: false));
        ulong Read(int cpu, uint register)
        {
            using var h = File.OpenHandle(Path.Combine(root, $"dev/cpu/{cpu}/msr"));
            var b = new byte[8];
            Assert.Equal(8, RandomAccess.Read(h, b, register));
            return BitConverter.ToUInt64(b);
        }
        Assert.Equal(Read(0, 0xC001029B), Read(3, 0xC001029B));
        Assert.NotEqual(Read(0, 0xC001029B), Read(4, 0xC001029B)); // the other socket has its own counter
        Assert.Equal(16UL, (Read(5, 0xC0010299) >> 8) & 0x1F);
        Assert.Equal("1", File.ReadAllText(Path.Combine(root, "sys/devices/system/cpu/cpu6/topology/physical_package_id")).Trim());
    }

    [Fact]
    public void Power_model_specs_parse_and_reject_bad_input()
    {
        Assert.Equal(7.5, PowerModels.Parse("constant:7.5").Watts(0));
        var p = Assert.IsType<ProcStatPower>(PowerModels.Parse("procstat:3,8"));
        Assert.Equal(3, p.IdleWatts);
        Assert.Equal(8, p.WattsPerBusyCore);
        Assert.Throws<ArgumentException>(() => PowerModels.Parse("constant:-1"));
        Assert.Throws<ArgumentException>(() => PowerModels.Parse("procstat:3"));
        Assert.Throws<ArgumentException>(() => PowerModels.Parse("sine:3"));
    }

    [Fact]
    public void Procstat_model_reports_idle_plus_busy_cores_from_the_real_proc_stat()
    {
        if (!File.Exists("/proc/stat")) Assert.Skip("no /proc/stat on this OS");
        var model = new ProcStatPower(2, 10);
        model.Watts(System.Diagnostics.Stopwatch.GetTimestamp());
        // Keep this thread busy for 120 ms so at least one core's worth of jiffies is counted.
        long end = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency / 8;
        double x = 1;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < end) x = x * 1.0000001 + 1e-9;
        GC.KeepAlive(x);
        double w = model.Watts(System.Diagnostics.Stopwatch.GetTimestamp());
        Assert.InRange(w, 2 + 10 * 0.5, 2 + 10 * Environment.ProcessorCount);
    }
}
