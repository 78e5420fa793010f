using System.Text;
using FoldBench.Kernels;
using FoldBench.Results.Formatting;

namespace FoldBench.Model;

/// <summary>The accounts of one chunk size: its baseline (normally fold 1) and one account per fold factor.</summary>
public sealed record ChunkAccounts(ModelAccount Baseline, IReadOnlyList<ModelAccount> Folds)
{
    public int ChunkTokens => Baseline.Config.ChunkTokens;
}

/// <summary>
/// Renders accounts of one configuration at several fold factors as a table, one column per fold factor
/// (the JSON form is <see cref="ModelDocument"/>); with several chunk sizes, one row per chunk size and fold
/// factor, as the paper lays out size, MACs and bytes against the chunk size. Reductions are relative to the
/// baseline account of the same chunk size (normally fold 1), positive when smaller:
/// 100·(1 − value/baseline).
/// </summary>
public static class ModelReport
{
    /// <summary>Reduction in percent (positive = smaller than the baseline).</summary>
    public static double ReductionPercent(double value, double baseline) => baseline == 0 ? 0 : 100.0 * (1 - value / baseline);

    private const string Footnote =
        "MACs, element-wise work and bytes per encoder step (steady state, fp32); MAC FLOPs only in the arithmetic intensity.\n" +
        "Resident: the encoder's fp32 weights, every layer's key/value buffer (left context and this step) and the shared\n" +
        "scratch, whose attention part holds one head's full score matrix.";

    private const string Int8Footnote =
        "MACs, element-wise work and bytes per encoder step (steady state, int8 linear layers); MAC FLOPs (int8 operations)\n" +
        "only in the arithmetic intensity. Weights are read as stored: a byte per weight, an fp32 scale per output channel,\n" +
        "the fp32 bias, fp32 LayerNorms. Activations, keys/values, scores, softmax and norms stay fp32; each projection also\n" +
        "writes and reads back its input's quantized rows (bytes and one fp32 scale per row).\n" +
        "Resident: the encoder's weights as stored, every layer's key/value buffer (left context and this step) and the shared\n" +
        "scratch, whose attention part holds one head's full score matrix, plus the quantized rows.";

    private static string FootnoteOf(ModelAccount a) => a.Precision == Precision.Int8 ? Int8Footnote : Footnote;

