using Perfolizer.Mathematics.Cpd;

namespace FoldBench.Regression.Statistics;

/// <summary>What the iterations of one side look like in the order they were measured.</summary>
public enum SeriesShape
{
    /// <summary>One steady state (or too few iterations to tell otherwise).</summary>
    Steady,
    /// <summary>One clear change of level: the measurement changed under the code (tier-up, load, throttling).</summary>
    Step,
    /// <summary>Several clear changes of level.</summary>
    Steps,
    /// <summary>A monotonic trend through the iterations.</summary>
    Drift,
}

/// <summary>A run of iterations [Start, End) at one level (its median).</summary>
public sealed record Segment(int Start, int End, double Median)
{
    public int Count => End - Start;
}

/// <summary>The stationarity check of one side's iteration series.</summary>
public sealed record StationarityResult
{
    public required SeriesShape Shape { get; init; }

    /// <summary>The levels found, in order (one segment when there is no clear change of level).</summary>
    public required IReadOnlyList<Segment> Segments { get; init; }

    /// <summary>The Mann-Kendall test over the whole series (null when the series is too short to test).</summary>
    public TrendResult? Trend { get; init; }

    /// <summary>Theil-Sen slope × (n − 1) ÷ median: how far the trend line moves across the run, relative.</summary>
    public double? DriftFraction { get; init; }

    /// <summary>
    /// The fastest level that held long enough to be compared on its own (null when none did, and
    /// always for a drift): after a step down that is the steady state the warm-up reached (tier-up,
    /// caches); before a step up it is the state before load or throttling arrived. Interference only
    /// ever slows a measurement down, so the fastest steady level is the best estimate of the code's
    /// own speed. Iterations at its edges that sit nearer a neighbouring level are left out.
    /// </summary>
    public Segment? SteadyLevel { get; init; }

    public bool IsSteady => Shape == SeriesShape.Steady;

    public static StationarityResult SteadyOf(int count, double median) =>
        new() { Shape = SeriesShape.Steady, Segments = count == 0 ? [] : [new Segment(0, count, median)] };
}

/// <summary>
/// Checks that a side's iterations come from one steady state before they are compared: a change of
/// level (Perfolizer's ED-PELT change-point detector, each change confirmed by a rank test between
/// the segments it separates) or a monotonic drift (Mann-Kendall). A mean over a series that changed
/// under the code describes neither state.
/// </summary>
/// <remarks>
/// First, whether the order of the iterations shows any change of level at all: the largest rank-sum
/// difference over every cut, calibrated against random orders of the same values (<see cref="LevelChangeP"/>,
/// a permutation form of Pettitt's test). Only then are levels cut, by Perfolizer's
/// <see cref="EdPeltChangePointDetector"/> (nonparametric, with its own penalty of 3·ln n per change point);
/// each change is kept when the rank test between its two segments is significant at <see cref="Alpha"/>,
/// the levels differ by more than the gate's threshold and noise floor, and by more than
/// <see cref="SeparationSigmas"/> robust standard deviations; otherwise the segments are merged and the rest
/// re-examined. The permutation test, telling a step from a drift (a straight line fits better than the
/// levels), the trend test and the steady level are hand-written: Perfolizer 0.6.1 has change-point
/// detectors but no test of a change's significance, no trend test and no Theil-Sen slope.
/// Measured on simulated steady series (400 each, n = 15 and 40): Gaussian noise of 1% and 5% flagged
/// 0–1.25%, timing-like noise with preempted iterations 0–0.5%, two interleaved modes 20% apart 1–1.25%.
/// </remarks>
public static class Stationarity
{
    /// <summary>Below this many iterations nothing is tested (a side is taken as steady).</summary>
    public const int MinIterations = 8;

    /// <summary>The shortest segment ED-PELT may cut (a rank test on fewer cannot reach <see cref="Alpha"/>).</summary>
    public const int MinSegment = 3;

    /// <summary>
    /// Iterations needed after the last step down for the steady segment to be compared on its own. With
    /// 5, one-sided rank tests against 15 iterations of the other side still reach p &lt; 0.001.
    /// </summary>
    public const int MinSteadyIterations = 5;

    /// <summary>Significance level of each change point's rank test and of the trend test: stricter than the
    /// comparison's own, since this check runs on every side of every case.</summary>
    public const double Alpha = 0.01;

