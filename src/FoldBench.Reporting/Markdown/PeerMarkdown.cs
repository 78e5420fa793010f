using System.Globalization;
using System.Text;
using FoldBench.Results.Formatting;
using FoldBench.Results;

namespace FoldBench.Reporting.Markdown;

/// <summary>
/// report.md's peers section: per shape and weight regime, each library's GFLOP/s and FoldBench's
/// speed over it (FoldBench ÷ peer, from the medians), the fastest in bold; then what each library was.
/// </summary>
internal static class PeerMarkdown
{
    public const string Title = "Against the libraries you would use instead";

    public static void Append(StringBuilder md, RunSummary s, Action? embedCharts = null)
    {
        var peers = s.Cases.Where(c => c.Suite == SuiteNames.Peers && c.Peer is not null).ToList();
        if (peers.Count == 0) return;
        md.AppendLine($"## {Title}").AppendLine();
        // fp32 and int8 libraries apart: each precision is compared with FoldBench's own peer of that precision.
        var fp32 = peers.Where(c => c.Precision != PrecisionNames.Int8).ToList();
        var int8 = peers.Where(c => c.Precision == PrecisionNames.Int8).ToList();
        if (fp32.Count > 0)
        {
            md.AppendLine("The same Y = X·Wᵀ + b (fp32, one thread) by each library, in the same run. FoldBench ÷ peer > 1 means FoldBench is faster; " +
                          "the fastest library of each shape is in bold.").AppendLine();
            md.Append(Table(fp32));
            md.AppendLine();
        }
        if (int8.Count > 0)
        {
            md.AppendLine("The same projection in int8 (int8 weights with per-channel scales, activations quantized at run time, one thread), " +
                          "in the same run; GOP/s (1 multiply-accumulate = 2 operations). FoldBench ÷ peer compares with foldbench-int8. " +
                          "An int8 library has no roof here: it may use instructions FoldBench cannot issue and so cannot measure " +
                          "(ONNX Runtime's MLAS uses 512-bit `vpdpbusd` on AVX-512 VNNI, which .NET 10 has no intrinsic for).").AppendLine();
            md.Append(Table(int8, own: "foldbench-int8", unit: "GOP/s"));
            md.AppendLine();
        }
        embedCharts?.Invoke();
        foreach (var p in s.Peers ?? [])
        {
            string what = p.Available ? string.Join("; ", p.Notes.Select(kv => $"{kv.Key}: {kv.Value}")) : $"not available — {p.Reason}";
            md.AppendLine($"- **{p.Name}**: {what}");
        }
        if (s.Peers is { Count: > 0 }) md.AppendLine();
    }

    public static string Table(IReadOnlyList<CaseResult> peers, string own = "foldbench", string unit = "GFLOP/s")
    {
        // Runs that read memory beside their streamed cases add the roofline with that rate (as the kernels table does).
        bool beside = peers.Any(c => c.MemoryBesideGBs is not null);
        (string, bool)[] columns =
        [
            ("Weights", false), ("M", true), ("K = N", true), ("Peer", false), (unit, true),
            ("% FMA peak", true), ("% bandwidth", true), ("% roofline", true),
            .. beside ? new[] { ("% roofline, memory beside", true) } : [],
            ("FoldBench ÷ peer", true), ("Correct", false),
        ];
        var t = new MarkdownTable(columns);
        foreach (var shape in peers.GroupBy(c => (c.Regime, c.M, c.K)).OrderBy(g => g.Key.Regime == RegimeNames.Streamed).ThenBy(g => g.Key.M).ThenBy(g => g.Key.K))
        {
            var ran = shape.Where(c => c.Unavailable is null && c.MedianNs > 0).ToList();
            var ours = ran.FirstOrDefault(c => c.Peer == own);
            var best = ran.MaxBy(c => c.Gflops ?? 0);
            foreach (var c in shape.OrderBy(c => c.Peer == own ? 0 : 1).ThenBy(c => c.Peer, StringComparer.Ordinal))
            {
                bool bold = ReferenceEquals(c, best);
                string B(string v) => bold && v != Units.Missing ? $"**{v}**" : v;
                string ratio = ours is not null && c.Unavailable is null && c.MedianNs > 0 ? (c.MedianNs / ours.MedianNs).ToString("0.00", CultureInfo.InvariantCulture) + "×" : Units.Missing;
                string correct = c.Unavailable is not null ? $"not run: {c.Unavailable}" : c.CorrectnessOk switch { true => "yes", false => "**no**", null => Units.Missing };
                t.Add([
                    c.Regime ?? Units.Missing, Units.Integer(c.M), Units.Integer(c.K), B(c.Peer!), B(Units.Fixed(c.Gflops, 1)), Units.Percent(c.PctFmaPeak),
                    Units.Percent(c.PctBandwidth), Units.Percent(c.PctRoofline),
                    .. beside ? new[] { Units.Percent(c.PctRooflineBeside) } : [],
                    ratio, correct,
                ]);
            }
        }
        return t.ToString();
    }
}