    public static string Table(ModelAccount baseline, IReadOnlyList<ModelAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (accounts.Count == 0) throw new ArgumentException("no accounts to report", nameof(accounts));
        var a0 = accounts[0];
        var sb = new StringBuilder();
        Heading(sb, a0, baseline);
        sb.AppendLine(FootnoteOf(a0));
        sb.AppendLine();

        var rows = new List<(string Label, Func<ModelAccount, string> Cell)>
        {
            ("parameters, whole model", a => Units.Count(a.ModelParameters)),
            ("model size fp32 (MiB)", a => Units.Fixed(a.Parameters.Model.MiBFp32, 1)),
            ("  fp16 / int8 (MiB)", a => $"{Units.Fixed(a.Parameters.Model.BytesFp16 / 1048576.0, 1)} / {Units.Fixed(a.Parameters.Model.BytesInt8 / 1048576.0, 1)}"),
            ("  reduction", a => Percent(a.ModelParameters, baseline.ModelParameters)),
            ("parameters, encoder", a => Units.Count(a.EncoderParameters)),
            ("encoder size fp32 (MiB)", a => Units.Fixed(a.Parameters.Encoder.MiBFp32, 1)),
            ("  reduction", a => Percent(a.EncoderParameters, baseline.EncoderParameters)),
            ("attention-projection params", a => Units.Count(a.Parameters.AttentionProjections.Parameters)),
            ("  reduction", a => Percent(a.Parameters.AttentionProjections.Parameters, baseline.Parameters.AttentionProjections.Parameters)),
            ("FFN params", a => Units.Count(a.Parameters.Ffn.Parameters)),
            ("LayerNorm params", a => Units.Count(a.Parameters.Norms.Parameters)),
            ("rest of RNN-T params", a => Units.Count(a.Parameters.RestOfModel.Parameters)),
            ("projection MMAC/step", a => Units.Fixed(a.ProjectionMacs / 1e6, 2)),
            ("score MMAC/step", a => Units.Fixed(a.ScoreMacs / 1e6, 2)),
            ("FFN MMAC/step", a => Units.Fixed(a.FfnMacs / 1e6, 2)),
            ("total MMAC/step", a => Units.Fixed(a.TotalMacs / 1e6, 2)),
            ("  reduction", a => Percent(a.TotalMacs, baseline.TotalMacs)),
            ("weights read/step (MiB)", a => Units.Fixed(a.WeightBytesReadPerStep / 1048576.0, 2)),
            ("bytes moved/token (MiB)", a => Units.Fixed(a.BytesMovedPerToken / 1048576.0, 2)),
            ("  reduction", a => Percent(a.BytesMovedPerToken, baseline.BytesMovedPerToken)),
            ("arithmetic intensity (FLOP/B)", a => Units.Fixed(a.ArithmeticIntensity, 2)),
            ("score-matrix traffic/step (MiB)", a => Units.Fixed(a.ScoreBytesPerStep / 1048576.0, 2)),
            ("softmax exps/step", a => Units.Count(a.Elementwise.SoftmaxExps)),
            ($"{a0.Elementwise.Activation.Name} elements/step", a => Units.Count(a.Elementwise.ActivationElements)),
            ("LayerNorm elements/step", a => Units.Count(a.Elementwise.LayerNormElements)),
            ("element-wise MFLOP/step", a => Units.Fixed(a.Elementwise.Flops / 1e6, 2)),
            ($"resident weights {a0.Precision.Name()} (MiB)", a => Units.Fixed(a.Footprint.WeightBytes / 1048576.0, 2)),
            ("resident K/V buffers (MiB)", a => Units.Fixed(a.Footprint.CacheBytes / 1048576.0, 2)),
            ("resident scratch (MiB)", a => Units.Fixed(a.Footprint.ScratchBytes / 1048576.0, 2)),
            ("resident encoder total (MiB)", a => Units.Fixed(a.Footprint.TotalBytes / 1048576.0, 2)),
            ("  reduction", a => Percent(a.Footprint.TotalBytes, baseline.Footprint.TotalBytes)),
        };

        if (a0.Precision != Precision.Fp32)
            rows.Insert(rows.FindIndex(r => r.Label.StartsWith("weights read/step", StringComparison.Ordinal)) + 1,
                ("quantized rows/step (MiB)", a => Units.Fixed(a.EncoderStep.QuantizedRowBytesPerStep / 1048576.0, 2)));

        var headers = accounts.Select(a => $"fold={a.Options.Fold}").ToArray();
        Columns(sb, [.. rows.Select(r => (r.Label, accounts.Select(r.Cell).ToArray()))], headers);
        return sb.ToString();
    }

