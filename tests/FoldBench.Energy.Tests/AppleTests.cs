using System.Diagnostics;
using System.Text;
using FoldBench.Energy.Attribution;
using FoldBench.Energy.IO;
using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Apple;
using FoldBench.Energy.Tests.Support;

namespace FoldBench.Energy.Tests;

/// <summary>
/// The Apple sources have never run on a Mac here: these tests check the arithmetic on recorded sample structures
/// (the channel and plist shapes public readers of Apple Silicon print), and that the listing says so.
/// </summary>
public class AppleTests
{
    // One IOReport "Energy Model" delta of an M1 Ultra as a reader lists it: per-die CPU energy, per-cluster channels inside it.
    private static readonly IOReportChannel[] RecordedDelta =
    [
        new("Energy Model", null, "EACC_CPU0", "mJ", 12),
        new("Energy Model", null, "PACC0_CPU0", "mJ", 210),
        new("Energy Model", null, "DIE_0_CPU Energy", "mJ", 310),
        new("Energy Model", null, "DIE_1_CPU Energy", "mJ", 295),
        new("Energy Model", null, "GPU Energy", "nJ", 81_000_000),
        new("Energy Model", null, "ANE0", "mJ", 0),
        new("Energy Model", null, "DRAM0", "uJ", 40_500),
        new("CPU Stats", "CPU Core Performance States", "ECPU0", "", 123),
    ];

    private const string RecordedPlist =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n" +
        "<plist version=\"1.0\">\n<dict>\n<key>is_delta</key><true/>\n<key>elapsed_ns</key><integer>100412583</integer>\n" +
        "<key>hw_model</key><string>Mac14,2</string>\n<key>processor</key>\n<dict>\n" +
        "<key>clusters</key><array></array>\n<key>ane_energy</key><integer>3</integer>\n<key>cpu_energy</key><integer>412</integer>\n" +
        "<key>cpu_power</key><real>4103.2</real>\n<key>gpu_energy</key><integer>27</integer>\n<key>combined_power</key><real>4401.1</real>\n" +
        "</dict>\n</dict>\n</plist>\n";

    [Fact]
    public void Energy_model_channels_become_joules_per_domain_by_their_unit_labels()
    {
        var d = EnergyModelChannels.Joules(RecordedDelta);
        Assert.Equal(0.605, d.Cpu, 12);   // the two dies, not the clusters inside them
        Assert.Equal(0.081, d.Gpu, 12);   // nJ
        Assert.Equal(0, d.Ane);
        Assert.Equal(0.0405, d.Dram, 12); // uJ
    }

    [Fact]
    public void An_unknown_unit_label_is_an_error_not_a_guess()
    {
        var e = Assert.Throws<EnergySourceException>(() => EnergyModelChannels.Joules([new("Energy Model", null, "GPU Energy", "mWh", 1)]));
        Assert.Equal(SourceState.Malformed, e.State);
        Assert.Contains("'mWh'", e.Message);
    }

    [Fact]
    public void A_powermetrics_plist_sample_is_its_intervals_millijoules()
    {
        var s = PowermetricsPlist.Parse(RecordedPlist);
        Assert.Equal(0.100412583, s.ElapsedSeconds, 12);
        Assert.Equal(0.412, s.CpuJoules, 12);
        Assert.Equal(0.027, s.GpuJoules, 12);
        Assert.Equal(0.003, s.AneJoules, 12);
        Assert.Equal(SourceState.Malformed, Assert.Throws<EnergySourceException>(() => PowermetricsPlist.Parse("<plist><dict><key>elapsed_ns</key><integer>1</integer></dict></plist>")).State);
        Assert.Equal(SourceState.Malformed, Assert.Throws<EnergySourceException>(() => PowermetricsPlist.Parse("not xml")).State);
    }

    [Fact]
    public void Off_macos_both_sources_say_macos_and_that_they_never_ran_on_a_mac()
    {
        if (OperatingSystem.IsMacOS()) Assert.Skip("this test describes a host that is not a Mac");
        using var inventory = EnergyDiscovery.Discover(new EnergyOptions());
        foreach (var name in new[] { IOReportSource.SourceName, PowermetricsSource.SourceName })
        {
            var s = inventory.Describe().Single(i => i.Name == name);
            Assert.Equal("unsupported-os", s.State);
            Assert.Contains("macOS", s.Reason);
            Assert.Contains("never yet run on a Mac", s.Reason);
            Assert.DoesNotContain("sysfs", s.Reason);
            Assert.DoesNotContain("/sys/", s.Reason);
        }
    }

