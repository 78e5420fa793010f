using FoldBench.Reporting.Charts;
using FoldBench.Results;

namespace FoldBench.Reporting.Tests;

/// <summary>A run that is not this machine's measured hardware says so in the report and on every energy chart.</summary>
public class EnergyProvenanceTests
{
    private static RunSummary WithProvenance(string provenance)
    {
        var s = FixtureCopy.Read(FixtureCopy.Arm64);
        s.Energy!.Provenance = provenance;
        foreach (var c in s.Cases.Where(c => c.Energy is not null)) c.Energy!.Provenance = provenance;
        return s;
    }

    private static Figure EnergyChart(RunSummary s)
    {
        FontCheck.EnsureSansFont();
        return ChartPlan.For(s).Single(c => c.FileStem == "energy-projections").Draw();
    }

    [Fact]
    public void SimulatedCounters_AreLabelledInTheReportAndOnTheEnergyChart()
    {
        var s = WithProvenance(EnergyProvenance.Simulated);
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("- SIMULATED energy: the counters were read under a fixture root", md);
        Assert.Contains("**simulated**, not measured hardware", md);
        Assert.Contains(EnergyChart(s).Notices, n => n.StartsWith("SIMULATED energy", StringComparison.Ordinal));
    }

    [Fact]
    public void ATrace_IsLabelledAsAnExternalMeter()
    {
        var s = WithProvenance(EnergyProvenance.Trace);
        Assert.Contains(EnergyChart(s).Notices, n => n.StartsWith("Energy from an external meter's trace", StringComparison.Ordinal));
        Assert.Contains("- Energy from an external meter's trace", ReportGenerator.RenderReportMarkdown(s));
    }

    [Fact]
    public void MeasuredHardware_CarriesNoSuchLabel_ButTheBoundSaysWhatItCovers()
    {
        var s = WithProvenance(EnergyProvenance.Measured);
        var figure = EnergyChart(s);
        Assert.DoesNotContain(figure.Notices, n => n.Contains("SIMULATED", StringComparison.Ordinal) || n.Contains("trace", StringComparison.Ordinal));
        Assert.Contains("± bound: counter timing and resolution, idle noise and drift; not the counter's own model error.", figure.Notes);
        Assert.Contains("not the counter's own model error", ReportGenerator.RenderReportMarkdown(s));
    }

    [Fact]
    public void TheIdleBoundAndBothIdleMeasurements_AreInTheReport()
    {
        var s = WithProvenance(EnergyProvenance.Measured);
        s.Energy!.IdleWatts = 2.7;
        s.Energy.IdleBoundWatts = 0.15;
        s.Energy.IdleSettleSeconds = 5;
        s.Energy.IdleMeasurements = [new IdleMeasurement { When = "before", Watts = 2.6, Seconds = 5 }, new IdleMeasurement { When = "after", Watts = 2.8, Seconds = 5 }];
        string md = ReportGenerator.RenderReportMarkdown(s);
        Assert.Contains("idle baseline 2.70 W ± 0.15 W", md);
        Assert.Contains("measured before the sweep (2.60 W) and after the sweep (2.80 W), each after 5 s to settle", md);
    }
}
