namespace FoldBench.Regression.Loading;

/// <summary>One benchmark case as `compare` sees it, whichever file it came from.</summary>
public sealed class BenchmarkCase
{
    /// <summary>The key cases are matched by: BenchmarkDotNet's full name (e.g. "MyLib.Sorting.QuickSort(N: 1000)").</summary>
    public required string FullName { get; init; }

    /// <summary>A short name for tables (FoldBench's case name; the full name for foreign reports).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Per-operation time of each measured iteration, in nanoseconds (may be empty).</summary>
    public IReadOnlyList<double> SamplesNs { get; init; } = [];

    /// <summary>
    /// The samples split by process when the producer ran several (BenchmarkDotNet's LaunchCount ≥ 2),
    /// in launch order; empty for a single process. <see cref="SamplesNs"/> is then their concatenation.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double>> Launches { get; init; } = [];

    /// <summary>The median time per operation as recorded by the producer, when there are no samples.</summary>
    public double? RecordedMedianNs { get; init; }

    /// <summary>Instructions per operation (deterministic mode), when measured.</summary>
    public double? Instructions { get; init; }

    /// <summary>Whether the case's output matched the reference (null when not checked).</summary>
    public bool? CorrectnessOk { get; init; }

    /// <summary>
    /// A fixed workload measured alongside the cases (the timed probe's reference): shown, and usable
    /// with --normalize-to, but never judged, since no change to the code under test can move it.
    /// </summary>
    public bool IsReferenceWorkload { get; init; }

    /// <summary>Whether this case carries any timing at all.</summary>
    public bool HasTiming => SamplesNs.Count > 0 || RecordedMedianNs is > 0;

    /// <summary>Timing values to compare: the samples, or the recorded median alone when there are none.</summary>
    public IReadOnlyList<double> TimingValues =>
        SamplesNs.Count > 0 ? SamplesNs : RecordedMedianNs is double m && m > 0 ? [m] : [];
}

/// <summary>The cases of one side of a comparison (a results folder, a summary.json, or BenchmarkDotNet reports).</summary>
public sealed class ResultSet
{
    private readonly Dictionary<string, BenchmarkCase> _byName;

    public ResultSet(string source, string kind, IEnumerable<BenchmarkCase> cases, HostDescription? host = null)
    {
        Source = source;
        Kind = kind;
        Host = host ?? HostDescription.Unknown;
        // Several jobs of one BenchmarkDotNet run share a full name; number the repeats so none is lost.
        var list = new List<BenchmarkCase>();
        _byName = new Dictionary<string, BenchmarkCase>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            var named = c;
            if (_byName.ContainsKey(c.FullName))
            {
                int k = 2;
                while (_byName.ContainsKey($"{c.FullName} #{k}")) k++;
                named = new BenchmarkCase
                {
                    FullName = $"{c.FullName} #{k}", DisplayName = $"{c.DisplayName} #{k}", SamplesNs = c.SamplesNs, Launches = c.Launches,
                    RecordedMedianNs = c.RecordedMedianNs, Instructions = c.Instructions, CorrectnessOk = c.CorrectnessOk,
                    IsReferenceWorkload = c.IsReferenceWorkload,
                };
            }
            _byName[named.FullName] = named;
            list.Add(named);
        }
        Cases = list;
    }

    /// <summary>The path it was read from.</summary>
    public string Source { get; }

    /// <summary>"foldbench" or "benchmarkdotnet".</summary>
    public string Kind { get; }

    public IReadOnlyList<BenchmarkCase> Cases { get; }

    /// <summary>The machine and runtime the cases were measured on, as recorded.</summary>
    public HostDescription Host { get; }

    public BenchmarkCase? Find(string fullName) => _byName.GetValueOrDefault(fullName);
}
