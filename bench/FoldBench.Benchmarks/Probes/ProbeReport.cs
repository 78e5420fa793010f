using System.Globalization;

namespace FoldBench.Benchmarks.Probes;

/// <summary>The probe's per-case correctness line on stdout: "probe-case avx2 16 512 512 ok 2.04E-05".</summary>
/// <remarks>Plain text rather than JSON: under valgrind every serializer method the probe touches costs start-up time.</remarks>
public sealed record ProbeReport(string Path, int M, int K, int N, bool Correct, double MaxAbsError)
{
    public const string Prefix = "probe-case ";

    public string ToLine() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Path} {M} {K} {N} {(Correct ? "ok" : "wrong")} {MaxAbsError:R}");

    public static ProbeReport Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var f = line[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 6 || f[4] is not ("ok" or "wrong") ||
            !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) ||
            !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int k) ||
            !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ||
            !double.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double err))
            throw new InvalidOperationException($"unreadable kernel-probe output line '{line}'");
        return new ProbeReport(f[0], m, k, n, f[4] == "ok", err);
    }

    public static IReadOnlyList<ProbeReport> ParseAll(string stdout, IReadOnlyList<KernelCaseSpec> cases)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(cases);
        var list = stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).Select(Parse).ToList();
        if (list.Count != cases.Count)
            throw new InvalidOperationException($"kernel-probe reported {list.Count} cases, expected {cases.Count}");
        for (int i = 0; i < cases.Count; i++)
            if (list[i].Path != cases[i].Path || list[i].M != cases[i].M || list[i].K != cases[i].K || list[i].N != cases[i].N)
                throw new InvalidOperationException($"kernel-probe ran case {i + 1} as {list[i].Path} {list[i].M}x{list[i].K}x{list[i].N}, expected {cases[i].ShortName}");
        return list;
    }
}