    [Fact]
    public void Ioreport_source_adds_up_deltas_and_leaves_dram_out_of_the_package()
    {
        var sampler = new RecordedSampler([RecordedDelta, RecordedDelta, RecordedDelta]);
        using var s = IOReportSource.Create(sampler, null);
        Assert.Equal(SourceState.Usable, s.State);
        Assert.Equal(["cpu", "gpu", "ane", "dram"], s.Domains.Select(d => d.Name).ToArray());
        Assert.Equal([0, 1, 2], s.Selection.Indices.ToArray());
        Assert.Contains("never yet run on a Mac", s.Reason);
        var r1 = s.Read();
        var r2 = s.Read();
        Assert.Equal(0.605 + 0.081, s.Selection.Sum(r1.Joules), 12);
        Assert.Equal(2 * (0.605 + 0.081), s.Selection.Sum(r2.Joules), 12);
        Assert.Equal(2 * 0.0405, r2.Joules[3], 12);
        using var withDram = IOReportSource.Create(new RecordedSampler([RecordedDelta]), "package+dram");
        Assert.Equal([0, 1, 2, 3], withDram.Selection.Indices.ToArray());
    }

    [Fact]
    public void Powermetrics_source_reads_a_stream_of_samples_and_fails_once_it_ends()
    {
        // A recorded stream of two samples: the source starts on the first, and once the stream has ended (powermetrics
        // exited) every read fails, since the totals no longer follow the machine.
        var bytes = Encoding.UTF8.GetBytes(RecordedPlist + "\0" + RecordedPlist + "\0");
        using var s = PowermetricsSource.Create(new MemoryStream(bytes), TimeSpan.FromMilliseconds(100), null);
        Assert.True(s.State == SourceState.Usable, s.Reason);
        Assert.Contains("never yet run on a Mac", s.Reason);
        Until.Holds(() => { try { s.Read(); return false; } catch (EnergySourceException) { return true; } }, "the reader reaching the end of the stream");
        var e = Assert.Throws<EnergySourceException>(() => s.Read());
        Assert.Contains("stopped printing samples", e.Message);
    }

    /// <summary>
    /// IOReport end to end through a session: deltas made from a constant power model as time passes (the unit the
    /// hardware would report, mJ), attributed to a window within the stated bound.
    /// </summary>
    [Fact]
    public void Ioreport_energy_in_a_window_matches_the_model_within_the_bound()
    {
        using var dir = new TempDir();
        const double watts = 9;
        using var source = IOReportSource.Create(new ModelSampler(watts), null);
        using var session = EnergySession.Start(new EnergyInventory(new EnergyOptions(), [source], source), dir.Path)!;
        long start = session.MarkEdge();
        Thread.Sleep(TimeSpan.FromSeconds(1.2)); // wall time for 100+ update periods; the check uses the window's measured length
        var w = new EnergyWindow("case", start, session.MarkEdge());
        Until.Covered(session, w);
        var r = session.Measure([w], 1, double.NaN);
        Assert.True(r.Attributable, r.Reason);
        double expected = watts * w.Seconds;
        Assert.InRange(Math.Abs(r.GrossJoulesPerOp!.Value - expected), 0, r.UncertaintyJoulesPerOp!.Value + 2 * watts * 1e-3);
        Assert.Equal("apple-ioreport", r.Source);
    }

    private sealed class RecordedSampler(IReadOnlyList<IOReportChannel>[] deltas) : IEnergyModelSampler
    {
        private int _next;
        public IReadOnlyList<IOReportChannel> NextDelta() => deltas[Math.Min(_next++, deltas.Length - 1)];
        public void Dispose() { }
    }

    /// <summary>CPU energy as the model's watts × the time since the previous delta, in whole mJ (the remainder carried).</summary>
    private sealed class ModelSampler(double watts) : IEnergyModelSampler
    {
        private long _last = Stopwatch.GetTimestamp();
        private double _carry;

        public IReadOnlyList<IOReportChannel> NextDelta()
        {
            long now = Stopwatch.GetTimestamp();
            double mj = watts * (now - _last) / Stopwatch.Frequency * 1e3 + _carry;
            _last = now;
            long whole = (long)mj;
            _carry = mj - whole;
            return [new("Energy Model", null, "CPU Energy", "mJ", whole), new("Energy Model", null, "GPU Energy", "mJ", 0)];
        }

        public void Dispose() { }
    }
}