    /// <param name="series">The iterations in the order they were measured.</param>
    /// <param name="minChange">Relative change of level that matters (the comparison's threshold).</param>
    /// <param name="noiseFloor">Absolute change that never matters (the comparison's noise floor).</param>
    public static StationarityResult Analyze(IReadOnlyList<double> series, double minChange, double noiseFloor)
    {
        ArgumentNullException.ThrowIfNull(series);
        int n = series.Count;
        if (n < MinIterations) return StationarityResult.SteadyOf(n, n == 0 ? double.NaN : SampleStats.Median(series));

        var data = series.ToArray();
        // Cut only where the order of the iterations shows a change at all: ED-PELT cuts every series
        // somewhere, and a test on the segments it picked is biased towards finding a difference.
        var segments = LevelChangeP(data) < Alpha
            ? Confirmed(data, EdPeltChangePointDetector.Instance.GetChangePointIndexes(data, MinSegment), minChange, noiseFloor)
            : [new Segment(0, data.Length, SampleStats.Median(data))];
        var trend = TrendTest.Run(data);
        double median = SampleStats.Median(data);
        double drift = median > 0 ? trend.SenSlope * (n - 1) / median : 0;

        if (segments.Count == 1)
        {
            bool drifting = trend.PValue < Alpha && Math.Abs(drift) > minChange && Math.Abs(trend.SenSlope * (n - 1)) > noiseFloor;
            return new StationarityResult
            {
                Shape = drifting ? SeriesShape.Drift : SeriesShape.Steady,
                Segments = segments, Trend = trend, DriftFraction = drift,
            };
        }

        // Levels or a line? A drift cut into pieces also gives significant, monotonic segments; the
        // straight line then fits at least as well as the levels do.
        bool monotonic = Monotonic(segments);
        if (monotonic && LineFitsBetter(data, segments, trend.SenSlope))
            return new StationarityResult { Shape = SeriesShape.Drift, Segments = segments, Trend = trend, DriftFraction = drift };

        return new StationarityResult
        {
            Shape = segments.Count == 2 ? SeriesShape.Step : SeriesShape.Steps,
            Segments = segments, Trend = trend, DriftFraction = drift,
            SteadyLevel = FastestSteadyLevel(data, segments, minChange, noiseFloor),
        };
    }

    /// <summary>Random orders drawn for <see cref="LevelChangeP"/>.</summary>
    public const int Permutations = 2000;

    /// <summary>
    /// p-value of "the iterations' order carries no change of level", against the largest standardized
    /// rank-sum difference between the iterations before and after any cut (at least <see cref="MinSegment"/>
    /// on each side), calibrated by the same maximum over random orders of the same values. Taking the
    /// maximum over every cut is what makes it honest: the cut is chosen after looking, and the random
    /// orders are searched the same way. The orders come from a fixed seed, so a series always gets the same p.
    /// </summary>
    public static double LevelChangeP(IReadOnlyList<double> series)
    {
        int n = series.Count;
        if (n < 2 * MinSegment) return 1;
        var ranks = MidRanks(series);
        double observed = MaxCutStatistic(ranks);
        if (!(observed > 0)) return 1;
        var rng = new Random(20240207 + n);
        var shuffled = (double[])ranks.Clone();
        int atLeast = 0;
        for (int k = 0; k < Permutations; k++)
        {
            rng.Shuffle(shuffled);
            if (MaxCutStatistic(shuffled) >= observed - 1e-12) atLeast++;
        }
        return (atLeast + 1.0) / (Permutations + 1.0);
    }

    private static double MaxCutStatistic(double[] ranks)
    {
        int n = ranks.Length;
        double mean = (n + 1) / 2.0, prefix = 0, best = 0;
        for (int k = 1; k < n - MinSegment + 1; k++)
        {
            prefix += ranks[k - 1];
            if (k < MinSegment) continue;
            double z = Math.Abs(prefix - k * mean) / Math.Sqrt(k * (double)(n - k) * (n + 1) / 12.0);
            if (z > best) best = z;
        }
        return best;
    }

