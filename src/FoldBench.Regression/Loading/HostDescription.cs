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

    /// <summary>"Debian GNU/Linux 12 (bookworm)" (FoldBench) or "Linux Debian GNU/Linux 12 (bookworm)" (BenchmarkDotNet).</summary>
    public string? Os { get; init; }

    /// <summary>The JIT's configuration (tiering, PGO, build, intrinsics), where recorded.</summary>
    public JitConfiguration? Jit { get; init; }

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
    /// when both name the same CPU (identity where both record it), architecture, runtime, operating
    /// system and JIT configuration. A side that records no host is not called different: nothing says it is.
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
        if (OsDiffers(baseline.Os, current.Os)) differences.Add("operating system");
        var jit = JitConfiguration.Differences(baseline.Jit, current.Jit);
        if (jit.Count > 0) differences.Add($"JIT configuration ({string.Join("; ", jit)})");
        if (differences.Count == 0) return null;
        string text = $"different {string.Join(" and ", differences)}: baseline recorded on {baseline.Describe()}, this machine is {current.Describe()}";
        if (differences.Contains("operating system")) text += $" (OS '{baseline.Os}' in BASE, '{current.Os}' in CURRENT)";
        return text;
    }

    private static bool Differs(string? a, string? b) =>
        a is not null && b is not null && !string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    // BenchmarkDotNet writes "Linux Debian GNU/Linux 12 (bookworm)" where .NET says "Debian GNU/Linux 12
    // (bookworm)": one names the other, so containment is the test, not equality.
    private static bool OsDiffers(string? a, string? b)
    {
        if (a is null || b is null) return false;
        string x = Normalize(a), y = Normalize(b);
        return !x.Contains(y, StringComparison.OrdinalIgnoreCase) && !y.Contains(x, StringComparison.OrdinalIgnoreCase);
    }

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
