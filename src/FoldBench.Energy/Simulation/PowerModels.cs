using System.Diagnostics;
using System.Globalization;

namespace FoldBench.Energy.Simulation;

/// <summary>The power a fixture writer injects, as a function of time.</summary>
public interface IPowerModel
{
    /// <summary>Watts at Stopwatch time <paramref name="ticks"/> (called with increasing times).</summary>
    double Watts(long ticks);
    string Description { get; }
}

/// <summary>A constant draw: the simplest known profile to check integration against.</summary>
public sealed class ConstantPower(double watts) : IPowerModel
{
    public double Watts(long ticks) => watts;
    public string Description => $"constant {watts:0.###} W";
}

/// <summary>
/// Idle watts plus watts per busy core, busy cores taken from the machine's real /proc/stat deltas (refreshed every
/// 50 ms; jiffies are 10 ms). Gross and net energy per case can then be checked against the CPU time it used.
/// </summary>
public sealed class ProcStatPower(double idleWatts, double wattsPerBusyCore, string procStat = "/proc/stat") : IPowerModel
{
    private static readonly long Refresh = Stopwatch.Frequency / 20;
    private long _lastTicks;
    private (long Busy, long Total)? _last;
    private double _busyCores;
    private int _cpus = Environment.ProcessorCount;

    public string Description => $"procstat: {idleWatts:0.###} W idle + {wattsPerBusyCore:0.###} W per busy core ({procStat})";
    public double IdleWatts => idleWatts;
    public double WattsPerBusyCore => wattsPerBusyCore;

    public double Watts(long ticks)
    {
        if (_last is null || ticks - _lastTicks >= Refresh)
        {
            _lastTicks = ticks;
            if (Read() is { } now)
            {
                if (_last is { } prev && now.Total > prev.Total)
                    _busyCores = Math.Clamp((now.Busy - prev.Busy) / (double)(now.Total - prev.Total) * _cpus, 0, _cpus);
                _last = now;
            }
        }
        return idleWatts + wattsPerBusyCore * _busyCores;
    }

    private (long Busy, long Total)? Read()
    {
        try
        {
            using var reader = new StreamReader(procStat);
            string? line = reader.ReadLine();
            int cpus = 0;
            for (string? l = reader.ReadLine(); l is not null && l.StartsWith("cpu", StringComparison.Ordinal); l = reader.ReadLine()) cpus++;
            if (cpus > 0) _cpus = cpus;
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal)) return null;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            long total = f.Take(8).Sum();            // user nice system idle iowait irq softirq steal
            long idle = f[3] + (f.Length > 4 ? f[4] : 0);
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

public static class PowerModels
{
    /// <summary>"constant:W" or "procstat:IDLE,PERCORE"; <see cref="ArgumentException"/> otherwise.</summary>
    public static IPowerModel Parse(string spec)
    {
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? spec : spec[..colon];
        var args = colon < 0 ? [] : spec[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries);
        double Arg(int i, string what)
        {
            if (i >= args.Length || !double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < 0)
                throw new ArgumentException($"power model '{spec}': {what} must be a non-negative number of watts");
            return v;
        }
        return kind switch
        {
            "constant" when args.Length == 1 => new ConstantPower(Arg(0, "W")),
            "procstat" when args.Length == 2 => new ProcStatPower(Arg(0, "IDLE"), Arg(1, "PERCORE")),
            _ => throw new ArgumentException($"unknown power model '{spec}' (expected constant:W or procstat:IDLE,PERCORE)"),
        };
    }
}
