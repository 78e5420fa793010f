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
        Assert.Contains("76,738,049", table);
        Assert.Contains("292.7", table);
        string reduction = ModelReport.ReductionPercent(accounts[2].ModelParameters, baseline.ModelParameters)
            .ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " %";
        Assert.Contains(reduction, table);
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
    }
}
