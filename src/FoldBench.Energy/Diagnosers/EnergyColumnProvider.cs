using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FoldBench.Results;

namespace FoldBench.Energy.Diagnosers;

/// <summary>Energy columns for the BenchmarkDotNet summary. An unattributable case shows "n/a", never 0.</summary>
public sealed class EnergyColumnProvider(EnergyDiagnoser diagnoser) : IColumnProvider
{
    public IEnumerable<IColumn> GetColumns(Summary summary) =>
    [
        new EnergyColumn(diagnoser, "Energy/op", "Gross energy per operation over the actual-run window (J)", 0, r => r.GrossJoulesPerOp, "J"),
        new EnergyColumn(diagnoser, "Net J/op", "Energy per operation above the idle baseline (J)", 1, r => r.NetJoulesPerOp, "J"),
        new EnergyColumn(diagnoser, "Net J/token", "Energy per token above the idle baseline (J)", 2, r => r.NetJoulesPerToken, "J"),
        new EnergyColumn(diagnoser, "Power", "Average power over the actual-run window (W)", 3, r => r.AverageWatts, "W"),
        new EnergyColumn(diagnoser, "Net W", "Average power above the idle baseline (W)", 4, r => r.NetWatts, "W"),
    ];

    private sealed class EnergyColumn(EnergyDiagnoser diagnoser, string name, string legend, int priority, Func<EnergyResult, double?> value, string unit) : IColumn
    {
        public string Id => $"FoldBenchEnergy.{name}";
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Metric;
        public int PriorityInCategory => priority;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => legend;
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var r = diagnoser.ResultFor(benchmarkCase);
            if (r is null) return "-";
            if (!r.Attributable) return "n/a";
            return value(r) is { } v ? Format(v, unit) : "-";
        }
    }

    /// <summary>"1.234 mJ", "12.3 W": SI prefixes so per-op figures from nJ to J stay readable.</summary>
    public static string Format(double v, string unit)
    {
        double a = Math.Abs(v);
        (double scale, string prefix) = a == 0 ? (1, "") : a >= 1 ? (1, "") : a >= 1e-3 ? (1e3, "m") : a >= 1e-6 ? (1e6, "µ") : (1e9, "n");
        return (v * scale).ToString("0.###", CultureInfo.InvariantCulture) + " " + prefix + unit;
    }
}
