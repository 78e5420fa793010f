using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Trace;
using FoldBench.Results;

namespace FoldBench.Energy;

/// <summary>
/// Every energy source probed on this machine, each with its state and reason, and the one chosen for
/// attribution (or null with the reason nothing is usable). Sources not chosen are closed at once.
/// </summary>
public sealed class EnergyInventory : IDisposable
{
    private readonly Dictionary<IEnergySource, string> _notes = new(ReferenceEqualityComparer.Instance);

    public EnergyOptions Options { get; }
    public IReadOnlyList<IEnergySource> Sources { get; }
    /// <summary>The source a session samples; null when none is usable.</summary>
    public IEnergySource? Chosen { get; private set; }
    /// <summary>Why energy cannot be measured, when <see cref="Chosen"/> is null.</summary>
    public string? UnavailableReason { get; private set; }

    internal EnergyInventory(EnergyOptions options, IReadOnlyList<IEnergySource> sources, IEnergySource? chosen)
    {
        Options = options;
        Sources = sources;
        Chosen = chosen;
        foreach (var s in sources)
        {
            if (s.State == SourceState.Usable && !ReferenceEquals(s, chosen))
            {
                _notes[s] = $"usable, not chosen ({chosen?.Name} is preferred)";
                s.Dispose();
            }
        }
        if (chosen is null) UnavailableReason = NoSourceReason(sources);
    }

    /// <summary>"no usable energy source: powercap-rapl absent (…); msr-rapl absent (…); …"</summary>
    public static string NoSourceReason(IEnumerable<IEnergySource> sources) =>
        "no usable energy source: " + string.Join("; ", sources.Select(s => $"{Label(s)} {s.State.ToName()} ({s.Reason})"));

    internal static string Label(IEnergySource s) => s is ExternalTraceSource t ? $"{s.Name} {t.FilePath}" : s.Name;

    /// <summary>The chosen source turned out unusable after all (e.g. its sync pulse was not found).</summary>
    internal void Reject(IEnergySource source, string reason)
    {
        _notes[source] = reason;
        if (ReferenceEquals(Chosen, source))
        {
            Chosen = null;
            UnavailableReason = $"no usable energy source: {Label(source)} {reason}";
        }
    }

    /// <summary>Every source as summary.json records it (machine.energySources).</summary>
    public IReadOnlyList<EnergySourceInfo> Describe() => Sources.Select(s => new EnergySourceInfo
    {
        Name = Label(s),
        State = s.State.ToName(),
        Reason = _notes.TryGetValue(s, out var note) ? $"{note}; {s.Reason}" : ReferenceEquals(s, Chosen) ? $"chosen: {s.Reason}; domain {s.Selection.Name} ({s.Selection.Why})" : s.Reason,
        Domains = s.FoundDomains.Count > 0 ? s.FoundDomains.ToList() : s.Domains.Select(d => d.Name).ToList(),
        Estimated = s.Estimated,
        Provenance = s.Provenance,
    }).ToList();

    /// <summary>The run-level energy record when no session could start: the reason, nothing else (never 0 W).</summary>
    public EnergyRunInfo UnavailableRunInfo() => new() { UnavailableReason = UnavailableReason ?? "energy measurement was not started" };

    public void Dispose()
    {
        foreach (var s in Sources) s.Dispose();
    }
}
