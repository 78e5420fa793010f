using FoldBench.Platform.Topology;

namespace FoldBench.Platform.Tests;

/// <summary>Core types read from sysfs/procfs trees of real machines (Fixtures/Topology), from Windows and macOS data, and classified.</summary>
public class LinuxTopologyTests
{
    private static CpuTopology Fixture(string name) => LinuxCpuTopology.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Topology", name));

    private static string Types(CpuTopology t) => string.Join(" ", t.Cores.Select(c => c.Type));

    [Fact]
    public void A_phone_with_three_clusters_is_typed_by_cpu_capacity_with_its_parts_named()
    {
        var t = Fixture("pixel6-gs101");
        Assert.Equal("cpu_capacity", t.Basis);
        Assert.Equal("little little little little mid mid big big", Types(t));
        Assert.Equal(["Cortex-A55", "Cortex-A55", "Cortex-A55", "Cortex-A55", "Cortex-A76", "Cortex-A76", "Cortex-X1", "Cortex-X1"], t.Cores.Select(c => c.PartName));
        // cpuN/cpufreq is a link to the cluster's policy folder.
        Assert.Equal([1803000L, 1803000, 1803000, 1803000, 2253000, 2253000, 2802000, 2802000], t.Cores.Select(c => c.MaxFrequencyKHz!.Value));
        Assert.Equal([161, 161, 161, 161, 498, 498, 1024, 1024], t.Cores.Select(c => c.Capacity!.Value));
        Assert.True(t.IsHybrid);
        Assert.Equal("big: CPUs 6-7 (Cortex-X1), mid: CPUs 4-5 (Cortex-A76), little: CPUs 0-3 (Cortex-A55); cpu_capacity", t.Describe());
    }

    [Fact]
    public void A_big_little_board_keeps_its_two_a76_pairs_in_one_tier()
    {
        var t = Fixture("rk3588");
        Assert.Equal("cpu_capacity", t.Basis);
        Assert.Equal("little little little little big big big big", Types(t));
        Assert.Equal(2352000L, t.Core(7)!.MaxFrequencyKHz); // the second pair clocks a little lower: same tier
        Assert.Equal("0xd0b", t.Core(4)!.Part);
    }

    [Fact]
    public void Intel_hybrid_is_typed_by_its_pmus_when_every_capacity_is_1024()
    {
        var t = Fixture("alderlake-i7-1260p");
        Assert.Equal("Intel hybrid core type (cpu_core/cpu_atom PMUs)", t.Basis);
        Assert.Equal(string.Join(' ', Enumerable.Repeat("big", 8).Concat(Enumerable.Repeat("little", 8))), Types(t));
        Assert.Equal("P-core", t.Core(0)!.Label);
        Assert.Equal("E-core", t.Core(15)!.Label);
        Assert.Equal(6, t.PhysicalCoreOf(7)); // SMT siblings 6 and 7
        Assert.Equal(15, t.PhysicalCoreOf(15));
        Assert.Null(t.Core(0)!.Part);
    }

    [Fact]
    public void This_vm_is_uniform()
    {
        var t = Fixture("epyc-vm-2cpu");
        Assert.Equal("all CPUs alike by cpu_capacity", t.Basis);
        Assert.Equal("uniform uniform", Types(t));
        Assert.False(t.IsHybrid);
        Assert.Null(t.Core(0)!.MaxFrequencyKHz); // no cpufreq in this VM
    }

    [Fact]
    public void A_missing_tree_lists_no_cpus_and_says_why()
    {
        var t = LinuxCpuTopology.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Topology", "no-such-machine"));
        Assert.Empty(t.Cores);
        Assert.Equal("the OS lists no CPUs", t.Basis);
        Assert.False(t.IsHybrid);
    }

    [Fact]
    public void Cpuinfo_parts_are_read_per_processor_block()
    {
        string[] lines = ["processor\t: 0", "CPU implementer\t: 0x41", "CPU part\t: 0xd05", "", "processor\t: 1", "CPU implementer\t: 0x41", "CPU part\t: 0xd0b", ""];
        var parts = LinuxCpuTopology.PartsFromCpuInfo(lines);
        Assert.Equal(("0x41", "0xd05"), parts[0]);
        Assert.Equal(("0x41", "0xd0b"), parts[1]);
        Assert.Empty(LinuxCpuTopology.PartsFromCpuInfo(["processor\t: 0", "vendor_id\t: AuthenticAMD"]));
    }

