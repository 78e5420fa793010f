using System.Diagnostics;
using FoldBench.Energy.Sources;

namespace FoldBench.Energy.Sampling;

/// <summary>
/// The sampler's cost seen from a benchmark: a fixed CPU-bound loop timed with the sampler off and on,
/// alternating, medians compared. Call it from a benchmark or `foldbench sensors overhead`; never from a unit test
/// that asserts a time.
/// </summary>
public static class SamplerOverhead
{
    /// <param name="SlowdownFraction">(median on − median off) / median off; noise makes it negative at times.</param>
    /// <param name="SamplerCpuFraction">The sampler thread's CPU time over wall time while on (median over rounds).</param>
    public sealed record SideBySide(string Source, TimeSpan SampleInterval, int Rounds, double MedianOffSeconds, double MedianOnSeconds,
        double SlowdownFraction, double? SamplerCpuFraction);

    public static SideBySide Measure(IEnergySource source, int rounds = 11, double loopSeconds = 0.25)
    {
        if (source.State != SourceState.Usable) throw new InvalidOperationException($"{source.Name} is not usable: {source.Reason}");
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), "at least one round");
        long iterations = Calibrate(loopSeconds);
        var off = new List<double>();
        var on = new List<double>();
        var cpu = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            // Alternate the order so a slow drift (thermal, other tenants) does not favour one side.
            if (r % 2 == 0) { off.Add(TimeLoop(iterations)); on.Add(TimeWithSampler(source, iterations, cpu)); }
            else { on.Add(TimeWithSampler(source, iterations, cpu)); off.Add(TimeLoop(iterations)); }
        }
        double medOff = Median(off), medOn = Median(on);
        using var probe = new Sampler(source);
        return new SideBySide(source.Name, probe.Interval, rounds, medOff, medOn, (medOn - medOff) / medOff, cpu.Count > 0 ? Median(cpu) : null);
    }

    private static double TimeWithSampler(IEnergySource source, long iterations, List<double> cpu)
    {
        using var sampler = new Sampler(source);
        sampler.Start();
        double t = TimeLoop(iterations);
        sampler.Stop();
        if (sampler.OverheadFraction is { } f) cpu.Add(f);
        return t;
    }

    private static long Calibrate(double seconds)
    {
        long n = 1 << 16;
        while (true)
        {
            double t = TimeLoop(n);
            if (t >= seconds / 4) return (long)(n * seconds / t);
            n *= 4;
        }
    }

    private static double TimeLoop(long iterations)
    {
        long start = Stopwatch.GetTimestamp();
        double x = 1.0;
        for (long i = 0; i < iterations; i++) x = x * 1.0000001 + 1e-9; // a dependent FP chain: pure core work, no memory
        long end = Stopwatch.GetTimestamp();
        GC.KeepAlive(x);
        return (end - start) / (double)Stopwatch.Frequency;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
