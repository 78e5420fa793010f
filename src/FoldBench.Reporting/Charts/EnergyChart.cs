using FoldBench.Reporting.Data;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Charts;

/// <summary>
/// Power and energy vs chunk size per fold factor: average watts and net joules per token with the ± bound.
/// Cases without attributable energy are left out and the title band says why; nothing is ever drawn as zero.
/// </summary>
internal sealed class EnergyChart(SweepGroup group, EnergyRunInfo? runEnergy, bool complete) : IChart
{
    public string FileStem => $"energy-{group.FileSuffix}";
    public string Title => $"Power and energy vs chunk size — {group.Label}";
    public string Section => group.FileSuffix;

    public Figure Draw()
    {
        var notices = new List<string>(EnergyNotices.Warnings(group.Cases, runEnergy));
        notices.AddRange(SweepNotices.For(group, complete));
        bool none = !group.Cases.Any(EnergyNotices.HasEnergy);
        string empty = none ? "no energy measured" : "not available";
        return new Figure
        {
            Title = Title,
            Notices = notices,
            Notes = [.. EnergyNotices.Source(group.Cases, runEnergy), .. EnergyNotices.BoundNote(group.Cases)],
            Legend = none ? [] : LinePanel.Legend(Series(_ => null, _ => null)),
            Columns = 2,
            PanelWidth = 640,
            Panels =
            [
                LinePanel.Create("Average power (gross)", "Chunk size (tokens)", group.Chunks, "Average power", null,
                    Series(e => e.AverageWatts, _ => null), empty, fixedUnit: "W"),
                LinePanel.Create("Net energy per token (± bound)", "Chunk size (tokens)", group.Chunks, "Net energy per token",
                    Units.EnergyScale, Series(e => e.NetJoulesPerToken, e => e.UncertaintyJoulesPerToken), empty),
            ],
        };
    }

    private List<LineSeries> Series(Func<EnergyResult, double?> value, Func<EnergyResult, double?> error) =>
        group.Folds.Select(fold => new LineSeries(
            FoldLegend.Label(fold), FoldLegend.Color(group.Folds, fold), FoldLegend.Marker(group.Folds, fold),
            group.Chunks
                .Select(ch => (ch, e: group.At(ch, fold)?.Energy))
                .Where(x => x.e is { Attributable: true } && value(x.e) is not null)
                .Select(x => new LinePoint(x.ch, value(x.e!)!.Value, error(x.e!)))
                .ToList()))
        .ToList();
}

/// <summary>What an energy chart or table must say about missing, partial or estimated energy.</summary>
internal static class EnergyNotices
{
    public static bool HasEnergy(CaseResult c) => c.Energy is { Attributable: true };

    /// <summary>Longest unavailable-reason a chart prints in full (about two lines of its notice).</summary>
    public const int MaxChartReason = 200;

    public static string UnavailableReason(IReadOnlyList<CaseResult> cases, EnergyRunInfo? run) =>
        run?.UnavailableReason
        ?? cases.Select(c => c.Energy?.Reason).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r))
        ?? "no energy source was usable";

    /// <summary>Missing, partial or estimated energy: said in red above the chart.</summary>
    public static IReadOnlyList<string> Warnings(IReadOnlyList<CaseResult> cases, EnergyRunInfo? run)
    {
        var notices = new List<string>();
        int with = cases.Count(HasEnergy);
        if (with == 0)
        {
            // A chart has room for a short reason; a long one (every source's, from discovery) is
            // pointed to instead, so the notice does not bury the chart.
            string reason = UnavailableReason(cases, run).TrimEnd('.');
            notices.Add(reason.Length <= MaxChartReason
                ? $"No energy figures: {reason}. Nothing is plotted (no zeros)."
                : "No usable energy source on this machine (why: report.md Caveats, or `foldbench sensors`). Nothing is plotted (no zeros).");
            return notices;
        }
        if (with < cases.Count)
        {
            var reason = cases.Where(c => !HasEnergy(c)).Select(c => c.Energy?.Reason).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r))
                         ?? "no energy recorded";
            notices.Add($"{cases.Count - with} of {cases.Count} cases have no attributable energy ({reason.TrimEnd('.')}) and are left out.");
        }
        if (NotMeasured(cases, run) is { } provenance)
            notices.Add(provenance);
        else if (cases.Any(c => c.Energy is { Attributable: true, Estimated: true }))
            notices.Add("Estimated by a power model, not metered: compare trends, not absolute joules.");
        return notices;
    }

    /// <summary>
    /// The label a run that is not this machine's measured hardware carries on every energy chart and in the report:
    /// simulated counters, or an external meter's trace; null for measured hardware (or results older than the field).
    /// </summary>
    public static string? NotMeasured(IReadOnlyList<CaseResult> cases, EnergyRunInfo? run)
    {
        var provenances = cases.Where(HasEnergy).Select(c => c.Energy!.Provenance).Append(run?.Source is null ? null : run.Provenance).ToList();
        if (provenances.Contains(EnergyProvenance.Simulated))
            return "SIMULATED energy: the counters were read under a fixture root (e.g. `foldbench sensors simulate`), not this machine's hardware.";
        if (provenances.Contains(EnergyProvenance.Trace))
            return "Energy from an external meter's trace, mapped onto this host's clock: not this machine's own counters.";
        return null;
    }

    /// <summary>What the ± bound drawn on net energy covers, and what it does not.</summary>
    public static IReadOnlyList<string> BoundNote(IReadOnlyList<CaseResult> cases) =>
        cases.Any(HasEnergy)
            ? ["± bound: counter timing and resolution, idle noise and drift; not the counter's own model error."]
            : [];

    /// <summary>Where the joules come from, when there are any.</summary>
    public static IReadOnlyList<string> Source(IReadOnlyList<CaseResult> cases, EnergyRunInfo? run)
    {
        var measured = cases.Where(HasEnergy).Select(c => c.Energy!).ToList();
        if (measured.Count == 0) return [];
        var sources = measured.Select(e => string.IsNullOrEmpty(e.Domain) ? e.Source : $"{e.Source} ({e.Domain})").Distinct();
        string idle = run?.IdleWatts is double w ? $"; idle baseline {Units.Watts(w)} subtracted for net energy" : "";
        return [$"Source: {string.Join(", ", sources)}{idle}."];
    }
}
