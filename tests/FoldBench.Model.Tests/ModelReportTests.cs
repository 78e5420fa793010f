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
        Assert.Contains("N=1", table);
        Assert.Contains("N=4", table);
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
        using var doc = JsonDocument.Parse(ModelReport.Json(baseline, accounts));
        var root = doc.RootElement;
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
}
