using FoldBench.Energy.Simulation;

namespace FoldBench.Energy.Tests.Support;

/// <summary>A power model the test switches between levels (idle, then busy).</summary>
public sealed class SteppedPower(double watts) : IPowerModel
{
    private double _watts = watts;

    public double Current
    {
        get => Volatile.Read(ref _watts);
        set => Volatile.Write(ref _watts, value);
    }

    public double Watts(long ticks) => Current;
    public string Description => $"stepped, now {Current} W";
}
