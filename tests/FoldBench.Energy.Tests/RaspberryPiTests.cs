using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.RaspberryPi;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class RaspberryPiTests
{
    // The shape of a Pi 5's output as published (currents first, then voltages; names right-aligned), abridged.
    private const string Recorded =
        "   3V7_WL_SW_A current(0)=0.00390372A\n" +
        "     3V3_SYS_A current(1)=0.05562936A\n" +
        "    VDD_CORE_A current(7)=0.70668000A\n" +
        "   3V7_WL_SW_V volt(8)=3.74694000V\n" +
        "     3V3_SYS_V volt(9)=3.30954000V\n" +
        "    VDD_CORE_V volt(15)=0.72021000V\n" +
        "       EXT5V_V volt(24)=5.16488000V\n" +
        "        BATT_V volt(25)=0.00000000V\n";

    [Fact]
    public void Pmic_output_pairs_each_rails_current_with_its_voltage()
    {
        var rails = PmicReadout.Parse(Recorded, out var voltageOnly);
        Assert.Equal(["3V7_WL_SW", "3V3_SYS", "VDD_CORE"], rails.Select(r => r.Name).ToArray());
        Assert.Equal(0.70668 * 0.72021, rails[2].Watts, 12);
        Assert.Equal(["EXT5V", "BATT"], voltageOnly.ToArray());
    }

    [Fact]
    public void The_voltage_spelling_some_firmware_prints_is_read_too()
    {
        var rails = PmicReadout.Parse("VDD_CORE_A current(7)=1.0A\nVDD_CORE_V voltage(15)=0.8V\n", out _);
        Assert.Equal(0.8, Assert.Single(rails).Watts, 12);
        Assert.Empty(PmicReadout.Parse("error=1 error_msg=\"Command not registered\"\n", out _));
    }

    [Fact]
    public void A_pi5_reads_its_rails_through_vcgencmd_and_their_sum_is_the_selection()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("the simulated vcgencmd is a shell script");
        using var f = new Fixture(FixtureLayout.RaspberryPi5, new ConstantPower(4));
        using var s = PiPmicSource.Probe(f.Options());
        Assert.True(s.State == SourceState.Usable, s.Reason);
        Assert.Equal(12, s.Domains.Count);
        Assert.Contains(s.FoundDomains, d => d.StartsWith("EXT5V_V (a voltage only"));
        Assert.Equal("rails", s.Selection.Name);
        Assert.Contains("Raspberry Pi 5 Model B Rev 1.0", s.Reason);
        Assert.Contains("undocumented", s.Reason);
        // Every rail's share at 4 W: 0.77 × 4 + 1.6174 W in all, to the 8 printed decimals of each current.
        var r = s.Read();
        Assert.Equal(0.77 * 4 + 1.6174, r.Raw.Sum() * 1e-6, 1e-4);
    }

    [Theory]
    [InlineData("Raspberry Pi 4 Model B Rev 1.4")]
    [InlineData("Raspberry Pi 3 Model B Plus Rev 1.3")]
    public void Earlier_pis_have_no_counter_and_are_pointed_at_a_meter_trace(string model)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "sys/firmware/devicetree/base/model");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, model + "\0");
        using var s = PiPmicSource.Probe(new EnergyOptions(dir.Path));
        Assert.Equal(SourceState.Absent, s.State);
        Assert.Contains($"{model} has no power counter", s.Reason);
        Assert.Contains("--trace", s.Reason);
    }

    [Fact]
    public void Without_the_video_group_the_mailbox_is_permission_denied_and_the_group_is_named()
    {
        using var f = new Fixture(FixtureLayout.RaspberryPi5);
        var denying = new DenyingFileAccess(p => p.EndsWith("/dev/vcio", StringComparison.Ordinal));
        using var s = PiPmicSource.Probe(f.Options(new EnergyOptions(FileAccess: denying)));
        Assert.Equal(SourceState.PermissionDenied, s.State);
        Assert.Contains("usermod -aG video", s.Reason);
        Assert.Contains("no root", s.Reason);
    }

    [Fact]
    public void Not_a_pi_is_absent()
    {
        using var f = new Fixture(FixtureLayout.JetsonOrin);
        using var s = PiPmicSource.Probe(f.Options());
        Assert.Equal(SourceState.Absent, s.State);
        Assert.Contains("not a Raspberry Pi (device-tree model 'NVIDIA Jetson Orin Nano Developer Kit')", s.Reason);
    }
}
