using System.Globalization;
using System.Text;
using FoldBench.Platform;

namespace FoldBench.Results;

/// <summary><c>summary.csv</c>: one row per case, the flat columns a spreadsheet wants.</summary>
public static class SummaryCsv
{
    public const string FileName = "summary.csv";

    private static readonly (string Header, Func<CaseResult, object?> Value)[] Columns =
    [
        ("suite", c => c.Suite), ("name", c => c.Name), ("fullName", c => c.FullName), ("path", c => c.Path),
        ("preset", c => c.Preset), ("fold", c => c.Fold),
        ("heads", c => c.Heads), ("sharing", c => c.Sharing), ("projections", c => c.Projections), ("foldFfn", c => c.FoldFfn),
        ("chunkTokens", c => c.ChunkTokens),
        ("m", c => c.M), ("k", c => c.K), ("n", c => c.N), ("regime", c => c.Regime),
        ("medianNs", c => c.MedianNs), ("cv", c => c.CoefficientOfVariation),
        ("gflops", c => c.Gflops), ("pctFmaPeak", c => c.PctFmaPeak), ("gbPerS", c => c.GbPerS), ("pctBandwidth", c => c.PctBandwidth),
        ("weightBytes", c => c.WeightBytes), ("bytesPerToken", c => c.BytesPerToken), ("tokensPerS", c => c.TokensPerS),
        ("realTimeFactor", c => c.RealTimeFactor), ("allocatedBytes", c => c.AllocatedBytes), ("peakWorkingSetBytes", c => c.PeakWorkingSetBytes),
        ("instructions", c => c.Instructions), ("correct", c => c.CorrectnessOk),
        ("energySource", c => c.Energy?.Source), ("energyAttributable", c => c.Energy?.Attributable),
        ("grossJoulesPerToken", c => c.Energy?.GrossJoulesPerToken), ("netJoulesPerToken", c => c.Energy?.NetJoulesPerToken),
        ("averageWatts", c => c.Energy?.AverageWatts), ("netWatts", c => c.Energy?.NetWatts),
        ("uncertaintyJoulesPerToken", c => c.Energy?.UncertaintyJoulesPerToken),
        // Appended, so the columns of older files keep their places: gflops means GOP/s on an int8 row.
        ("precision", c => c.Precision ?? PrecisionNames.Fp32), ("fp32Path", c => c.Fp32Path),
        ("int8MaxAbsError", c => c.QuantizationError?.MaxAbs), ("int8RmsError", c => c.QuantizationError?.Rms),
        ("int8RelativeMaxError", c => c.QuantizationError?.RelativeMax),
        ("rooflineGflops", c => c.RooflineGflops), ("pctRoofline", c => c.PctRoofline), ("pctMachinePeak", c => c.PctMachinePeak),
        ("memoryBesideGBs", c => c.MemoryBesideGBs), ("pctRooflineBeside", c => c.PctRooflineBeside),
    ];

    public static string Render(RunSummary summary)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Columns.Select(c => c.Header)).Append('\n');
        foreach (var c in summary.Cases)
            sb.AppendJoin(',', Columns.Select(col => Field(col.Value(c)))).Append('\n');
        return sb.ToString();
    }

    public static void Write(string path, RunSummary summary) => AtomicFile.WriteAllText(path, Render(summary));

    private static string Field(object? v)
    {
        string s = v switch
        {
            null => "",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        };
        return s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
