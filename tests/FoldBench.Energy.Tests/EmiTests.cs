using System.Text;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Windows;

namespace FoldBench.Energy.Tests;

public class EmiTests
{
    [Fact]
    public void Off_windows_the_source_says_unsupported_os()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("this checks the non-Windows answer");
        using var s = EmiSource.Probe(new EnergyOptions());
        Assert.Equal(SourceState.UnsupportedOs, s.State);
        Assert.Contains("Windows", s.Reason);
    }

    [Fact]
    public void Ioctl_codes_match_ctl_code()
    {
        Assert.Equal(0x224000u, EmiBuffers.IoctlGetVersion);
        Assert.Equal(0x224004u, EmiBuffers.IoctlGetMetadataSize);
        Assert.Equal(0x224008u, EmiBuffers.IoctlGetMetadata);
        Assert.Equal(0x22400Cu, EmiBuffers.IoctlGetMeasurement);
    }

    [Fact]
    public void V2_metadata_lists_packed_channels()
    {
        var b = new List<byte>();
        b.AddRange(Fixed("INTEL"));
        b.AddRange(Fixed("RAPL"));
        b.AddRange(BitConverter.GetBytes((ushort)3));  // revision
        b.AddRange(BitConverter.GetBytes((ushort)3));  // channel count
        foreach (var name in new[] { "RAPL_Package0_PKG", "RAPL_Package0_PP0", "RAPL_Package0_DRAM" })
        {
            var n = Encoding.Unicode.GetBytes(name);
            b.AddRange(BitConverter.GetBytes(0));      // EmiMeasurementUnitPicowattHours
            b.AddRange(BitConverter.GetBytes((ushort)n.Length));
            b.AddRange(n);
        }
        var m = EmiBuffers.ParseMetadata(2, b.ToArray());
        Assert.Equal("INTEL", m.Oem);
        Assert.Equal("RAPL", m.Model);
        Assert.Equal(3, m.Revision);
        Assert.Equal(["RAPL_Package0_PKG", "RAPL_Package0_PP0", "RAPL_Package0_DRAM"], m.Channels);
        var choice = EmiBuffers.ChooseAcross([m.Channels]);
        Assert.Equal([(0, 0)], choice.Channels);
        Assert.Equal("package", choice.Name);
    }

    [Fact]
    public void V1_metadata_has_one_channel()
    {
        var b = new List<byte>();
        b.AddRange(BitConverter.GetBytes(0));
        b.AddRange(Fixed("QCOM"));
        b.AddRange(Fixed("PMIC"));
        b.AddRange(BitConverter.GetBytes((ushort)1));
        var n = Encoding.Unicode.GetBytes("SYS");
        b.AddRange(BitConverter.GetBytes((ushort)n.Length));
        b.AddRange(n);
        var m = EmiBuffers.ParseMetadata(1, b.ToArray());
        Assert.Equal(["SYS"], m.Channels);
        Assert.Equal("QCOM", m.Oem);
    }

    [Fact]
    public void Truncated_metadata_and_unknown_versions_are_rejected()
    {
        Assert.Throws<FormatException>(() => EmiBuffers.ParseMetadata(2, new byte[40]));
        Assert.Throws<FormatException>(() => EmiBuffers.ParseMetadata(3, new byte[200]));
    }

    [Fact]
    public void Measurements_are_picowatt_hours_and_100ns_per_channel()
    {
        var b = new byte[32];
        BitConverter.GetBytes(1_000_000_000UL).CopyTo(b, 0);  // 1 mWh = 3.6 J
        BitConverter.GetBytes(42UL).CopyTo(b, 8);
        BitConverter.GetBytes(7UL).CopyTo(b, 16);
        var m = EmiBuffers.ParseMeasurement(2, b);
        Assert.Equal(3.6, m[0].EnergyPwh * EmiBuffers.JoulesPerPicowattHour, 12);
        Assert.Equal(42UL, m[0].Time100ns);
        Assert.Equal(7UL, m[1].EnergyPwh);
    }

    [Fact]
    public void Overlapping_channels_without_a_package_are_never_summed()
    {
        Assert.Equal([(0, 1)], EmiBuffers.ChooseAcross([["CPU_CLUSTER_0", "SYS_TOTAL", "GPU"]]).Channels);
        Assert.Equal([(0, 0), (0, 2)], EmiBuffers.ChooseAcross([["RAPL_Package0_PKG", "RAPL_Package0_PP0", "RAPL_Package1_PKG"]]).Channels);
        Assert.Equal([(0, 0)], EmiBuffers.ChooseAcross([["VDD_CPU"]]).Channels); // a single channel is the meter
    }

    [Fact]
    public void A_package_metered_by_two_devices_counts_once_and_a_system_meter_is_not_added()
    {
        // The Intel energy meter driver's RAPL device, plus a platform provider that repeats the package beside its
        // system rail: adding every device's chosen channels counted the package twice.
        var choice = EmiBuffers.ChooseAcross([
            ["RAPL_Package0_PKG", "RAPL_Package0_PP0", "RAPL_Package0_DRAM"],
            ["RAPL_Package0_PKG", "SYS_TOTAL"],
        ]);
        Assert.Null(choice.Refusal);
        Assert.Equal([(0, 0)], choice.Channels);
        Assert.Equal("package", choice.Name);
        Assert.Contains("1 channel(s) repeating a package", choice.Why);
        // Two sockets metered by two devices: one package channel each.
        Assert.Equal([(0, 0), (1, 0)], EmiBuffers.ChooseAcross([["RAPL_Package0_PKG"], ["RAPL_Package1_PKG", "RAPL_Package0_PKG"]]).Channels);
    }

    [Fact]
    public void Unknown_channel_names_are_refused_not_guessed()
    {
        var choice = EmiBuffers.ChooseAcross([["CPU", "GPU"]]);
        Assert.Empty(choice.Channels);
        Assert.Contains("does not guess", choice.Refusal);
        Assert.Contains("'CPU'", choice.Refusal);
        Assert.NotNull(EmiBuffers.ChooseAcross([["VDD_CPU"], ["VDD_GPU"]]).Refusal); // one channel on each of two devices: overlap unknown
    }

    private static byte[] Fixed(string s)
    {
        var b = new byte[32];
        Encoding.Unicode.GetBytes(s).CopyTo(b, 0);
        return b;
    }
}
