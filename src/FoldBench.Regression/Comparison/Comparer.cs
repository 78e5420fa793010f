using FoldBench.Regression.Loading;
using FoldBench.Regression.Statistics;
using FoldBench.Results.Formatting;

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
        var judgedSamples = new Dictionary<string, Judged>(StringComparer.Ordinal);
        var tiering = (Base: baseline.Host.Jit?.Tiering, Current: current.Host.Jit?.Tiering);
        foreach (var (b, c) in usable)
        {
            CaseComparison cmp;
            if (options.Metric == Metric.Instructions) cmp = CompareInstructions(b, c, scale, threshold);
            else
            {
                var (timed, samples) = CompareTimes(b, c, scale, threshold, options.NoiseNs, options.Alpha, tiering);
                cmp = timed;
                if (samples is { } s) judgedSamples[b.FullName] = s;
            }
            if (b.FullName == reference)
                cmp = cmp with { IsReference = true, Notes = [.. cmp.Notes, "reference of --normalize-to"] };
            else if (b.IsReferenceWorkload)
                cmp = cmp with { IsReference = true, Notes = [.. cmp.Notes, "fixed reference workload: shown, not judged"] };
            results.Add(cmp);
        }

        // A same-run reference (--normalize-to, or the timed probe's reference workload) already cancels
        // the machine's drift; without one, a common factor across most cases is the machine's, not the code's.
        MachineDrift? drift = null;
        bool hasReference = reference is not null || usable.Any(u => u.B.IsReferenceWorkload);
        if (options.Metric == Metric.Time && !hasReference)
            (drift, results) = JudgeAgainstCommonFactor(results, judgedSamples, threshold, options.NoiseNs, options.Alpha);

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
            MachineDrift = drift,
        };
    }

    /// <summary>Cases needed before a common factor can be told from a few cases that really changed.</summary>
    public const int MinCasesForDrift = 3;

    /// <summary>Cases needed before their scatter around the common factor (a MAD) is estimated.</summary>
    public const int MinCasesForScatter = 5;

    /// <summary>How many robust standard deviations of the cases' scatter a case must move beyond the common factor to stand out.</summary>
    public const double DriftOutlierZ = 3;

    /// <summary>
    /// Machine drift. Without a same-run reference, each case's log-ratio is the machine's change plus the
    /// code's; most cases are untouched by any one change of the code, so the median log-ratio is the
    /// machine's common factor and, from <see cref="MinCasesForScatter"/> cases on, the median absolute
    /// deviation around it (× 1.4826) is how much the machine's change varied from case to case. When the
    /// factor is beyond the threshold, or the cases scatter by more than the threshold, every stable case
    /// is judged again relative to the factor with a margin of max(threshold, e^(3σ) − 1): a case inside
    /// it moved with the machine (<see cref="Verdict.Drifted"/>); one beyond it keeps the verdict it earns
    /// relative to the factor, so slower still fails. Machine drift is declared only when fewer than a
    /// third of the cases were shown unmoved (the same within the threshold: a busier machine moves every
    /// case) and at least two thirds moved with the factor; otherwise the cases moved by different
    /// amounts, which a change of the code explains better than the machine, and the verdicts stand.
    /// </summary>
    private static (MachineDrift?, List<CaseComparison>) JudgeAgainstCommonFactor(
        List<CaseComparison> results, Dictionary<string, Judged> samples,
        double threshold, double noise, double alpha)
    {
        var candidates = results.Where(r => !r.IsReference && r.Verdict != Verdict.Unstable && r.Ratio > 0 && double.IsFinite(r.Ratio) &&
                                            samples.ContainsKey(r.FullName)).ToList();
        if (candidates.Count < MinCasesForDrift) return (null, results);
        var logs = candidates.Select(r => Math.Log(r.Ratio)).ToList();
        double center = SampleStats.Median(logs);
        double sigma = candidates.Count >= MinCasesForScatter ? 1.4826 * SampleStats.Median(logs.Select(l => Math.Abs(l - center)).ToList()) : 0;
        double limit = Math.Log(1 + threshold);
        if (Math.Abs(center) <= limit && sigma <= limit) return (null, results);
        // Cases shown to be unmoved (same, within the threshold) are the machine's alibi: a slower or
        // busier machine moves every case. A third of them or more, and the others moved by the code.
        if (candidates.Count(r => r.Verdict == Verdict.Same) * 3 >= candidates.Count) return (null, results);

        double factor = Math.Exp(center);
        double margin = Math.Max(threshold, Math.Exp(DriftOutlierZ * sigma) - 1);
        var rejudged = new Dictionary<string, CaseComparison>(StringComparer.Ordinal);
        foreach (var r in candidates)
        {
            var (bs, cs, byLaunch) = samples[r.FullName];
            var scaled = cs.Select(v => v / factor).ToList();
            var relative = byLaunch ? JudgeLaunches(bs, scaled, margin, noise, alpha) : Judge(bs, scaled, margin, noise, alpha);
            string against = $"the common factor {Units.Ratio(factor)}{(margin > threshold ? $" (margin {Units.FractionAsShortPercent(Math.Round(margin, 3))} from the cases' scatter)" : "")}";
            rejudged[r.FullName] = relative.Verdict switch
            {
                Verdict.Slower or Verdict.Faster => r with
                {
                    Verdict = relative.Verdict, RatioToCommonFactor = r.Ratio / factor,
                    PSlower = relative.PSlower, PFaster = relative.PFaster, PEquivalent = relative.PEquivalent,
                    Notes = [.. r.Notes, $"{(relative.Verdict == Verdict.Slower ? "slower" : "faster")} beyond {against}: {Units.Ratio(r.Ratio / factor)} relative to it"],
                },
                _ => r with
                {
                    Verdict = Verdict.Drifted, RatioToCommonFactor = r.Ratio / factor,
                    Notes = [.. r.Notes, $"moved with {against}: {Units.Ratio(r.Ratio / factor)} relative to it"],
                },
            };
        }
        int consistent = rejudged.Values.Count(r => r.Verdict == Verdict.Drifted);
        if (consistent * 3 < candidates.Count * 2) return (null, results);
        return (new MachineDrift(factor, Math.Exp(sigma), margin, consistent, candidates.Count),
                results.Select(r => rejudged.GetValueOrDefault(r.FullName) ?? r).ToList());
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

    /// <summary>What a case was judged on: iterations, or launch levels (one per process).</summary>
    private sealed record Judged(IReadOnlyList<double> B, IReadOnlyList<double> C, bool ByLaunch);

    /// <summary>A verdict on two sets of samples and how it was reached.</summary>
    private sealed record Judgement(Verdict Verdict, CompareMethod Method, double? PSlower, double? PFaster, double? PEquivalent, string? Note);

    /// <summary>The rank test when it can reach significance, else medians against the margin.</summary>
    private static Judgement Judge(IReadOnlyList<double> bs, IReadOnlyList<double> cs, double threshold, double noise, double alpha)
    {
        double bm = SampleStats.Median(bs), cm = SampleStats.Median(cs);
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
            return new Judgement(verdict, CompareMethod.MannWhitney, t.PSlower, t.PFaster, t.PEquivalent, null);
        }
        // With 3 against 3 samples (or a bare median) no rank test can reach the level: compare medians
        // against the margin, and say so.
        double margin = Math.Max(threshold * bm, noise);
        var v = cm - bm > margin ? Verdict.Slower : bm - cm > margin ? Verdict.Faster : Verdict.Same;
        return new Judgement(v, CompareMethod.MediansOnly, null, null, null,
            $"too few samples for a test ({bs.Count} vs {cs.Count}): medians compared directly");
    }

    private static (CaseComparison, Judged?) CompareTimes(
        BenchmarkCase b, BenchmarkCase c, double scale, double threshold, double noise, double alpha, (bool? Base, bool? Current) tiering)
    {
        if (b.Launches.Count >= 2 && c.Launches.Count >= 2) return CompareLaunches(b, c, scale, threshold, noise, alpha, tiering);
        var bAll = b.TimingValues;
        var cAll = scale == 1 ? c.TimingValues : c.TimingValues.Select(v => v * scale).ToList();
        var bStat = Stationarity.Analyze(bAll, threshold, noise);
        var cStat = Stationarity.Analyze(cAll, threshold, noise);
        var notes = new List<string>();
        if (!bStat.IsSteady) notes.Add(StationarityText.Describe("BASE", bStat, bAll.Count, tiering.Base));
        if (!cStat.IsSteady) notes.Add(StationarityText.Describe("CURRENT", cStat, cAll.Count, tiering.Current));

        // A side that changed level is judged on its fastest steady level alone (after a step down: the
        // state the warm-up reached; before a step up: the state before the interference) when that level
        // held long enough; a side that drifted, or whose levels were all too short, cannot be judged.
        IReadOnlyList<double>? bs = bStat.IsSteady ? bAll : bStat.SteadyLevel is { } bl ? bAll.Skip(bl.Start).Take(bl.Count).ToList() : null;
        IReadOnlyList<double>? cs = cStat.IsSteady ? cAll : cStat.SteadyLevel is { } cl ? cAll.Skip(cl.Start).Take(cl.Count).ToList() : null;
        var judgedOn = new List<string>();
        if (bStat.SteadyLevel is { } bj) judgedOn.Add(StationarityText.SteadyLevel("BASE", bStat, bj, bAll.Count));
        if (cStat.SteadyLevel is { } cj) judgedOn.Add(StationarityText.SteadyLevel("CURRENT", cStat, cj, cAll.Count));

        var common = new CaseComparison
        {
            FullName = b.FullName, DisplayName = b.DisplayName,
            BaseValue = SampleStats.Median(bs ?? bAll), CurrentValue = SampleStats.Median(cs ?? cAll), Ratio = double.NaN,
            Verdict = Verdict.Unstable, Method = CompareMethod.MannWhitney, BaseSamples = bAll.Count, CurrentSamples = cAll.Count,
            BaseSeries = bAll, CurrentSeries = cAll, BaseStationarity = bStat, CurrentStationarity = cStat,
            JudgedOn = judgedOn.Count > 0 && bs is not null && cs is not null ? string.Join("; ", judgedOn) : null,
        };
        common = common with { Ratio = common.BaseValue > 0 ? common.CurrentValue / common.BaseValue : double.NaN };

        if (bs is null || cs is null)
        {
            string which = bs is null && cs is null ? "neither side is" : bs is null ? "BASE is not" : "CURRENT is not";
            notes.Add($"not judged: {which} one steady state (re-run it; the ratio is of medians over all iterations)");
            double bm = SampleStats.Median(bAll), cm = SampleStats.Median(cAll);
            return (common with { BaseValue = bm, CurrentValue = cm, Ratio = bm > 0 ? cm / bm : double.NaN, JudgedOn = null, Notes = notes }, null);
        }

        int bModes = Modality.CountModes(bs), cModes = Modality.CountModes(cs);
        if (bModes > 1) notes.Add($"BASE {Modality.Describe(bModes)}");
        if (cModes > 1) notes.Add($"CURRENT {Modality.Describe(cModes)}");
        if (common.JudgedOn is { } on) notes.Add("judged on " + on);
        var j = Judge(bs, cs, threshold, noise, alpha);
        if (j.Note is not null) notes.Add(j.Note);
        return (common with
        {
            Verdict = j.Verdict, Method = j.Method, PSlower = j.PSlower, PFaster = j.PFaster, PEquivalent = j.PEquivalent,
            BaseModes = bModes, CurrentModes = cModes, Notes = notes,
        }, new Judged(bs, cs, false));
    }

    /// <summary>
    /// Several launches a side (BenchmarkDotNet's LaunchCount ≥ 2, one process each). Two processes of
    /// unchanged code can differ for the whole of their run (a per-process random string-hash seed, where
    /// the GC put the heap, which code the JIT produced), steadily, from the first iteration to the last:
    /// no series of one process can tell that from a slower build. With several processes the process is
    /// the replicate: each launch is checked for stationarity on its own and reduced to its level (the
    /// median of its steady iterations, or of its fastest steady level after a step), and the verdict is
    /// judged on those levels, so a single odd process moves a median of levels, not a verdict.
    /// </summary>
    private static (CaseComparison, Judged?) CompareLaunches(
        BenchmarkCase b, BenchmarkCase c, double scale, double threshold, double noise, double alpha, (bool? Base, bool? Current) tiering)
    {
        var notes = new List<string>();
        var bLevels = LaunchLevels("BASE", b.Launches, 1, threshold, noise, tiering.Base, notes);
        var cLevels = LaunchLevels("CURRENT", c.Launches, scale, threshold, noise, tiering.Current, notes);
        var bAll = b.TimingValues;
        var cAll = scale == 1 ? c.TimingValues : c.TimingValues.Select(v => v * scale).ToList();
        double bm = SampleStats.Median(bLevels.Count > 0 ? bLevels : bAll), cm = SampleStats.Median(cLevels.Count > 0 ? cLevels : cAll);
        var common = new CaseComparison
        {
            FullName = b.FullName, DisplayName = b.DisplayName, BaseValue = bm, CurrentValue = cm, Ratio = bm > 0 ? cm / bm : double.NaN,
            Verdict = Verdict.Unstable, Method = CompareMethod.LaunchSeparation, BaseSamples = bAll.Count, CurrentSamples = cAll.Count,
            BaseSeries = bAll, CurrentSeries = cAll, BaseLaunchLevels = bLevels, CurrentLaunchLevels = cLevels,
        };
        if (bLevels.Count < 2 || cLevels.Count < 2)
        {
            string which = bLevels.Count < 2 && cLevels.Count < 2 ? "neither side has" : bLevels.Count < 2 ? "BASE has not" : "CURRENT has not";
            notes.Add($"not judged: {which} two launches in one steady state (BASE {bLevels.Count} of {b.Launches.Count}, CURRENT {cLevels.Count} of {c.Launches.Count}; re-run it)");
            return (common with { Notes = notes }, null);
        }
        notes.Add($"judged on launch levels, one per process: BASE {LevelsText(bLevels)}, CURRENT {LevelsText(cLevels)}");
        var j = JudgeLaunches(bLevels, cLevels, threshold, noise, alpha);
        if (j.Note is not null) notes.Add(j.Note);
        return (common with { Verdict = j.Verdict, Method = j.Method, PSlower = j.PSlower, PFaster = j.PFaster, PEquivalent = j.PEquivalent, Notes = notes },
                new Judged(bLevels, cLevels, true));
    }

    /// <summary>Each launch's level: the median of its iterations when steady, of its fastest steady level after a step, none when neither.</summary>
    private static List<double> LaunchLevels(string side, IReadOnlyList<IReadOnlyList<double>> launches, double scale,
                                             double threshold, double noise, bool? tiering, List<string> notes)
    {
        var levels = new List<double>();
        for (int i = 0; i < launches.Count; i++)
        {
            var values = scale == 1 ? launches[i] : launches[i].Select(v => v * scale).ToList();
            if (values.Count == 0) continue;
            var st = Stationarity.Analyze(values, threshold, noise);
            string label = $"{side} launch {i + 1}";
            if (st.IsSteady) { levels.Add(SampleStats.Median(values)); continue; }
            notes.Add(StationarityText.Describe(label, st, values.Count, tiering));
            if (st.SteadyLevel is { } l)
            {
                levels.Add(SampleStats.Median(values.Skip(l.Start).Take(l.Count).ToList()));
                notes.Add("judged on " + StationarityText.SteadyLevel(label, st, l, values.Count));
            }
            else notes.Add($"{label} left out: not one steady state");
        }
        return levels;
    }

    private static string LevelsText(IReadOnlyList<double> levels) =>
        levels.Count + " (" + string.Join(", ", levels.Select(v => Units.Time(v))) + ")";

    /// <summary>
    /// The verdict on launch levels: the rank test when the launches are enough for it to reach α (4 against
    /// 4 and more); with fewer (3 against 3 can never get below 1/20), slower only when every CURRENT launch is
    /// above every BASE launch by the margin — complete separation, which one or two odd processes on
    /// either side cannot fake — faster symmetrically, same when the medians of the levels are within the
    /// margin, noisy otherwise.
    /// </summary>
    private static Judgement JudgeLaunches(IReadOnlyList<double> bs, IReadOnlyList<double> cs, double threshold, double noise, double alpha)
    {
        if (EquivalenceTest.CanReachSignificance(bs.Count, cs.Count, alpha))
        {
            var t = Judge(bs, cs, threshold, noise, alpha);
            return t with { Method = CompareMethod.LaunchesMannWhitney };
        }
        double bMax = bs.Max(), bMin = bs.Min(), bm = SampleStats.Median(bs), cm = SampleStats.Median(cs);
        double upper = bMax + Math.Max(threshold * bMax, noise), lower = bMin - Math.Max(threshold * bMin, noise);
        var verdict = cs.Min() > upper ? Verdict.Slower
            : cs.Max() < lower ? Verdict.Faster
            : Math.Abs(cm - bm) <= Math.Max(threshold * bm, noise) ? Verdict.Same
            : Verdict.Noisy;
        return new Judgement(verdict, CompareMethod.LaunchSeparation, null, null, null,
            $"{bs.Count} vs {cs.Count} launches, too few for a rank test: slower only when every CURRENT launch is beyond every BASE launch by the margin");
    }
}
