using FoldBench.Reporting.Charts;
using FoldBench.Reporting.Data;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Markdown;

/// <summary>Everything a reader must know before trusting a run's numbers, derived from the results themselves.</summary>
internal static class Caveats
{
    /// <summary>Above this coefficient of variation (in any case) the run is called noisy.</summary>
    public const double NoisyCv = 0.05;

    public static IReadOnlyList<string> Derive(RunSummary s)
    {
        var list = new List<string>();
        if (Calibration(s) is { } unstable) list.Add(unstable);
        if (!s.Complete)
            list.Add($"Incomplete run: the sweep was interrupted (or was still running) when this summary was written; " +
                     $"the report covers the {s.Cases.Count} case(s) finished by then.");
        if (s.Machine.Emulated) list.Add(EmulationInfo.Caveat(s.Machine));
        var measured = s.Cases.Where(c => c.Suite != SuiteNames.Calibration).ToList();
        int withEnergy = measured.Count(EnergyNotices.HasEnergy);
        if (measured.Count > 0 && withEnergy == 0)
            list.Add($"No energy figures: {EnergyNotices.UnavailableReason(measured, s.Energy).TrimEnd('.')}. " +
                     "Energy columns are empty and the energy charts say so; nothing is reported as 0 W.");
        else if (withEnergy < measured.Count)
            list.Add($"Energy is missing for {measured.Count - withEnergy} of {measured.Count} cases " +
                     "(no energy recorded, or a window too short for the counter's update period).");
        if (EnergyNotices.NotMeasured(measured, s.Energy) is { } provenance)
            list.Add(provenance);
        else if (measured.Any(c => c.Energy is { Attributable: true, Estimated: true }))
            list.Add("Energy is estimated by a power model, not metered.");
        // A dry job's timings are not measurements, so their spread says nothing about the machine.
        if (s.Job != "dry" && RunSelection.Noise(s) is var (median, max, noisiest, _) && max > NoisyCv)
            list.Add($"Noisy machine: the coefficient of variation over iterations has median {Units.FractionAsPercent(median)} " +
                     $"and max {Units.FractionAsPercent(max)} (\"{noisiest.Name}\"); differences smaller than that spread are not meaningful.");
        if (s.Calibration is null)
            list.Add("No calibration in this run: % of FMA peak and % of bandwidth are unavailable.");
        else if (Roofline.SlowMemoryCases(s.Calibration, s.Cases) is { Count: > 0 } slow)
            list.Add($"Memory was slower beside {slow.Count} streamed case(s) than at the calibration: the slowest read " +
                     $"{Units.Fixed(slow[0].MemoryBesideGBs, 1)} GB/s beside \"{slow[0].Name}\", against a memory roof of " +
                     $"{Units.Fixed(s.Calibration.BandwidthGBsByLevel?.GetValueOrDefault(Roofline.Memory), 1)} GB/s. Their % of roofline " +
                     "understates their kernels; \"% roofline, memory beside\" (pctRooflineBeside) rates them against the memory rate beside them.");
        var wrong = s.Cases.Where(c => c.CorrectnessOk == false).ToList();
        if (wrong.Count > 0)
            list.Add($"{wrong.Count} case(s) did not match their double-precision reference (e.g. \"{wrong[0].Name}\"): their timings measure wrong code.");
        foreach (var g in RunSelection.FoldSweeps(s).Where(g => g.Duplicates.Count > 0))
            list.Add($"{g.Label}: {g.Duplicates.Count} case(s) repeat a chunk size and fold already shown (e.g. \"{g.Duplicates[0].Name}\"); tables and charts show the first.");
        return list;
    }

    /// <summary>
    /// An unstable calibration, or (in results judged before the flag existed) any case above 100% of its roof: every
    /// percentage in the report depends on the roofs, so this caveat comes before all others.
    /// </summary>
    public static string? Calibration(RunSummary s)
    {
        if (s.Calibration is { Stable: false } c)
            return $"**Calibration unstable**: {c.UnstableReason?.TrimEnd('.') ?? "no reason recorded"}. " +
                   "Every % of a roof in this report is suspect; rerun on a quieter machine.";
        var over = s.Cases.Where(c => c.PctRoofline > 100 || c.PctFmaPeak > 100).ToList();
        if (s.Calibration is not null && over.Count > 0)
            return $"**Calibration suspect**: {over.Count} case(s) exceed 100% of a measured roof (e.g. \"{over[0].Name}\"), " +
                   "so a roof was measured too low; every % of a roof in this report is suspect.";
        return null;
    }

    /// <summary>
    /// Emulation first (no number in the report represents the hardware then), then the calibration's caveat, then the
    /// run's own caveats, then derived ones that do not repeat them.
    /// </summary>
    public static IReadOnlyList<string> All(RunSummary s)
    {
        var first = new List<string>();
        if (s.Machine.Emulated) first.Add(EmulationInfo.Caveat(s.Machine));
        if (Calibration(s) is { } calibration) first.Add(calibration);
        var recorded = s.Caveats.Where(c => !string.IsNullOrWhiteSpace(c) && !first.Contains(c, StringComparer.Ordinal)).ToList();
        var derived = Derive(s).Where(d => !recorded.Contains(d, StringComparer.Ordinal) && !first.Contains(d, StringComparer.Ordinal));
        return [.. first, .. recorded, .. derived];
    }
}
