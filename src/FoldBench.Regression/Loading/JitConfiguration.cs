namespace FoldBench.Regression.Loading;

/// <summary>
/// How the JIT of one side was configured, as far as its file says: FoldBench's <c>machine.jit</c>, or
/// what BenchmarkDotNet's <c>HostEnvironmentInfo</c> and job record (build configuration, debugger,
/// the hardware intrinsics the JIT used, JIT environment variables of the job). Null fields are unrecorded.
/// </summary>
public sealed record JitConfiguration
{
    public bool? TieredCompilation { get; init; }
    public bool? TieredPgo { get; init; }
    public bool? ReadyToRun { get; init; }
    public bool? QuickJitForLoops { get; init; }

    /// <summary>"RELEASE" or "DEBUG": the build of the benchmarks (BenchmarkDotNet's <c>Configuration</c>).</summary>
    public string? Build { get; init; }

    /// <summary>A debugger was attached (the JIT then emits debuggable code).</summary>
    public bool? Debugger { get; init; }

    /// <summary>The hardware intrinsics the JIT used ("AVX-512F+CD+BW+DQ+VL, AES, … VectorSize=256"), from BenchmarkDotNet.</summary>
    public string? Intrinsics { get; init; }

    /// <summary>JIT settings of the job that are not the defaults ("DOTNET_TieredPGO=0").</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>
    /// Whether tier-0 code could have been measured: the recorded switch, else a job variable that turned
    /// tiering off; null when the file does not say (BenchmarkDotNet does not record its host process's
    /// environment, whose default is on).
    /// </summary>
    public bool? Tiering => TieredCompilation ??
        (Overrides.Any(o => o.Contains("TieredCompilation=0", StringComparison.OrdinalIgnoreCase) ||
                            o.Contains("TieredCompilation=false", StringComparison.OrdinalIgnoreCase)) ? false : null);

    public bool IsKnown => TieredCompilation is not null || Build is not null || Intrinsics is not null || Overrides.Count > 0;

    /// <summary>"tiered compilation on, TieredPGO on, ReadyToRun on" (the recorded switches only).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        void Switch(string name, bool? on) { if (on is bool b) parts.Add($"{name} {(b ? "on" : "off")}"); }
        Switch("tiered compilation", TieredCompilation);
        Switch("TieredPGO", TieredPgo);
        Switch("ReadyToRun", ReadyToRun);
        Switch("QuickJitForLoops", QuickJitForLoops);
        if (Build is not null) parts.Add($"{Build} build");
        if (Debugger == true) parts.Add("debugger attached");
        if (Intrinsics is not null) parts.Add($"intrinsics {Intrinsics}");
        parts.AddRange(Overrides);
        return parts.Count == 0 ? "unrecorded" : string.Join(", ", parts);
    }

    /// <summary>What differs between two JIT configurations, each as "name: A here, B there"; only what both sides record.</summary>
    public static IReadOnlyList<string> Differences(JitConfiguration? baseline, JitConfiguration? current)
    {
        if (baseline is null || current is null) return [];
        var list = new List<string>();
        void Compare(string name, string? a, string? b)
        {
            if (a is not null && b is not null && !string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
                list.Add($"{name} {a} in BASE, {b} in CURRENT");
        }
        static string? OnOff(bool? v) => v is bool b ? (b ? "on" : "off") : null;
        Compare("tiered compilation", OnOff(baseline.TieredCompilation), OnOff(current.TieredCompilation));
        Compare("TieredPGO", OnOff(baseline.TieredPgo), OnOff(current.TieredPgo));
        Compare("ReadyToRun", OnOff(baseline.ReadyToRun), OnOff(current.ReadyToRun));
        Compare("QuickJitForLoops", OnOff(baseline.QuickJitForLoops), OnOff(current.QuickJitForLoops));
        Compare("build", baseline.Build, current.Build);
        Compare("debugger", baseline.Debugger is bool bd ? (bd ? "attached" : "none") : null, current.Debugger is bool cd ? (cd ? "attached" : "none") : null);
        Compare("hardware intrinsics", baseline.Intrinsics, current.Intrinsics);
        // The job's JIT variables, only when both files come from BenchmarkDotNet jobs (FoldBench's
        // overrides are already in the switches above).
        if (baseline.TieredCompilation is null && current.TieredCompilation is null)
        {
            string a = string.Join(" ", baseline.Overrides.Order(StringComparer.Ordinal)), b = string.Join(" ", current.Overrides.Order(StringComparer.Ordinal));
            if (a != b) list.Add($"JIT variables '{(a.Length == 0 ? "none" : a)}' in BASE, '{(b.Length == 0 ? "none" : b)}' in CURRENT");
        }
        return list;
    }
}
