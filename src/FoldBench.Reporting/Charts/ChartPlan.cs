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
        // One chart per precision: GFLOP/s against the FMA peak and GOP/s against the int8 peak share no axis. The roofline
        // chart draws the fp32 roofs; the int8 cases' bounds are in the kernels table.
        var all = RunSelection.Kernels(s);
        var kernels = all.Where(c => PrecisionNames.Of(c) == PrecisionNames.Fp32).ToList();
        if (kernels.Count > 0)
        {
            charts.Add(new KernelThroughputChart(kernels, s.Calibration));
            charts.Add(new RooflineChart(kernels, s.Calibration, s.Machine.Name.Length > 0 ? s.Machine.Name : "this machine"));
        }
        var int8 = all.Where(c => PrecisionNames.Of(c) == PrecisionNames.Int8).ToList();
        if (int8.Count > 0) charts.Add(new KernelThroughputChart(int8, s.Calibration, PrecisionNames.Int8));
        var peers = PeerThroughputChart.Plottable(s.Cases);
        if (peers.Count > 0) charts.Add(new PeerThroughputChart(peers, s.Calibration));
        return charts;
    }
}