    [Theory]
    [InlineData("0-3,6,8-9", new[] { 0, 1, 2, 3, 6, 8, 9 })]
    [InlineData("5", new[] { 5 })]
    [InlineData(" 0-1\n", new[] { 0, 1 })]
    public void Cpu_lists_parse(string text, int[] cpus)
    {
        Assert.Equal(cpus, CpuList.Parse(text));
        Assert.Equal(text.Trim(), CpuList.Format(cpus));
    }

    [Theory]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("0--2")]
    public void Malformed_cpu_lists_are_refused(string text) => Assert.Null(CpuList.Parse(text));
}

public class CoreClassifierTests
{
    private static string Types(IEnumerable<CpuCore> cores) => string.Join(" ", cores.Select(c => c.Type));

    [Fact]
    public void Frequency_decides_when_there_is_no_capacity_and_favoured_cores_stay_in_their_tier()
    {
        // Three clusters by frequency; 2.90 against 2.80 GHz is a favoured core (3.5%), not a tier.
        long[] khz = [1800000, 1800000, 2400000, 2800000, 2900000];
        var (cores, basis) = CoreClassifier.Classify([.. khz.Select((f, i) => new CpuCore(i, CoreTypes.Unknown, MaxFrequencyKHz: f))]);
        Assert.Equal("cpuinfo_max_freq", basis);
        Assert.Equal("little little mid big big", Types(cores));
        var (intel, why) = CoreClassifier.Classify([.. new long[] { 4700000, 4900000, 4700000, 4700000 }.Select((f, i) => new CpuCore(i, CoreTypes.Unknown, MaxFrequencyKHz: f))]);
        Assert.Equal("uniform uniform uniform uniform", Types(intel));
        Assert.Equal("all CPUs alike by cpuinfo_max_freq", why);
    }

    [Fact]
    public void The_part_decides_when_capacity_and_frequency_are_alike()
    {
        var cores = new[]
        {
            new CpuCore(0, CoreTypes.Unknown, Capacity: 1024, MaxFrequencyKHz: 2000000, Implementer: "0x41", Part: "0xd05"),
            new CpuCore(1, CoreTypes.Unknown, Capacity: 1024, MaxFrequencyKHz: 2000000, Implementer: "0x41", Part: "0xd41"),
        };
        var (typed, basis) = CoreClassifier.Classify(cores);
        Assert.Equal("MIDR part", basis);
        Assert.Equal("little big", Types(typed));
    }

    [Fact]
    public void Capacity_comes_before_frequency()
    {
        // Capacity says one tier; frequency alone would split them: capacity counts first only when it splits.
        var cores = new[]
        {
            new CpuCore(0, CoreTypes.Unknown, Capacity: 400, MaxFrequencyKHz: 2400000),
            new CpuCore(1, CoreTypes.Unknown, Capacity: 1024, MaxFrequencyKHz: 2400000),
        };
        Assert.Equal(("little big", "cpu_capacity"), (Types(CoreClassifier.Classify(cores).Cores), CoreClassifier.Classify(cores).Basis));
    }

    [Fact]
    public void No_facts_at_all_is_unknown_not_uniform()
    {
        var (cores, basis) = CoreClassifier.Classify([new CpuCore(0, CoreTypes.Unknown), new CpuCore(1, CoreTypes.Unknown)]);
        Assert.Equal("unknown unknown", Types(cores));
        Assert.Equal("the OS gives no per-CPU facts to compare", basis);
    }

    [Theory]
    [InlineData("0x41", "0xd05", "Cortex-A55", 1)]
    [InlineData("0x41", "0xd44", "Cortex-X1", 3)]
    [InlineData("0x51", "0x804", "Kryo 4xx Gold", 2)]
    [InlineData("0x61", "0x023", "Firestorm (M1)", 2)]
    public void Arm_parts_are_named(string implementer, string part, string name, int rank) =>
        Assert.Equal((name, rank), ArmParts.Lookup(implementer, part));

    [Fact]
    public void Unknown_parts_have_no_name() => Assert.Null(ArmParts.Lookup("0x41", "0xfff"));
}

public class WindowsAndMacTopologyTests
{
    /// <summary>A GetSystemCpuSetInformation buffer as winnt.h lays it out: 32-byte records, Size first.</summary>
    private static byte[] CpuSets(params (int Group, int Logical, int Core, int Efficiency)[] sets)
    {
        var buffer = new byte[32 * sets.Length];
        for (int i = 0; i < sets.Length; i++)
        {
            var r = buffer.AsSpan(32 * i, 32);
            BitConverter.TryWriteBytes(r[0..], 32u);             // Size
            BitConverter.TryWriteBytes(r[4..], 0);               // Type: CpuSetInformation
            BitConverter.TryWriteBytes(r[8..], 256u + (uint)i);  // Id
            BitConverter.TryWriteBytes(r[12..], (ushort)sets[i].Group);
            r[14] = (byte)sets[i].Logical;
            r[15] = (byte)sets[i].Core;
            r[18] = (byte)sets[i].Efficiency;
        }
        return buffer;
    }

