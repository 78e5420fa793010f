using System.Diagnostics;
using FoldBench.Energy.Sources;

namespace FoldBench.Energy.Tests.Support;

/// <summary>
/// A source whose reads a test scripts: a counter that gains one joule per read, or throws what the test says
/// (a short EMI reply surfaces as a <see cref="FormatException"/> from the buffer parser).
/// </summary>
public sealed class ScriptedSource : IEnergySource
{
    private double _joules;
    private long _reads;

    /// <summary>The exception the next read throws (then cleared), or null.</summary>
    public Exception? ThrowNext
    {
        get => Volatile.Read(ref _throwNext);
        set => Volatile.Write(ref _throwNext, value);
    }

    public string Name => "scripted";
    public SourceKind Kind => SourceKind.WindowsMeter;
    public SourceState State => SourceState.Usable;
    public string? Reason => "a test's scripted counter";
    public IReadOnlyList<EnergyDomain> Domains { get; } = [new("meter", DomainRole.Meter, "scripted")];
    public IReadOnlyList<string> FoundDomains => ["meter"];
    public string Unit => "J";
    public double ResolutionJoules => 1e-6;
    public TimeSpan UpdatePeriod => TimeSpan.FromMilliseconds(1);
    public double? WrapJoules => null;
    public string Privilege => "none";
    public bool Estimated => false;
    public TimeSpan SampleInterval => TimeSpan.FromMilliseconds(2);
    public DomainSelection Selection { get; } = new("meter", [0], "the only domain");
    public long Reads => Interlocked.Read(ref _reads);

    public EnergyReading Read()
    {
        Interlocked.Increment(ref _reads);
        if (Interlocked.Exchange(ref _throwNext, null) is { } e) throw e;
        _joules += 1;
        return new EnergyReading(Stopwatch.GetTimestamp(), [_joules], [(long)_joules]);
    }

    private Exception? _throwNext;

    public void Dispose() { }
}
