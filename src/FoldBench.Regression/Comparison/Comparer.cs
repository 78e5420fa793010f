using FoldBench.Regression.Loading;
using FoldBench.Regression.Statistics;

namespace FoldBench.Regression.Comparison;

/// <summary>Matches the cases of two result sets by full name and judges each one.</summary>
public static class Comparer
{
    public static ComparisonReport Compare(ResultSet baseline, ResultSet current, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Alpha is > 0 and < 1)) throw new ArgumentException($"significance level must be in (0, 1), got {options.Alpha}");

        var common = baseline.Cases.Where(b => current.Find(b.FullName) is not null).Select(b => b.FullName).ToList();
        var onlyBase = baseline.Cases.Where(b => current.Find(b.FullName) is null).Select(b => b.FullName).ToList();
        var onlyCurrent = current.Cases.Where(c => baseline.Find(c.FullName) is null).Select(c => c.FullName).ToList();
        if (common.Count == 0)
            throw new ArgumentException(
                $"no common cases: BASE '{baseline.Source}' has {baseline.Cases.Count}, CURRENT '{current.Source}' has {current.Cases.Count}, and no full name matches");

        var skipped = new List<string>();
        var usable = new List<(BenchmarkCase B, BenchmarkCase C)>();
        foreach (var name in common)
        {
            var b = baseline.Find(name)!;
            var c = current.Find(name)!;
            string? missing = MissingData(b, c, options.Metric);
            if (missing is null) usable.Add((b, c));
            else skipped.Add($"{name}: {missing}");
        }
        if (usable.Count == 0)
            throw new ArgumentException(options.Metric == Metric.Instructions
                ? "no common cases with instruction counts on both sides (was CURRENT made by 'foldbench run --instructions'?)"
                : "no common cases with timings on both sides");

        string? reference = null;
        double scale = 1;
        if (options.NormalizeTo is { } wanted)
        {
            var r = ResolveReference(wanted, usable.Select(u => u.B).ToList());
            reference = r.FullName;
            var (rb, rc) = usable.First(u => u.B.FullName == reference);
            double baseRef = Level(rb, options.Metric), curRef = Level(rc, options.Metric);
            if (!(baseRef > 0) || !(curRef > 0))
                throw new ArgumentException($"reference case '{reference}' has no positive value to normalize by");
            // Rescale CURRENT so its reference matches BASE's: this cancels a uniform speed drift of
            // the machine between the runs and keeps BASE's units (so the noise floor still means ns).
            scale = baseRef / curRef;
        }

        double threshold = options.EffectiveThreshold;
        var results = new List<CaseComparison>();
        foreach (var (b, c) in usable)
        {
            var cmp = options.Metric == Metric.Instructions
                ? CompareInstructions(b, c, scale, threshold)
                : CompareTimes(b, c, scale, threshold, options.NoiseNs, options.Alpha);
            if (b.FullName == reference)
                cmp = cmp with { IsReference = true, Notes = [.. cmp.Notes, "reference of --normalize-to"] };
            else if (b.IsReferenceWorkload)
                cmp = cmp with { IsReference = true, Notes = [.. cmp.Notes, "fixed reference workload: shown, not judged"] };
            results.Add(cmp);
        }

        var failures = current.Cases.Where(c => c.CorrectnessOk == false).Select(c => c.FullName).ToList();
        // Instruction counts come from valgrind's one virtual CPU, so only timings are tied to the host.
        string? hostDifference = HostDescription.Difference(baseline.Host, current.Host);
        bool judged = options.Metric == Metric.Instructions || hostDifference is null || options.AllowDifferentHosts;
        return new ComparisonReport
        {
            HostDifference = hostDifference,
            Judged = judged,
            Options = options,
            BaseSource = baseline.Source,
            CurrentSource = current.Source,
            ReferenceCase = reference,
            Cases = results,
            OnlyInBase = onlyBase,
            OnlyInCurrent = onlyCurrent,
            Skipped = skipped,
            CorrectnessFailures = failures,
            GeometricMeanRatio = SampleStats.GeometricMean(results.Where(r => !r.IsReference).Select(r => r.Ratio)),
        };
    }

    private static string? MissingData(BenchmarkCase b, BenchmarkCase c, Metric metric)
    {
        if (metric == Metric.Instructions)
        {
            if (b.Instructions is not > 0) return "no instruction count in BASE";
            if (c.Instructions is not > 0) return "no instruction count in CURRENT";
            return null;
        }
        if (!b.HasTiming) return "no timing in BASE";
        if (!c.HasTiming) return "no timing in CURRENT";
        return null;
    }

    private static double Level(BenchmarkCase c, Metric metric) =>
        metric == Metric.Instructions ? c.Instructions ?? 0 : SampleStats.Median(c.TimingValues);

    /// <summary>Finds the reference case: exact full name, then exact short name, then a unique case-insensitive part.</summary>
    public static BenchmarkCase ResolveReference(string wanted, IReadOnlyList<BenchmarkCase> candidates)
    {
        var exact = candidates.FirstOrDefault(c => c.FullName == wanted);
        if (exact is not null) return exact;
        var byShort = candidates.Where(c => c.DisplayName == wanted).ToList();
        if (byShort.Count == 1) return byShort[0];
        var partial = candidates.Where(c => c.FullName.Contains(wanted, StringComparison.OrdinalIgnoreCase) ||
                                            c.DisplayName.Contains(wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (partial.Count == 1) return partial[0];
        if (partial.Count == 0)
            throw new ArgumentException($"--normalize-to '{wanted}' matches no case present in both BASE and CURRENT");
        throw new ArgumentException(
            $"--normalize-to '{wanted}' is ambiguous: it matches {partial.Count} cases ({string.Join("; ", partial.Take(3).Select(p => p.FullName))}{(partial.Count > 3 ? "; …" : "")})");
    }

    private static CaseComparison CompareInstructions(BenchmarkCase b, BenchmarkCase c, double scale, double threshold)
    {
        double bv = b.Instructions!.Value, cv = c.Instructions!.Value * scale;
        double ratio = cv / bv;
        // Counts are deterministic: no test, the threshold alone decides.
        var verdict = ratio > 1 + threshold ? Verdict.Slower : ratio < 1 - threshold ? Verdict.Faster : Verdict.Same;
        return new CaseComparison
        {
            FullName = b.FullName, DisplayName = b.DisplayName, BaseValue = bv, CurrentValue = cv, Ratio = ratio,
            Verdict = verdict, Method = CompareMethod.Instructions, BaseSamples = 1, CurrentSamples = 1,
        };
    }

    private static CaseComparison CompareTimes(BenchmarkCase b, BenchmarkCase c, double scale, double threshold, double noise, double alpha)
    {
        var bs = b.TimingValues;
        var cs = scale == 1 ? c.TimingValues : c.TimingValues.Select(v => v * scale).ToList();
        double bm = SampleStats.Median(bs), cm = SampleStats.Median(cs);
        double ratio = bm > 0 ? cm / bm : double.NaN;
        int bModes = Modality.CountModes(bs), cModes = Modality.CountModes(cs);
        var notes = new List<string>();
        if (bModes > 1) notes.Add($"BASE {Modality.Describe(bModes)}");
        if (cModes > 1) notes.Add($"CURRENT {Modality.Describe(cModes)}");

        if (EquivalenceTest.CanReachSignificance(bs.Count, cs.Count, alpha))
        {
            var t = EquivalenceTest.Run(bs, cs, threshold, noise, alpha);
            var verdict = t.Conclusion switch
            {
                ShiftConclusion.Slower => Verdict.Slower,
                ShiftConclusion.Faster => Verdict.Faster,
                ShiftConclusion.Same => Verdict.Same,
                _ => Verdict.Noisy,
            };
            // A median difference under the absolute floor is "same" whatever the test managed to show.
            if (verdict == Verdict.Noisy && Math.Abs(cm - bm) < noise) verdict = Verdict.Same;
            return new CaseComparison
            {
                FullName = b.FullName, DisplayName = b.DisplayName, BaseValue = bm, CurrentValue = cm, Ratio = ratio,
                Verdict = verdict, Method = CompareMethod.MannWhitney, BaseSamples = bs.Count, CurrentSamples = cs.Count,
                PSlower = t.PSlower, PFaster = t.PFaster, PEquivalent = t.PEquivalent,
                BaseModes = bModes, CurrentModes = cModes, Notes = notes,
            };
        }

        // With 3 against 3 samples (or a bare median) no rank test can reach the level: compare medians
        // against the margin, and say so.
        double margin = Math.Max(threshold * bm, noise);
        var v = cm - bm > margin ? Verdict.Slower : bm - cm > margin ? Verdict.Faster : Verdict.Same;
        notes.Add($"too few samples for a test ({bs.Count} vs {cs.Count}): medians compared directly");
        return new CaseComparison
        {
            FullName = b.FullName, DisplayName = b.DisplayName, BaseValue = bm, CurrentValue = cm, Ratio = ratio,
            Verdict = v, Method = CompareMethod.MediansOnly, BaseSamples = bs.Count, CurrentSamples = cs.Count,
            BaseModes = bModes, CurrentModes = cModes, Notes = notes,
        };
    }
}