    [Fact]
    public void Windows_efficiency_classes_type_the_cpus_and_core_indexes_pair_smt_siblings()
    {
        // Two P-cores with two threads each (class 1), then two E-cores (class 0).
        var t = WindowsCpuTopology.Parse(CpuSets((0, 0, 0, 1), (0, 1, 0, 1), (0, 2, 1, 1), (0, 3, 1, 1), (0, 4, 2, 0), (0, 5, 3, 0)));
        Assert.Equal("big big big big little little", string.Join(" ", t.Cores.Select(c => c.Type)));
        Assert.Equal(2, t.PhysicalCoreOf(3));
        Assert.Equal("efficiency class (GetSystemCpuSetInformation)", t.Basis);
        // Group 1, logical processor 2: CPU 66.
        Assert.Equal([66], WindowsCpuTopology.Parse(CpuSets((1, 2, 0, 0))).Cores.Select(c => c.Cpu));
        Assert.Equal("uniform uniform", string.Join(" ", WindowsCpuTopology.Parse(CpuSets((0, 0, 0, 0), (0, 1, 1, 0))).Cores.Select(c => c.Type)));
    }

    [Fact]
    public void A_windows_record_with_an_impossible_size_is_an_error()
    {
        var buffer = CpuSets((0, 0, 0, 0));
        BitConverter.TryWriteBytes(buffer.AsSpan(0), 64u);
        Assert.Throws<FormatException>(() => WindowsCpuTopology.Parse(buffer));
    }

    [Fact]
    public void On_windows_the_real_call_lists_every_cpu()
    {
        if (!OperatingSystem.IsWindows()) Assert.Skip("GetSystemCpuSetInformation exists on Windows only");
        Assert.Equal(Environment.ProcessorCount, WindowsCpuTopology.Read().Cores.Count);
    }

    [Fact]
    public void Mac_performance_levels_give_counts_without_numbers()
    {
        var values = new Dictionary<string, long> { ["hw.nperflevels"] = 2, ["hw.perflevel0.logicalcpu"] = 4, ["hw.perflevel1.logicalcpu"] = 6 };
        var names = new Dictionary<string, string> { ["hw.perflevel0.name"] = "Performance", ["hw.perflevel1.name"] = "Efficiency" };
        var t = MacCpuTopology.FromSysctl(k => values.TryGetValue(k, out long v) ? v : null, k => names.GetValueOrDefault(k));
        Assert.Equal([("big", 4, "Performance"), ("little", 6, "Efficiency")], t.Groups.Select(g => (g.Type, g.Count, g.Label!)));
        Assert.Empty(t.Cores);
        Assert.False(t.CanPin);
        Assert.True(t.IsHybrid);
        Assert.StartsWith("big: 4 CPUs (Performance), little: 6 CPUs (Efficiency); performance levels", t.Describe(), StringComparison.Ordinal);
        var intelMac = MacCpuTopology.FromSysctl(_ => null, _ => null);
        Assert.Empty(intelMac.Groups);
        Assert.Contains("hw.nperflevels is missing", intelMac.Basis, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x40000001u, "core")]
    [InlineData(0x20000001u, "atom")]
    [InlineData(0x00000000u, null)]
    public void Cpuid_leaf_1a_core_types_decode(uint eax, string? type) => Assert.Equal(type, HybridCpuId.Decode(eax));
}

public class CorePlacementTests
{
    private static CpuTopology Fixture(string name) => LinuxCpuTopology.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Topology", name));

    [Fact]
    public void Without_cpu_a_hybrid_machine_takes_its_last_big_core_and_says_why()
    {
        var choice = CorePlacement.Choose(Fixture("alderlake-i7-1260p"), null, 16);
        Assert.Equal((7, "big"), (choice.Cpu!.Value, choice.Type!));
        Assert.StartsWith("hybrid machine (big: CPUs 0-7 (P-core), little: CPUs 8-15 (E-core); Intel hybrid", choice.Reason, StringComparison.Ordinal);
        Assert.Contains("no --cpu given, so CPU 7, the last big core", choice.Reason, StringComparison.Ordinal);
        var uniform = CorePlacement.Choose(Fixture("epyc-vm-2cpu"), null, 2);
        Assert.Equal((1, "uniform", "the last CPU, 1 (the default)"), (uniform.Cpu!.Value, uniform.Type!, uniform.Reason));
    }

