namespace FoldBench.Platform.Topology;

/// <summary>One type of core and how many CPUs the machine has of it.</summary>
/// <param name="Type">big, mid, little, uniform or unknown (<see cref="CoreTypes"/>).</param>
/// <param name="Cpus">Their CPU numbers; empty where the OS does not number them (macOS).</param>
/// <param name="Count">How many.</param>
/// <param name="Label">The part or kind ("Cortex-A76", "P-core", "Performance"), when one label fits them all.</param>
public sealed record CoreGroup(string Type, IReadOnlyList<int> Cpus, int Count, string? Label);

/// <summary>
/// The machine's CPUs and their types (<see cref="CoreTypes"/>): big and little cores of phones and ARM boards,
/// P- and E-cores of hybrid x86, or one uniform type. <see cref="Current"/> reads them from the OS: sysfs and
/// /proc/cpuinfo on Linux (<see cref="LinuxCpuTopology"/>), the CPU sets' efficiency classes on Windows
/// (<see cref="WindowsCpuTopology"/>), the performance levels on macOS (<see cref="MacCpuTopology"/>).
/// </summary>
public sealed class CpuTopology
{
    private readonly IReadOnlyDictionary<int, int> _physicalCoreOf;

    public CpuTopology(IReadOnlyList<CpuCore> cores, string basis, bool canPin, IReadOnlyDictionary<int, int>? physicalCoreOf = null,
        IReadOnlyList<CoreGroup>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(cores);
        ArgumentNullException.ThrowIfNull(basis);
        Cores = [.. cores.OrderBy(c => c.Cpu)];
        Basis = basis;
        CanPin = canPin;
        _physicalCoreOf = physicalCoreOf ?? new Dictionary<int, int>();
        Groups = groups ?? [.. Cores.GroupBy(c => c.Type).OrderBy(g => Rank(g.Key)).Select(g =>
            new CoreGroup(g.Key, [.. g.Select(c => c.Cpu)], g.Count(), g.Select(c => c.Label).Distinct().Count() == 1 ? g.First().Label : null))];
    }

    /// <summary>Every online CPU, by number; empty where the OS does not number them.</summary>
    public IReadOnlyList<CpuCore> Cores { get; }

    /// <summary>The types, fastest first, with their CPUs.</summary>
    public IReadOnlyList<CoreGroup> Groups { get; }

    /// <summary>What told the types apart ("cpu_capacity", "MIDR part", …), or why all are one type.</summary>
    public string Basis { get; }

    /// <summary>Whether a thread can be pinned to one of these CPUs here (Linux and Windows; macOS has no affinity).</summary>
    public bool CanPin { get; }

    /// <summary>More than one type of core.</summary>
    public bool IsHybrid => Groups.Count(g => g.Type is CoreTypes.Big or CoreTypes.Mid or CoreTypes.Little) > 1;

    /// <summary>The CPU's type, or null when the topology does not list it.</summary>
    public string? TypeOf(int cpu) => Cores.FirstOrDefault(c => c.Cpu == cpu)?.Type;

    public CpuCore? Core(int cpu) => Cores.FirstOrDefault(c => c.Cpu == cpu);

    /// <summary>The lowest CPU number of <paramref name="cpu"/>'s physical core (SMT siblings share it); the CPU itself when unknown.</summary>
    public int PhysicalCoreOf(int cpu) => _physicalCoreOf.TryGetValue(cpu, out int first) ? first : cpu;

    /// <summary>"big: CPUs 4-7 (Cortex-A76), little: CPUs 0-3 (Cortex-A55), by cpu_capacity".</summary>
    public string Describe()
    {
        if (Groups.Count == 0) return Basis;
        var parts = Groups.Select(g => $"{g.Type}: " + (g.Cpus.Count > 0 ? $"CPU{(g.Count > 1 ? "s" : "")} {CpuList.Format(g.Cpus)}" : $"{g.Count} CPUs")
                                       + (g.Label is { } l ? $" ({l})" : ""));
        return string.Join(", ", parts) + $"; {Basis}";
    }

    /// <summary>This machine's topology (an empty, unknown one on an OS FoldBench cannot read it on).</summary>
    public static CpuTopology Current()
    {
        if (OperatingSystem.IsLinux()) return LinuxCpuTopology.Read("/");
        if (OperatingSystem.IsWindows()) return WindowsCpuTopology.Read();
        if (OperatingSystem.IsMacOS()) return MacCpuTopology.Read();
        return new CpuTopology([], "this OS gives no per-CPU facts FoldBench reads", canPin: false);
    }

    internal static int Rank(string type) => type switch
    {
        CoreTypes.Big => 0,
        CoreTypes.Mid => 1,
        CoreTypes.Little => 2,
        CoreTypes.Uniform => 3,
        _ => 4,
    };
}
