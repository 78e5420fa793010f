using System.Text;
using System.Text.Json;
using FoldBench.Results.Formatting;

namespace FoldBench.Model;

/// <summary>
/// Renders accounts of one configuration at several fold factors: a table (one column per fold
/// factor) and JSON. Reductions are relative to the first account given as baseline (normally
/// N = 1), positive when smaller: 100·(1 − value/baseline).
/// </summary>
public static class ModelReport
{
    /// <summary>Reduction in percent (positive = smaller than the baseline).</summary>
    public static double ReductionPercent(double value, double baseline) => baseline == 0 ? 0 : 100.0 * (1 - value / baseline);

    public static string Table(ModelAccount baseline, IReadOnlyList<ModelAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (accounts.Count == 0) throw new ArgumentException("no accounts to report", nameof(accounts));
        var c = accounts[0].Config;
        var o = accounts[0].Options;
        var sb = new StringBuilder();
        sb.AppendLine($"{c.Name}: D={c.Width}, H={c.Heads}, F={c.FfnWidth}, L={c.Layers}, chunk T={c.ChunkTokens}, look-ahead R={c.RightContextTokens}, left context {c.LeftContextTokens} tokens{(c.Rnnt is null ? " (encoder only: no RNN-T modelled)" : "")}");
        sb.AppendLine($"folding: {FoldingOptions.Names.Of(o.Heads)} heads, {FoldingOptions.Names.Of(o.Sharing)} weights, {FoldingOptions.Names.Of(o.Projections).ToUpperInvariant()} folded, FFN {(o.FoldFfn ? "folded" : "unfolded")}; reductions vs N={baseline.Options.Fold}; MACs and bytes per encoder step (steady state, fp32)");
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
        };

        int labelWidth = rows.Max(r => r.Label.Length) + 2;
        var cells = rows.Select(r => accounts.Select(r.Cell).ToArray()).ToList();
        var headers = accounts.Select(a => $"N={a.Options.Fold}").ToArray();
        int colWidth = Math.Max(headers.Max(h => h.Length), cells.Max(r => r.Max(x => x.Length))) + 2;

        sb.Append(new string(' ', labelWidth));
        foreach (var h in headers) sb.Append(h.PadLeft(colWidth));
        sb.AppendLine();
        for (int i = 0; i < rows.Count; i++)
        {
            sb.Append(rows[i].Label.PadRight(labelWidth));
            foreach (var cell in cells[i]) sb.Append(cell.PadLeft(colWidth));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    public static string Json(ModelAccount baseline, IReadOnlyList<ModelAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (accounts.Count == 0) throw new ArgumentException("no accounts to report", nameof(accounts));
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var o = accounts[0].Options;
            w.WriteStartObject();
            w.WritePropertyName("config");
            using (var config = JsonDocument.Parse(accounts[0].Config.ToJson())) config.RootElement.WriteTo(w);
            w.WriteStartObject("options");
            w.WriteString("heads", FoldingOptions.Names.Of(o.Heads));
            w.WriteString("sharing", FoldingOptions.Names.Of(o.Sharing));
            w.WriteString("projections", FoldingOptions.Names.Of(o.Projections));
            w.WriteBoolean("foldFfn", o.FoldFfn);
            w.WriteEndObject();
            w.WriteNumber("baselineFold", baseline.Options.Fold);
            w.WriteStartArray("folds");
            foreach (var a in accounts) WriteAccount(w, a, baseline);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteAccount(Utf8JsonWriter w, ModelAccount a, ModelAccount baseline)
    {
        var p = a.Parameters;
        w.WriteStartObject();
        w.WriteNumber("fold", a.Options.Fold);
        w.WriteStartObject("parameters");
        w.WriteNumber("model", p.Model.Parameters);
        w.WriteNumber("encoder", p.Encoder.Parameters);
        w.WriteNumber("attentionProjections", p.AttentionProjections.Parameters);
        w.WriteNumber("ffn", p.Ffn.Parameters);
        w.WriteNumber("norms", p.Norms.Parameters);
        w.WriteNumber("restOfModel", p.RestOfModel.Parameters);
        w.WriteNumber("layer", a.LayerParameters);
        w.WriteNumber("attentionBlock", a.AttentionBlockParameters);
        w.WriteEndObject();
        w.WriteStartObject("bytes");
        foreach (var (name, g) in new[] { ("model", p.Model), ("encoder", p.Encoder), ("attentionProjections", p.AttentionProjections), ("ffn", p.Ffn) })
        {
            w.WriteStartObject(name);
            w.WriteNumber("fp32", g.BytesFp32);
            w.WriteNumber("fp16", g.BytesFp16);
            w.WriteNumber("int8", g.BytesInt8);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("reductionPercent");
        w.WriteNumber("model", Round(ReductionPercent(p.Model.Parameters, baseline.Parameters.Model.Parameters)));
        w.WriteNumber("encoder", Round(ReductionPercent(p.Encoder.Parameters, baseline.Parameters.Encoder.Parameters)));
        w.WriteNumber("attentionProjections", Round(ReductionPercent(p.AttentionProjections.Parameters, baseline.Parameters.AttentionProjections.Parameters)));
        w.WriteNumber("totalMacs", Round(ReductionPercent(a.TotalMacs, baseline.TotalMacs)));
        w.WriteNumber("bytesMovedPerToken", Round(ReductionPercent(a.BytesMovedPerToken, baseline.BytesMovedPerToken)));
        w.WriteEndObject();
        WriteStep(w, "encoderStep", a.EncoderStep);
        WriteStep(w, "perLayer", a.PerLayer);
        WriteStep(w, "attentionBlock", a.AttentionBlock);
        w.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter w, string name, StepCost s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("projectionMacs", s.ProjectionMacs);
        w.WriteNumber("scoreMacs", s.ScoreMacs);
        w.WriteNumber("ffnMacs", s.FfnMacs);
        w.WriteNumber("totalMacs", s.TotalMacs);
        w.WriteNumber("weightBytesRead", s.WeightBytesReadPerStep);
        w.WriteNumber("activationBytes", s.ActivationBytesPerStep);
        w.WriteNumber("cacheBytes", s.CacheBytesPerStep);
        w.WriteNumber("bytesMoved", s.BytesMovedPerStep);
        w.WriteNumber("bytesMovedPerToken", Round(s.BytesMovedPerToken));
        w.WriteNumber("arithmeticIntensity", Round(s.ArithmeticIntensity));
        w.WriteEndObject();
    }

    private static double Round(double v) => Math.Round(v, 4);
    private static string Percent(double value, double baseline) => Units.Fixed(ReductionPercent(value, baseline), 1) + " %";
}
