using System.Globalization;
using System.Text;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Markdown;

/// <summary>
/// report.md's "int8 against fp32" section, when a run measured both precisions (`--precision fp32,int8`): each int8 case
/// beside the fp32 case of the same suite, shape, fold, chunk, regime and fp32 path — its time and weight bytes as ratios
/// to fp32, and the accuracy int8 costs. (Folded against unfolded within each precision is the fold tables' work: an
/// int8 case's path, "int8-avx2", gives it tables of its own.)
/// </summary>
internal static class Int8Markdown
{
    public const string Title = "int8 against fp32";

    public static void Append(StringBuilder md, RunSummary s)
    {
        var pairs = Pairs(s.Cases);
        var unpaired = s.Cases.Where(c => PrecisionNames.Of(c) == PrecisionNames.Int8 && c.Unavailable is null && !pairs.Any(p => p.Int8 == c)).ToList();
        var notRun = s.Cases.Where(c => PrecisionNames.Of(c) == PrecisionNames.Int8 && c.Unavailable is not null).ToList();
        if (pairs.Count == 0 && unpaired.Count == 0 && notRun.Count == 0) return;
        md.AppendLine($"## {Title}").AppendLine();
        md.AppendLine("int8: weights stored as int8 with one fp32 scale per output channel (plus the fp32 bias), activations quantized " +
                      "per row at run time, int32 accumulators. Each int8 case beside the fp32 case of the same suite, shape, fold, chunk " +
                      "size, regime and fp32 path (the int8 path is that path's int8 counterpart). Time and weight ratios: int8 ÷ fp32 " +
                      "(below 1: int8 is faster, smaller). Accuracy cost: |Y_int8 − Y_fp32| on the case's seeded inputs, against the fp32 " +
                      "projection in double precision — its maximum, its RMS, and the maximum relative to max |Y_fp32|. " +
                      "Throughput columns elsewhere are GFLOP/s for fp32 cases and GOP/s (1 multiply-accumulate = 2 operations) for int8 ones.").AppendLine();
        if (pairs.Count > 0) md.Append(Table(pairs)).AppendLine();
        if (unpaired.Count > 0)
            md.AppendLine($"{unpaired.Count} int8 case(s) have no fp32 case to compare with in this run (e.g. \"{unpaired[0].Name}\"); " +
                          "their accuracy cost is in summary.json.").AppendLine();
        if (notRun.Count > 0)
        {
            md.AppendLine("int8 cases that did not run here (never replaced by another path):").AppendLine();
            foreach (var c in notRun) md.AppendLine($"- {c.Name}: {c.Unavailable}");
            md.AppendLine();
        }
    }

    /// <summary>Each measured int8 case with its fp32 twin, in the run's order.</summary>
    public static IReadOnlyList<(CaseResult Fp32, CaseResult Int8)> Pairs(IReadOnlyList<CaseResult> cases)
    {
        var measured = cases.Where(c => c.Unavailable is null && c.MedianNs > 0).ToList();
        var fp32 = measured.Where(c => PrecisionNames.Of(c) == PrecisionNames.Fp32).ToList();
        var pairs = new List<(CaseResult, CaseResult)>();
        foreach (var q in measured.Where(c => PrecisionNames.Of(c) == PrecisionNames.Int8 && c.Fp32Path is not null))
            if (fp32.FirstOrDefault(f => f.Path == q.Fp32Path && SameCase(f, q)) is { } f)
                pairs.Add((f, q));
        return pairs;
    }

    /// <summary>The same case but for its precision and path.</summary>
    private static bool SameCase(CaseResult a, CaseResult b) =>
        a.Suite == b.Suite && a.Preset == b.Preset && a.Fold == b.Fold && a.Heads == b.Heads && a.Sharing == b.Sharing &&
        a.Projections == b.Projections && a.FoldFfn == b.FoldFfn && a.ChunkTokens == b.ChunkTokens && a.M == b.M && a.K == b.K &&
        a.N == b.N && a.Regime == b.Regime && a.Part == b.Part && (a.Threads ?? 1) == (b.Threads ?? 1);

    public static string Table(IReadOnlyList<(CaseResult Fp32, CaseResult Int8)> pairs)
    {
        var t = new MarkdownTable(("Suite", false), ("Case", false), ("Paths", false), ("Fold", true), ("Chunk", true), ("M", true), ("K×N", true),
            ("Regime", false), ("fp32 time", true), ("int8 time", true), ("Time ratio", true), ("fp32 weights", true), ("int8 weights", true),
            ("Weight ratio", true), ("Max |ΔY|", true), ("RMS |ΔY|", true), ("Max |ΔY| / max |Y|", true));
        foreach (var (f, q) in pairs)
        {
            var e = q.QuantizationError;
            t.Add(f.Suite, f.Name, $"{f.Path} → {q.Path}", Units.Integer(f.Fold), Units.Integer(f.ChunkTokens), Units.Integer(f.M),
                f.K is int k && f.N is int n ? $"{k}×{n}" : Units.Missing, f.Regime ?? Units.Missing,
                Units.Time(f.MedianNs), Units.Time(q.MedianNs), Ratio(q.MedianNs, f.MedianNs),
                Units.Bytes(f.WeightBytes), Units.Bytes(q.WeightBytes), Ratio(q.WeightBytes, f.WeightBytes),
                e is null ? Units.Missing : Error(e.MaxAbs), e is null ? Units.Missing : Error(e.Rms),
                e is null ? Units.Missing : Units.FractionAsPercent(e.RelativeMax));
        }
        return t.ToString();
    }

    /// <summary>An error to 3 significant digits, however small ("0.0125", "3.1E-05").</summary>
    private static string Error(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    private static string Ratio(double? a, double? b) =>
        a is double x && b is double y && y > 0 ? (x / y).ToString("0.000", CultureInfo.InvariantCulture) : Units.Missing;
}
