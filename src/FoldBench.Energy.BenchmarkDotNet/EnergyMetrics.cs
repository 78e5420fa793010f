using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using FoldBench.Results;

namespace FoldBench.Energy.BenchmarkDotNet;

/// <summary>
/// The energy columns: BenchmarkDotNet shows a diagnoser's metrics as summary columns. A case whose energy is
/// not attributable gets no metric, so its cells read "-", never 0 (the reason is in the log).
/// </summary>
public static class EnergyMetrics
{
    public static readonly IMetricDescriptor GrossJoulesPerOp = new Descriptor("FoldBenchEnergy.GrossJPerOp", "Gross J/op", "Energy per operation over the actual-run window (J)", 0, "J");
    public static readonly IMetricDescriptor NetJoulesPerOp = new Descriptor("FoldBenchEnergy.NetJPerOp", "Net J/op", "Energy per operation above the idle baseline (J)", 1, "J");
    public static readonly IMetricDescriptor BoundJoulesPerOp = new Descriptor("FoldBenchEnergy.BoundJPerOp", "±J/op", "Error bound of the energy per operation: counter resolution and update period at the window edges, idle baseline (J)", 2, "J");
    public static readonly IMetricDescriptor NetJoulesPerToken = new Descriptor("FoldBenchEnergy.NetJPerToken", "Net J/token", "Energy per token above the idle baseline (J)", 3, "J");
    public static readonly IMetricDescriptor Watts = new Descriptor("FoldBenchEnergy.Watts", "W", "Average power over the actual-run window (W)", 4, "W");
    public static readonly IMetricDescriptor NetWatts = new Descriptor("FoldBenchEnergy.NetWatts", "Net W", "Average power above the idle baseline (W)", 5, "W");

    /// <summary>The metrics of one attributed case (none when it is not attributable).</summary>
    public static IEnumerable<Metric> From(EnergyResult r)
    {
        if (!r.Attributable) yield break;
        if (r.GrossJoulesPerOp is { } gross) yield return new Metric(GrossJoulesPerOp, gross);
        if (r.NetJoulesPerOp is { } net) yield return new Metric(NetJoulesPerOp, net);
        if (r.UncertaintyJoulesPerOp is { } bound) yield return new Metric(BoundJoulesPerOp, bound);
        if (r.NetJoulesPerToken is { } perToken) yield return new Metric(NetJoulesPerToken, perToken);
        if (r.AverageWatts is { } w) yield return new Metric(Watts, w);
        if (r.NetWatts is { } netW) yield return new Metric(NetWatts, netW);
    }

    private sealed class Descriptor(string id, string name, string legend, int priority, string unit) : IMetricDescriptor
    {
        public string Id => id;
        public string DisplayName => name;
        public string Legend => legend;
        // Four significant digits from nJ to kJ; the unit is in the column name.
        public string NumberFormat => "G4";
        public UnitType UnitType => UnitType.Dimensionless;
        public string Unit => unit;
        public bool TheGreaterTheBetter => false;
        public int PriorityInCategory => priority;
        public bool GetIsAvailable(Metric metric) => true;
    }
}
