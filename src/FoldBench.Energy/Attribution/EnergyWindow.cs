using System.Diagnostics;

namespace FoldBench.Energy.Attribution;

/// <summary>A measured window on the Stopwatch clock: a benchmark's actual run, or the idle baseline.</summary>
public sealed record EnergyWindow(string Label, long Start, long End)
{
    public double Seconds => (End - Start) / (double)Stopwatch.Frequency;
}
