using FoldBench.Energy.Sampling;
using FoldBench.Energy.Simulation;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

public class DiscoveryTests
{
    [Fact]
    public void Environment_variables_configure_every_root()
    {
        var env = new Dictionary<string, string?>
        {
            ["FOLDBENCH_SYSFS_ROOT"] = "/fixtures/x",
            ["FOLDBENCH_ENERGY_TRACE"] = $"/a.csv{Path.PathSeparator}/b.csv",
            ["FOLDBENCH_TRACE_OFFSET"] = "-1.5",
            ["FOLDBENCH_ENERGY_DOMAIN"] = "psys",
            ["FOLDBENCH_BATTERY_PERIOD_S"] = "2",
        };
        var o = EnergyOptions.FromVariables(k => env.GetValueOrDefault(k));
        Assert.Equal("/fixtures/x", o.SysfsRoot);
        Assert.Equal(Path.Combine("/fixtures/x", "dev", "cpu"), o.DevCpuRoot); // a fixture root holds its own dev/cpu
        Assert.Equal(["/a.csv", "/b.csv"], o.TraceFiles);
        Assert.Equal(-1.5, o.TraceOffsetSeconds);
        Assert.Equal("psys", o.Domain);
        Assert.Equal(TimeSpan.FromSeconds(2), o.BatteryUpdatePeriod);

        var defaults = EnergyOptions.FromVariables(_ => null);
        Assert.Equal("/", defaults.SysfsRoot);
        Assert.Equal("/dev/cpu", defaults.DevCpuRoot);
        Assert.Equal("/elsewhere", EnergyOptions.FromVariables(k => k == "FOLDBENCH_DEV_CPU_ROOT" ? "/elsewhere" : null).DevCpuRoot);
    }

    [Theory]
    [InlineData("FOLDBENCH_TRACE_OFFSET", "soon")]
    [InlineData("FOLDBENCH_BATTERY_PERIOD_S", "0")]
    [InlineData("FOLDBENCH_ENERGY_DOMAIN", "gpu")]
    public void Bad_environment_values_are_one_line_argument_errors(string variable, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => EnergyOptions.FromVariables(k => k == variable ? value : null));
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public void Every_source_kind_is_listed_with_a_state_and_a_reason()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using var inventory = EnergyDiscovery.Discover(f.Options());
        var infos = inventory.Describe();
        Assert.Equal(["external-trace", "powercap-rapl", "perf-rapl", "msr-rapl", "windows-emi", "hwmon", "raspberrypi-pmic", "apple-ioreport", "apple-powermetrics", "battery"],
                     infos.Select(i => i.Name).ToArray());
        Assert.All(infos, i => Assert.False(string.IsNullOrWhiteSpace(i.Reason)));
        Assert.Equal("powercap-rapl", inventory.Chosen!.Name);
        Assert.StartsWith("usable, not chosen", infos.Single(i => i.Name == "msr-rapl").Reason);
        Assert.Equal("charging", infos.Single(i => i.Name == "battery").State);
    }

    [Fact]
    public void Preferred_source_wins_when_usable_and_unknown_names_are_rejected()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop);
        using (var inventory = EnergyDiscovery.Discover(f.Options(new EnergyOptions(PreferredSource: "msr-rapl"))))
            Assert.Equal("msr-rapl", inventory.Chosen!.Name);
        Assert.Throws<ArgumentException>(() => EnergyDiscovery.Discover(f.Options(new EnergyOptions(PreferredSource: "nvml"))));
    }

    [Fact]
    public void A_battery_is_chosen_when_there_is_no_rapl()
    {
        using var f = new Fixture(FixtureLayout.PhoneBattery);
        using var inventory = EnergyDiscovery.Discover(f.Options());
        Assert.Equal("battery", inventory.Chosen!.Name);
        Assert.Equal("absent", inventory.Describe().Single(i => i.Name == "powercap-rapl").State);
    }

    [Fact]
    public void This_machine_is_described_without_throwing_and_never_with_zero_watts()
    {
        // Whatever this host has, every source gets a state and a reason; an unusable one carries no energy figure.
        using var inventory = EnergyDiscovery.Discover(EnergyOptions.FromEnvironment());
        Assert.All(inventory.Describe(), i => Assert.False(string.IsNullOrWhiteSpace(i.Reason)));
        if (inventory.Chosen is null) Assert.StartsWith("no usable energy source", inventory.UnavailableReason);
    }

    [Fact]
    public void Sampler_measures_its_own_cpu_time_and_keeps_raw_samples()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(5));
        f.Writer.Start();
        using var inventory = EnergyDiscovery.Discover(f.Options());
        using var sampler = new Sampler(inventory.Chosen!);
        var running = System.Diagnostics.Stopwatch.StartNew();
        sampler.Start();
        // Wait for samples, not for a guessed time (a minute is a hang guard).
        Assert.True(SpinWait.SpinUntil(() => sampler.Count >= 3 && sampler.Series() is { } x && x.Joules[^1] > x.Joules[0], TimeSpan.FromMinutes(1)),
            "the sampler never saw the counter advance");
        sampler.Stop();
        running.Stop();
        // Never faster than its interval, however long the wait took (plus the first sample).
        Assert.InRange(sampler.Count, 3, running.Elapsed / sampler.Interval + 2);
        if (FoldBench.Platform.ThreadCpuClock.TryNow() is not null)
            Assert.InRange(sampler.OverheadFraction!.Value, 1e-7, 0.5);
        Assert.NotNull(sampler.MeanReadSeconds);
        var s = sampler.Series();
        Assert.True(s.Joules[^1] > s.Joules[0]);
        Assert.All(s.Ticks.Zip(s.Ticks.Skip(1)), p => Assert.True(p.Second > p.First));
    }

    [Fact]
    public void Side_by_side_overhead_measurement_returns_medians_for_both_sides()
    {
        using var f = new Fixture(FixtureLayout.IntelLaptop, new ConstantPower(5));
        f.Writer.Start();
        using var inventory = EnergyDiscovery.Discover(f.Options());
        var r = SamplerOverhead.Measure(inventory.Chosen!, rounds: 3, loopSeconds: 0.02);
        Assert.Equal(3, r.Rounds);
        Assert.True(r.MedianOffSeconds > 0 && r.MedianOnSeconds > 0);
        Assert.Equal((r.MedianOnSeconds - r.MedianOffSeconds) / r.MedianOffSeconds, r.SlowdownFraction, 12);
        Assert.Equal(TimeSpan.FromMilliseconds(10), r.SampleInterval);
    }
}
