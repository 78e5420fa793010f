using System.Text.Json;

namespace FoldBench.Model.Tests;

public class ModelReportTests
{
    private static (ModelAccount Baseline, ModelAccount[] Accounts) Accounts(string preset)
    {
        var c = ModelPresets.Get(preset);
        var accounts = new[] { 1, 2, 4 }.Select(n => ModelAccounting.Compute(c, new FoldingOptions(n))).ToArray();
        return (accounts[0], accounts);
    }

    [Fact]
    public void Table_has_a_column_per_fold_factor_and_the_reductions()
    {
        var (baseline, accounts) = Accounts("emformer-base");
        string table = ModelReport.Table(baseline, accounts);
        Assert.Contains("fold=1", table);
        Assert.Contains("fold=4", table);
        Assert.Contains("reductions vs fold=1", table);
        Assert.DoesNotContain("N=", table);
        // torchaudio's emformer_rnnt_base(4097) counts 76,738,049 parameters: 292.7 MiB in fp32.
        Assert.Contains("76,738,049", table);
        Assert.Contains("292.7", table);
        // Derived by hand, not by the accounting: each of the 20 layers' four D×D projections with bias hold
        // 4·512² + 4·512 = 1,050,624 parameters; folded by 4 (shared, width 128) 4·128² + 4·128 = 66,048; by 2
        // (width 256) 4·256² + 4·256 = 263,168. N = 4: 76,738,049 − 20·984,576 = 57,046,529, 19,691,520 fewer,
        // 25.66 % of the model; N = 2: 76,738,049 − 20·787,456 = 60,988,929.
        Assert.Contains("57,046,529", table);
        Assert.Contains("60,988,929", table);
        Assert.Contains("25.7 %", table);
    }