    /// <summary>
    /// The paper-style table: one row per chunk size and fold factor with the model's size, the encoder's resident
    /// footprint, MACs per step and per token, and bytes moved per token, each with its reduction against the same
    /// chunk size's baseline.
    /// </summary>
    public static string ChunkTable(IReadOnlyList<ChunkAccounts> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0 || chunks.Any(c => c.Folds.Count == 0)) throw new ArgumentException("no accounts to report", nameof(chunks));
        var sb = new StringBuilder();
        var first = chunks[0].Folds[0];
        Heading(sb, first, chunks[0].Baseline, chunkVaries: true);
        sb.AppendLine(FootnoteOf(first));
        sb.AppendLine();
        var columns = new (string Header, Func<ModelAccount, ModelAccount, string> Cell)[]
        {
            ("chunk T", (a, _) => Units.Count(a.Config.ChunkTokens)),
            ("fold", (a, _) => Units.Count(a.Options.Fold)),
            (first.Precision == Precision.Fp32 ? "model MiB" : "fp32 model MiB", (a, _) => Units.Fixed(a.Parameters.Model.MiBFp32, 1)),
            ("red.", (a, b) => Percent(a.ModelParameters, b.ModelParameters)),
            ("resident MiB", (a, _) => Units.Fixed(a.Footprint.TotalBytes / 1048576.0, 2)),
            ("red.", (a, b) => Percent(a.Footprint.TotalBytes, b.Footprint.TotalBytes)),
            ("MMAC/step", (a, _) => Units.Fixed(a.TotalMacs / 1e6, 2)),
            ("MMAC/token", (a, _) => Units.Fixed(a.TotalMacs / 1e6 / a.Config.ChunkTokens, 2)),
            ("red.", (a, b) => Percent(a.TotalMacs, b.TotalMacs)),
            ("exps/step", (a, _) => Units.Count(a.Elementwise.SoftmaxExps)),
            ("MiB moved/token", (a, _) => Units.Fixed(a.BytesMovedPerToken / 1048576.0, 2)),
            ("red.", (a, b) => Percent(a.BytesMovedPerToken, b.BytesMovedPerToken)),
        };
        var rows = chunks.SelectMany(c => c.Folds.Select(a => columns.Select(col => col.Cell(a, c.Baseline)).ToArray())).ToList();
        var widths = columns.Select((col, i) => Math.Max(col.Header.Length, rows.Max(r => r[i].Length)) + 2).ToArray();
        for (int i = 0; i < columns.Length; i++) sb.Append(columns[i].Header.PadLeft(widths[i]));
        sb.AppendLine();
        foreach (var r in rows)
        {
            for (int i = 0; i < r.Length; i++) sb.Append(r[i].PadLeft(widths[i]));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static void Heading(StringBuilder sb, ModelAccount a, ModelAccount baseline, bool chunkVaries = false)
    {
        var c = a.Config;
        var o = a.Options;
        string chunk = chunkVaries ? "chunk T as below" : $"chunk T={c.ChunkTokens}";
        sb.AppendLine($"{c.Name}: D={c.Width}, H={c.Heads}, F={c.FfnWidth}, L={c.Layers}, {chunk}, look-ahead R={c.RightContextTokens}, " +
                      $"left context {c.LeftContextTokens} tokens{(c.Rnnt is null ? " (encoder only: no RNN-T modelled)" : "")}");
        sb.AppendLine($"folding: {FoldingOptions.Names.Of(o.Heads)} heads, {FoldingOptions.Names.Of(o.Sharing)} weights, " +
                      $"{FoldingOptions.Names.Of(o.Projections).ToUpperInvariant()} folded, FFN {(o.FoldFfn ? "folded" : "unfolded")}; " +
                      $"activation {a.Elementwise.Activation.Name}; reductions vs fold={baseline.Options.Fold}");
        if (a.Precision != Precision.Fp32)
            sb.AppendLine($"precision: {a.Precision.Name()} linear layers (attention projections and FFN); attention scores, softmax and norms fp32");
    }

    private static void Columns(StringBuilder sb, IReadOnlyList<(string Label, string[] Cells)> rows, IReadOnlyList<string> headers)
    {
        int labelWidth = rows.Max(r => r.Label.Length) + 2;
        int colWidth = Math.Max(headers.Max(h => h.Length), rows.Max(r => r.Cells.Max(x => x.Length))) + 2;
        sb.Append(new string(' ', labelWidth));
        foreach (var h in headers) sb.Append(h.PadLeft(colWidth));
        sb.AppendLine();
        foreach (var (label, cells) in rows)
        {
            sb.Append(label.PadRight(labelWidth));
            foreach (var cell in cells) sb.Append(cell.PadLeft(colWidth));
            sb.AppendLine();
        }
    }

    private static string Percent(double value, double baseline) => Units.Fixed(ReductionPercent(value, baseline), 1) + " %";
}
