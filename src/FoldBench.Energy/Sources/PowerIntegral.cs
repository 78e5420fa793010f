using System.Diagnostics;

namespace FoldBench.Energy.Sources;

/// <summary>
/// Cumulative joules of a sensor that reports present power (hwmon power channels, INA3221 volts × amps, PMIC rails):
/// the trapezoid between consecutive reads. The sensor's own averaging and update period bound its error; the
/// sampler reads it at least twice per update period.
/// </summary>
internal struct PowerIntegral
{
    private double _lastWatts;
    private long _lastTimestamp;
    private bool _started;

    public double Joules { get; private set; }

    /// <summary>Adds the energy since the previous reading (none for the first) and returns the total.</summary>
    public double Add(double watts, long timestamp)
    {
        if (_started && timestamp > _lastTimestamp)
            Joules += (_lastWatts + watts) / 2 * ((timestamp - _lastTimestamp) / (double)Stopwatch.Frequency);
        _started = true;
        _lastWatts = watts;
        _lastTimestamp = timestamp;
        return Joules;
    }
}
