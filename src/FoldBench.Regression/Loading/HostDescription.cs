namespace FoldBench.Regression.Loading;

/// <summary>
/// The machine and runtime one side of a comparison was measured on, as far as its file says:
/// FoldBench's <c>machine</c> block, or BenchmarkDotNet's <c>HostEnvironmentInfo</c>.
/// </summary>
public sealed record HostDescription
{
    /// <summary>The CPU's name ("AMD EPYC", "Intel(R) Xeon(R) Processor").</summary>
    public string? Cpu { get; init; }

    /// <summary>Vendor, family, model and stepping, when recorded (FoldBench only): the name alone does not tell Zen 3 from Zen 5.</summary>
    public string? CpuId { get; init; }

    /// <summary>"x64", "arm64".</summary>
    public string? Architecture { get; init; }

    /// <summary>".NET 10.0.12".</summary>
    public string? Runtime { get; init; }

    public static HostDescription Unknown { get; } = new();

    public bool IsKnown => Cpu is not null || CpuId is not null;

    /// <summary>"AMD EPYC (AuthenticAMD family 26 model 2 stepping 1), x64, .NET 10.0.12".</summary>
    public string Describe()
    {
        if (!IsKnown) return "an unrecorded machine";
        string cpu = Cpu ?? "an unnamed CPU";
        if (CpuId is not null) cpu += $" ({CpuId})";
        var parts = new List<string> { cpu };
        if (Architecture is not null) parts.Add(Architecture);
        if (Runtime is not null) parts.Add(Runtime);
        return string.Join(", ", parts);
    }

    /// <summary>
    /// Why timings from <paramref name="baseline"/> and <paramref name="current"/> do not compare, or null
    /// when both name the same CPU (identity where both record it), architecture and runtime. A side
    /// that records no host is not called different: nothing says it is.
    /// </summary>
    public static string? Difference(HostDescription baseline, HostDescription current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        if (!baseline.IsKnown || !current.IsKnown) return null;
        var differences = new List<string>();
        if (Differs(baseline.Cpu, current.Cpu) || Differs(baseline.CpuId, current.CpuId)) differences.Add("CPU");
        if (Differs(baseline.Architecture, current.Architecture)) differences.Add("architecture");
        if (Differs(RuntimeVersion(baseline.Runtime), RuntimeVersion(current.Runtime))) differences.Add("runtime");
        return differences.Count == 0 ? null
            : $"different {string.Join(" and ", differences)}: baseline recorded on {baseline.Describe()}, this machine is {current.Describe()}";
    }

    private static bool Differs(string? a, string? b) =>
        a is not null && b is not null && !string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    // "Intel(R) Xeon(R) Processor" and BenchmarkDotNet's "Intel Xeon Processor" name one CPU.
    private static string Normalize(string s) =>
        string.Join(' ', s.Replace("(R)", "", StringComparison.OrdinalIgnoreCase).Replace("(TM)", "", StringComparison.OrdinalIgnoreCase)
                          .Split(' ', StringSplitOptions.RemoveEmptyEntries));

    // ".NET 10.0.12 (10.0.12, 10.0.1226.42308)" (BenchmarkDotNet) and ".NET 10.0.12" (FoldBench) are one runtime.
    private static string? RuntimeVersion(string? runtime)
    {
        if (runtime is null) return null;
        int paren = runtime.IndexOf('(');
        return (paren >= 0 ? runtime[..paren] : runtime).Trim();
    }
}