    private static double[] MidRanks(IReadOnlyList<double> series)
    {
        int n = series.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => series[i]).ToArray();
        var ranks = new double[n];
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && series[order[end + 1]] == series[order[start]]) end++;
            double mid = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) ranks[order[i]] = mid;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Segments from ED-PELT's change points, merged wherever the change is not confirmed.</summary>
    private static List<Segment> Confirmed(double[] data, int[] changePoints, double minChange, double noiseFloor)
    {
        // A change point is the last index of a segment.
        var bounds = new List<int> { 0 };
        bounds.AddRange(changePoints.Select(c => c + 1).Where(b => b > 0 && b < data.Length));
        bounds.Add(data.Length);
        while (true)
        {
            int weakest = -1;
            double weakestP = -1;
            for (int i = 1; i < bounds.Count - 1; i++)
            {
                var a = data[bounds[i - 1]..bounds[i]];
                var b = data[bounds[i]..bounds[i + 1]];
                double p = TwoSidedRankP(a, b);
                bool matters = Differ(SampleStats.Median(a), SampleStats.Median(b), minChange, noiseFloor) && Separated(a, b);
                double weakness = matters ? p : 2 + p; // an irrelevant change goes first, whatever its p
                if (matters && p < Alpha) continue;
                if (weakness > weakestP) { weakestP = weakness; weakest = i; }
            }
            if (weakest < 0) break;
            bounds.RemoveAt(weakest);
        }
        var segments = new List<Segment>();
        for (int i = 0; i + 1 < bounds.Count; i++)
            segments.Add(new Segment(bounds[i], bounds[i + 1], SampleStats.Median(data[bounds[i]..bounds[i + 1]])));
        return segments;
    }

    /// <summary>
    /// Whether two segments' levels are further apart than <see cref="SeparationSigmas"/> robust standard
    /// deviations of the values around their own segment's median: ED-PELT cuts where the two sides differ
    /// most, so its segments differ by chance more often than a rank test on them admits.
    /// </summary>
    private static bool Separated(double[] a, double[] b)
    {
        double ma = SampleStats.Median(a), mb = SampleStats.Median(b);
        var residuals = a.Select(v => Math.Abs(v - ma)).Concat(b.Select(v => Math.Abs(v - mb))).ToList();
        double sigma = 1.4826 * SampleStats.Median(residuals);
        return Math.Abs(ma - mb) > SeparationSigmas * sigma;
    }

    /// <summary>How many robust standard deviations apart two levels must be to count as a change.</summary>
    public const double SeparationSigmas = 3;

    private static double TwoSidedRankP(double[] a, double[] b) =>
        Math.Min(1.0, 2 * Math.Min(MannWhitney.PValueGreater(a, b), MannWhitney.PValueGreater(b, a)));

    /// <summary>Whether two levels differ by more than the relative threshold and the absolute floor.</summary>
    public static bool Differ(double a, double b, double minChange, double noiseFloor)
    {
        double lo = Math.Min(a, b), hi = Math.Max(a, b);
        return hi - lo > noiseFloor && (lo <= 0 || hi / lo - 1 > minChange);
    }

    private static bool Monotonic(List<Segment> segments)
    {
        bool up = true, down = true;
        for (int i = 1; i < segments.Count; i++)
        {
            if (segments[i].Median <= segments[i - 1].Median) up = false;
            if (segments[i].Median >= segments[i - 1].Median) down = false;
        }
        return up || down;
    }

    /// <summary>Sum of absolute deviations: the Theil-Sen line against the segment levels.</summary>
    private static bool LineFitsBetter(double[] data, List<Segment> segments, double slope)
    {
        int n = data.Length;
        var offsets = new double[n];
        for (int i = 0; i < n; i++) offsets[i] = data[i] - slope * i;
        double intercept = SampleStats.Median(offsets);
        double line = 0, levels = 0;
        for (int i = 0; i < n; i++) line += Math.Abs(data[i] - (intercept + slope * i));
        foreach (var s in segments)
            for (int i = s.Start; i < s.End; i++) levels += Math.Abs(data[i] - s.Median);
        return line <= levels;
    }

    /// <summary>
    /// The fastest level, less edge iterations nearer a neighbouring level than its own, when at least
    /// <see cref="MinSteadyIterations"/> are left and they show no trend of their own.
    /// </summary>
    private static Segment? FastestSteadyLevel(double[] data, List<Segment> segments, double minChange, double noiseFloor)
    {
        int k = 0;
        for (int i = 1; i < segments.Count; i++) if (segments[i].Median < segments[k].Median) k = i;
        var level = segments[k];
        int start = level.Start, end = level.End;
        if (k > 0)
        {
            double before = segments[k - 1].Median;
            while (start < end && Math.Abs(data[start] - before) < Math.Abs(data[start] - level.Median)) start++;
        }
        if (k + 1 < segments.Count)
        {
            double after = segments[k + 1].Median;
            while (end > start && Math.Abs(data[end - 1] - after) < Math.Abs(data[end - 1] - level.Median)) end--;
        }
        if (end - start < MinSteadyIterations) return null;
        var values = data[start..end];
        var trend = TrendTest.Run(values);
        double median = SampleStats.Median(values);
        double move = Math.Abs(trend.SenSlope * (values.Length - 1));
        if (trend.PValue < Alpha && move > noiseFloor && median > 0 && move / median > minChange) return null;
        return new Segment(start, end, median);
    }
}
