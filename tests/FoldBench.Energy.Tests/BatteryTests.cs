using System.Diagnostics;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Battery;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class BatteryTests
{
    [Fact]
    public void Laptop_battery_uses_power_now_while_discharging()
    {
        using var f = new Fixture(FixtureLayout.LaptopBattery, new ConstantPower(9));
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal("µW (power_now)", s.Unit);
        Assert.Equal("BAT0", Assert.Single(s.Domains).Name);
        Assert.Contains(s.FoundDomains, d => d == "BAT0");
        Assert.DoesNotContain(s.FoundDomains, d => d.StartsWith("AC"));
    }

    [Fact]
    public void Phone_battery_uses_negative_current_times_voltage_as_a_magnitude()
    {
        using var f = new Fixture(FixtureLayout.PhoneBattery, new ConstantPower(3));
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.StartsWith("µA × µV", s.Unit);
        Assert.Contains("negative", s.Reason);
        // A gauge at 3 W publishes -779 mA at 3.85 V; integrate two readings 0.2 s apart.
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        f.Writer.Advance(t + Stopwatch.Frequency * 2); // past one gauge period: current_now now holds the 3 W average
        Assert.True(long.Parse(f.Read("/sys/class/power_supply/battery/current_now")) < 0);
        var r0 = s.Read();
        Thread.Sleep(200); // lets wall time pass: the source integrates power between reads; the check divides by the reads' own interval
        var r1 = s.Read();
        double seconds = (r1.Timestamp - r0.Timestamp) / (double)Stopwatch.Frequency;
        Assert.Equal(3.0, (r1.Joules[0] - r0.Joules[0]) / seconds, 0.01);
    }

    [Fact]
    public void Energy_now_deltas_are_used_when_there_is_no_power_reading()
    {
        using var f = new Fixture(FixtureLayout.LaptopBattery, new ConstantPower(36));
        File.Delete(f.Path("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0A08:00/device:00/PNP0C09:00/PNP0C0A:00/power_supply/BAT0/power_now"));
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal("µWh (energy_now deltas)", s.Unit);
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        var r0 = s.Read();
        f.Writer.Advance(t + 10 * Stopwatch.Frequency); // 10 s at 36 W = 360 J = 100 mWh
        var r1 = s.Read();
        Assert.Equal(360, r1.Joules[0] - r0.Joules[0], 2 * 3.6e-3 + 36 * 1.0); // the gauge publishes once per second
    }

    [Fact]
    public void Charge_now_deltas_times_voltage_are_used_as_the_last_resort()
    {
        using var f = new Fixture(FixtureLayout.PhoneBattery, new ConstantPower(2));
        File.Delete(f.Path("/sys/class/power_supply/battery/current_now"));
        using var s = BatterySource.Probe(f.Options());
        Assert.StartsWith("µAh × µV", s.Unit);
        long t = Stopwatch.GetTimestamp();
        f.Writer.Advance(t);
        var r0 = s.Read();
        f.Writer.Advance(t + 20 * Stopwatch.Frequency);
        var r1 = s.Read();
        Assert.Equal(40, r1.Joules[0] - r0.Joules[0], 2 * 1.0 + 0.1); // ± one gauge period of 2 W, µAh rounding
    }

    [Theory]
    [InlineData(FixtureLayout.LaptopBattery)]
    [InlineData(FixtureLayout.PhoneBattery)]
    public void Charging_battery_is_not_usable_and_says_why(FixtureLayout layout)
    {
        using var f = new Fixture(layout, new ConstantPower(5), new FixtureWriterOptions(Charging: true));
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Charging, s.State);
        Assert.Contains("'Charging'", s.Reason);
        Assert.Contains("unplug the charger", s.Reason);
    }

    [Fact]
    public void Full_battery_on_the_adapter_is_reported_as_charging()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Charging, s.State);
        Assert.Contains("'Full'", s.Reason);
    }

    [Fact]
    public void Plugging_in_mid_run_fails_the_read()
    {
        using var f = new Fixture(FixtureLayout.PhoneBattery);
        using var s = BatterySource.Probe(f.Options());
        s.Read();
        f.Write("/sys/class/power_supply/battery/status", "Charging\n");
        var e = Assert.Throws<IO.EnergySourceException>(() => s.Read());
        Assert.Equal(SourceState.Charging, e.State);
    }

    [Fact]
    public void Device_batteries_are_skipped()
    {
        using var f = new Fixture(FixtureLayout.LaptopBattery);
        string mouse = f.Path("/sys/class/power_supply/hidpp_battery_0");
        Directory.CreateDirectory(mouse);
        File.WriteAllText(Path.Combine(mouse, "type"), "Battery\n");
        File.WriteAllText(Path.Combine(mouse, "scope"), "Device\n");
        File.WriteAllText(Path.Combine(mouse, "status"), "Discharging\n");
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(["BAT0"], s.Domains.Select(d => d.Name).ToArray());
        Assert.Contains("hidpp_battery_0 (device battery, skipped)", s.FoundDomains);
    }

    [Fact]
    public void Garbage_power_is_malformed()
    {
        using var f = new Fixture(FixtureLayout.LaptopBattery);
        f.Write("/sys/class/power_supply/BAT0/power_now", "n/a\n");
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Malformed, s.State);
        Assert.Contains("'n/a'", s.Reason);
    }

    [Fact]
    public void No_battery_is_absent()
    {
        using var f = new Fixture(FixtureLayout.AmdServer);
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Absent, s.State);
    }

    /// <summary>
    /// A ThinkPad's second (external) pack as ACPI lays it out beside BAT0: its own PNP0C0A device under the embedded
    /// controller and a class link. An idle pack reads 0 µW.
    /// </summary>
    private static void AddSecondPack(Fixture f, string status)
    {
        const string dir = "sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0A08:00/device:00/PNP0C09:00/PNP0C0A:01/power_supply/BAT1";
        Directory.CreateDirectory(f.Path(dir));
        foreach (var (name, content) in new[]
                 {
                     ("type", "Battery"), ("status", status), ("present", "1"), ("technology", "Li-ion"), ("power_now", "0"),
                     ("energy_now", "20410000"), ("energy_full", "23480000"), ("energy_full_design", "23200000"),
                     ("voltage_now", "12311000"), ("voltage_min_design", "11400000"), ("capacity", "86"), ("capacity_level", "Normal"),
                     ("manufacturer", "SANYO"), ("model_name", "01AV424"),
                 })
            File.WriteAllText(f.Path($"{dir}/{name}"), content + "\n");
        File.CreateSymbolicLink(f.Path("/sys/class/power_supply/BAT1"), "../../devices/LNXSYSTM:00/LNXSYBUS:00/PNP0A08:00/device:00/PNP0C09:00/PNP0C0A:01/power_supply/BAT1");
    }

    [Theory]
    [InlineData("Unknown")]
    [InlineData("Not charging")]
    public void An_idle_second_pack_does_not_stop_the_source(string idle)
    {
        using var f = new Fixture(FixtureLayout.LaptopBattery, new ConstantPower(9));
        AddSecondPack(f, idle);
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(["BAT0", "BAT1"], s.Domains.Select(d => d.Name).ToArray());
        Assert.Equal([0, 1], s.Selection.Indices);
    }

    [Fact]
    public void A_charging_second_pack_stops_the_source()
    {
        using var f = new Fixture(FixtureLayout.LaptopBattery, new ConstantPower(9));
        AddSecondPack(f, "Charging");
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Charging, s.State);
        Assert.Contains("BAT1", s.Reason);
        Assert.Contains("'Charging'", s.Reason);
    }

    [Fact]
    public void Packs_that_are_all_idle_mean_external_power()
    {
        // On the adapter with a charge threshold reached, every pack reads "Not charging": none measures the machine.
        using var f = new Fixture(FixtureLayout.LaptopBattery, new ConstantPower(9));
        f.Write("/sys/class/power_supply/BAT0/status", "Not charging\n");
        AddSecondPack(f, "Unknown");
        using var s = BatterySource.Probe(f.Options());
        Assert.Equal(SourceState.Charging, s.State);
        Assert.Contains("no pack is discharging", s.Reason);
    }

    [Fact]
    public void The_embedded_controller_switching_packs_mid_run_is_accepted()
    {
        using var f = new Fixture(FixtureLayout.LaptopBattery, new ConstantPower(9));
        AddSecondPack(f, "Unknown");
        using var s = BatterySource.Probe(f.Options());
        s.Read();
        // ThinkPads drain the external pack first, then switch: BAT0 goes idle, BAT1 discharges.
        f.Write("/sys/class/power_supply/BAT0/status", "Unknown\n");
        f.Write("/sys/class/power_supply/BAT1/status", "Discharging\n");
        f.Write("/sys/class/power_supply/BAT1/power_now", "9000000\n");
        var r = s.Read();
        Assert.Equal(9000000, r.Raw[1]);
        // …and plugging in (every pack idle) fails the read from then on.
        f.Write("/sys/class/power_supply/BAT1/status", "Not charging\n");
        var e = Assert.Throws<IO.EnergySourceException>(() => s.Read());
        Assert.Equal(SourceState.Charging, e.State);
    }
}
