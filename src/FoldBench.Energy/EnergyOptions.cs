using System.Globalization;
using FoldBench.Energy.IO;

namespace FoldBench.Energy;

/// <summary>
/// Where to look for energy counters. Every kernel path is joined onto <see cref="SysfsRoot"/> (so a fixture
/// folder laid out like a real machine can stand in for "/"), and MSR devices onto <see cref="DevCpuRoot"/>.
/// </summary>
/// <param name="SysfsRoot">The root that holds sys/ and proc/ ("/" on a real machine).</param>
/// <param name="DevCpuRoot">The folder that holds N/msr ("/dev/cpu").</param>
/// <param name="TraceFiles">External meter CSV traces (see README.md); the first usable one wins over built-in counters.</param>
/// <param name="TraceOffsetSeconds">Seconds to add to a trace's timestamps to get host Unix time; null: find it with the sync pulse.</param>
/// <param name="Domain">"package" (default), "package+dram", "psys" or "core": which counters to attribute.</param>
/// <param name="PreferredSource">Use this source name when it is usable, instead of the default order.</param>
/// <param name="BatteryUpdatePeriod">The battery gauge's update period when known (default 1 s; the observed period is used when longer).</param>
/// <param name="FileAccess">The file opener (tests inject one that denies access, since root ignores file modes).</param>
public sealed record EnergyOptions(
    string SysfsRoot = "/",
    string DevCpuRoot = "/dev/cpu",
    IReadOnlyList<string>? TraceFiles = null,
    double? TraceOffsetSeconds = null,
    string? Domain = null,
    string? PreferredSource = null,
    TimeSpan? BatteryUpdatePeriod = null,
    IFileAccess? FileAccess = null)
{
    public const string SysfsRootVariable = "FOLDBENCH_SYSFS_ROOT";
    public const string DevCpuRootVariable = "FOLDBENCH_DEV_CPU_ROOT";
    public const string TraceVariable = "FOLDBENCH_ENERGY_TRACE";
    public const string TraceOffsetVariable = "FOLDBENCH_TRACE_OFFSET";
    public const string DomainVariable = "FOLDBENCH_ENERGY_DOMAIN";
    public const string SourceVariable = "FOLDBENCH_ENERGY_SOURCE";
    public const string BatteryPeriodVariable = "FOLDBENCH_BATTERY_PERIOD_S";

    public static readonly IReadOnlyList<string> DomainNames = ["package", "package+dram", "psys", "core"];

    public IFileAccess Files => FileAccess ?? OsFileAccess.Instance;

    /// <summary>
    /// Options from FOLDBENCH_* environment variables. When only the sysfs root is set, /dev/cpu is looked for
    /// under it too (a fixture root is a whole fake file system). Throws <see cref="ArgumentException"/> for a bad value.
    /// </summary>
    public static EnergyOptions FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    public static EnergyOptions FromVariables(Func<string, string?> get)
    {
        string sysfs = NonEmpty(get(SysfsRootVariable)) ?? "/";
        string devCpu = NonEmpty(get(DevCpuRootVariable)) ?? DefaultDevCpuRoot(sysfs);
        var traces = NonEmpty(get(TraceVariable))?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        double? offset = null;
        if (NonEmpty(get(TraceOffsetVariable)) is { } o)
        {
            if (!double.TryParse(o, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
                throw new ArgumentException($"{TraceOffsetVariable} must be a number of seconds, got '{o}'");
            offset = d;
        }
        TimeSpan? battery = null;
        if (NonEmpty(get(BatteryPeriodVariable)) is { } b)
        {
            if (!double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !(s > 0) || !double.IsFinite(s))
                throw new ArgumentException($"{BatteryPeriodVariable} must be a positive number of seconds, got '{b}'");
            battery = TimeSpan.FromSeconds(s);
        }
        string? domain = NonEmpty(get(DomainVariable));
        if (domain is not null) CheckDomain(domain, DomainVariable);
        return new EnergyOptions(sysfs, devCpu, traces, offset, domain, NonEmpty(get(SourceVariable)), battery);
    }

    /// <summary>True when the sysfs root is the machine's own "/": counters read under any other root are simulated.</summary>
    public bool IsRealSysfsRoot => Path.GetFullPath(SysfsRoot) == Path.GetFullPath("/");

    /// <summary>True when MSRs are read from the machine's own /dev/cpu.</summary>
    public bool IsRealDevCpuRoot => Path.GetFullPath(DevCpuRoot) == Path.GetFullPath("/dev/cpu");

    /// <summary>"/dev/cpu" on a real root, "ROOT/dev/cpu" under a fixture root.</summary>
    public static string DefaultDevCpuRoot(string sysfsRoot) =>
        Path.GetFullPath(sysfsRoot) == Path.GetFullPath("/") ? "/dev/cpu" : Path.Combine(sysfsRoot, "dev", "cpu");

    public static void CheckDomain(string domain, string where)
    {
        if (!DomainNames.Contains(domain))
            throw new ArgumentException($"{where}: unknown energy domain '{domain}' (expected one of: {string.Join(", ", DomainNames)})");
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