    [Fact]
    public void Big_and_little_take_the_last_cpu_of_their_type()
    {
        var pixel = Fixture("pixel6-gs101");
        Assert.Equal(7, CorePlacement.Choose(pixel, "big", 8).Cpu);
        Assert.Equal(3, CorePlacement.Choose(pixel, "little", 8).Cpu);
        var alder = Fixture("alderlake-i7-1260p");
        Assert.Equal((15, "little"), (CorePlacement.Choose(alder, "little", 16).Cpu!.Value, CorePlacement.Choose(alder, "little", 16).Type!));
        Assert.Equal(", a little core (E-core)", CorePlacement.Choose(alder, "last", 16).Reason["the last CPU, 15 (--cpu last)".Length..]);
        Assert.Equal("little", CorePlacement.Choose(alder, "12", 16).Type);
    }

    [Fact]
    public void On_a_uniform_machine_big_and_little_are_the_default_cpu_and_say_so()
    {
        var choice = CorePlacement.Choose(Fixture("epyc-vm-2cpu"), "little", 2);
        Assert.Equal(1, choice.Cpu);
        Assert.Equal("--cpu little on a machine whose CPUs are all one type (all CPUs alike by cpu_capacity): the last CPU, 1, as without --cpu", choice.Reason);
    }

    [Fact]
    public void Big_is_an_error_where_types_are_unknown_or_nothing_can_pin()
    {
        var unknown = new CpuTopology([new CpuCore(0, CoreTypes.Unknown), new CpuCore(1, CoreTypes.Unknown)], "the OS gives no per-CPU facts to compare", canPin: true);
        var e = Assert.Throws<ArgumentException>(() => CorePlacement.Choose(unknown, "big", 2));
        Assert.Equal("option --cpu big: this machine's core types are unknown (the OS gives no per-CPU facts to compare); give a CPU number, last or none", e.Message);
        var mac = MacCpuTopology.FromSysctl(k => k == "hw.nperflevels" ? 2 : 4, _ => null);
        Assert.StartsWith("option --cpu little: this OS cannot pin a thread to a core", Assert.Throws<ArgumentException>(() => CorePlacement.Choose(mac, "little", 8)).Message, StringComparison.Ordinal);
        Assert.Equal("option --cpu expects a CPU number below 2, big, little, last or none, got '2'",
            Assert.Throws<ArgumentException>(() => CorePlacement.Choose(unknown, "2", 2)).Message);
        Assert.Null(CorePlacement.Choose(unknown, "none", 2).Cpu);
    }

    [Fact]
    public void Workers_take_cores_of_the_main_type_on_their_own_physical_cores_first()
    {
        var alder = Fixture("alderlake-i7-1260p");
        Assert.Equal([5], CorePlacement.Workers(alder, 7, 2, 16));          // not 6, CPU 7's SMT sibling
        Assert.Equal([5, 3, 1, 6], CorePlacement.Workers(alder, 7, 5, 16)); // siblings only when the P-cores run out
        Assert.Equal([15, 14], CorePlacement.Workers(alder, 8, 3, 16));     // E-cores with an E-core
        var rk = Fixture("rk3588");
        Assert.Equal([6, 5, 4, 3], CorePlacement.Workers(rk, 7, 5, 8));     // the A76s, then an A55
        Assert.Equal([0], CorePlacement.Workers(Fixture("epyc-vm-2cpu"), 1, 2, 2));
        Assert.Empty(CorePlacement.Workers(rk, 7, 1, 8)!);
        Assert.Null(CorePlacement.Workers(rk, null, 2, 8));
        Assert.Equal("--threads 3 needs 3 CPUs; this machine has 2", Assert.Throws<ArgumentException>(() => CorePlacement.Workers(rk, 1, 3, 2)).Message);
    }
}

public class ThreadPinningTests
{
    [Fact]
    public void A_thread_pinned_to_a_cpu_reads_back_that_cpu_alone()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("reading a thread's own affinity back is tested on Linux");
        (string? Error, IReadOnlyList<int>? Cpus) seen = default;
        // A thread of its own: pinning the test runner's pool thread would leak into other tests.
        var thread = new Thread(() => seen = (ThreadAffinity.TryPinCurrentThread(0), ThreadAffinity.OfCurrentThread()));
        thread.Start();
        thread.Join();
        Assert.Null(seen.Error);
        Assert.Equal([0], seen.Cpus);
        Assert.Equal("CPU -1 is outside what an affinity mask holds", ThreadAffinity.TryPinCurrentThread(-1));
    }
}
