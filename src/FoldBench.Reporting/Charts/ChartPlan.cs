using FoldBench.Reporting.Data;
using FoldBench.Results;

namespace FoldBench.Reporting.Charts;

/// <summary>The charts one run gets. The report embeds exactly these, so links and files always agree.</summary>
internal static class ChartPlan
{
    public const string PlotsFolder = "plots";

    public static IReadOnlyList<IChart> For(RunSummary s)
    {
        var charts = new List<IChart>();
        foreach (var g in RunSelection.FoldSweeps(s))
        {
            charts.Add(new MemoryChart(g, s.Complete));
            charts.Add(new EnergyChart(g, s.Energy, s.Complete));
            charts.Add(new ThroughputChart(g, s.Complete));
        }
        var kernels = RunSelection.Kernels(s);
        if (kernels.Count > 0)
        {
            charts.Add(new KernelThroughputChart(kernels, s.Calibration));
            charts.Add(new RooflineChart(kernels, s.Calibration, s.Machine.Name.Length > 0 ? s.Machine.Name : "this machine"));
        }
        var peers = PeerThroughputChart.Plottable(s.Cases);
        if (peers.Count > 0) charts.Add(new PeerThroughputChart(peers, s.Calibration));
        return charts;
    }
}