    [Fact]
    public void Json_carries_the_same_numbers()
    {
        var (baseline, accounts) = Accounts("ondevice-256");
        using var doc = JsonDocument.Parse(ModelDocument.Of(baseline, accounts).ToJson());
        var root = doc.RootElement;
        Assert.Equal(["config", "options", "baselineFold", "folds"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ondevice-256", root.GetProperty("config").GetProperty("name").GetString());
        var folds = root.GetProperty("folds");
        Assert.Equal(3, folds.GetArrayLength());
        for (int i = 0; i < 3; i++)
        {
            var f = folds[i];
            Assert.Equal(accounts[i].Options.Fold, f.GetProperty("fold").GetInt32());
            Assert.Equal(accounts[i].ModelParameters, f.GetProperty("parameters").GetProperty("model").GetInt64());
            Assert.Equal(accounts[i].TotalMacs, f.GetProperty("encoderStep").GetProperty("totalMacs").GetInt64());
            Assert.Equal(accounts[i].PerLayer.ProjectionMacs, f.GetProperty("perLayer").GetProperty("projectionMacs").GetInt64());
            Assert.Equal(accounts[i].Parameters.Model.BytesFp16, f.GetProperty("bytes").GetProperty("model").GetProperty("fp16").GetInt64());
        }
        Assert.Equal(0, folds[0].GetProperty("reductionPercent").GetProperty("model").GetDouble());
        Assert.True(folds[2].GetProperty("reductionPercent").GetProperty("encoder").GetDouble() > 0);

        // Independent of the accounting code, for ondevice-256 (D = 256, 12 layers, chunk 4 + look-ahead 1 = 5 rows):
        // folding by N removes 12·[(4·256² + 4·256) − (4·(256/N)² + 4·256/N)] parameters: N = 2 → 12·197,120 = 2,365,440,
        // N = 4 → 12·246,528 = 2,958,336; fp16 stores 2 bytes each.
        long Params(int i) => folds[i].GetProperty("parameters").GetProperty("model").GetInt64();
        Assert.Equal(2_365_440, Params(0) - Params(1));
        Assert.Equal(2_958_336, Params(0) - Params(2));
        Assert.Equal(2 * Params(2), folds[2].GetProperty("bytes").GetProperty("model").GetProperty("fp16").GetInt64());
        // Projection MACs per layer and step: 5 rows · 4 projections · D²/N = 5·4·65,536/N.
        long[] projectionMacs = [1_310_720, 655_360, 327_680];
        for (int i = 0; i < 3; i++)
            Assert.Equal(projectionMacs[i], folds[i].GetProperty("perLayer").GetProperty("projectionMacs").GetInt64());
    }

    [Fact]
    public void Table_reports_elementwise_work_and_the_resident_footprint()
    {
        var (baseline, accounts) = Accounts("emformer-base");
        string table = ModelReport.Table(baseline, accounts);
        // Softmax exps per step, chunk 4: 8 heads × 5 × 35 × 20 layers = 28,000 unfolded, 4× at N = 2, 16× at N = 4.
        Assert.Contains("28,000", table);
        Assert.Contains("112,000", table);
        Assert.Contains("448,000", table);
        Assert.Contains("GELU elements/step", table);
        Assert.Contains("204,800", table);                 // 5 rows × 2048 × 20 layers
        Assert.Contains("resident K/V buffers (MiB)", table);
        // 20 layers × (30 + 5) tokens × 2·512 floats × 4 bytes = 2,867,200 bytes = 2.73 MiB, the same at every fold.
        Assert.Contains("2.73", table);
        Assert.Contains("resident scratch (MiB)", table);
    }

    [Fact]
    public void Chunk_table_has_a_row_per_chunk_and_fold_with_reductions_against_its_own_chunk()
    {
        var c = ModelPresets.Get("emformer-base");
        var chunks = new[] { 1, 64 }.Select(t => c.WithChunk(t))
            .Select(x => new ChunkAccounts(ModelAccounting.Compute(x, FoldingOptions.Unfolded),
                [.. new[] { 1, 4 }.Select(n => ModelAccounting.Compute(x, new FoldingOptions(n)))]))
            .ToList();
        string table = ModelReport.ChunkTable(chunks);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("chunk T", StringComparison.Ordinal));
        Assert.True(header >= 0, table);
        Assert.Equal(4, lines.Length - header - 1);                      // 2 chunks × 2 folds
        // Model size at N = 4 is 25.7 % smaller whatever the chunk (see Table_has_a_column_per_fold_factor…).
        Assert.Equal(2, lines.Count(l => l.Contains("25.7 %")));
        // Softmax exps at chunk 1 (Q = 2, S = 32), N = 4: 8 × 8 × 128 × 20 = 163,840; at chunk 64 (Q = 65, S = 95):
        // 8 × 260 × 380 × 20 = 15,808,000.
        Assert.Contains("163,840", table);
        Assert.Contains("15,808,000", table);
        // MACs per token at chunk 64, unfolded: 20 × [65·4·512² + 2·65·95·512 + 2·65·512·2048] / 64 = 4,215,910,400 / 64
        // = 65.87 M.
        Assert.Contains("65.87", table);
    }

    [Fact]
    public void Chunk_json_nests_the_folds_under_each_chunk()
    {
        var c = ModelPresets.Get("ondevice-144");
        var chunks = new[] { 2, 8 }.Select(t => c.WithChunk(t))
            .Select(x => new ChunkAccounts(ModelAccounting.Compute(x, FoldingOptions.Unfolded),
                [.. new[] { 1, 2 }.Select(n => ModelAccounting.Compute(x, new FoldingOptions(n)))]))
            .ToList();
        using var doc = JsonDocument.Parse(ModelDocument.Of(chunks).ToJson());
        var list = doc.RootElement.GetProperty("chunks");
        Assert.Equal(2, list.GetArrayLength());
        Assert.Equal(8, list[1].GetProperty("chunkTokens").GetInt32());
        var n2 = list[1].GetProperty("folds")[1];
        Assert.Equal(2, n2.GetProperty("fold").GetInt32());
        // ondevice-144 at chunk 8: Q = 9, S = 39, 4 heads, 16 layers; N = 2 keeping heads: 4 × 18 × 78 × 16 = 89,856 exps.
        Assert.Equal(89_856, n2.GetProperty("encoderStep").GetProperty("elementwise").GetProperty("softmaxExps").GetInt64());
        // Key/value buffers: 16 layers × (30 + 9) tokens × 2·144 floats × 4 bytes = 718,848 bytes.
        Assert.Equal(718_848, n2.GetProperty("resident").GetProperty("cacheBytes").GetInt64());
    }
}
