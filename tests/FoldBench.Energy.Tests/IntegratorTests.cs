using System.Diagnostics;
using FoldBench.Energy.Attribution;
using FoldBench.Energy.Sampling;

namespace FoldBench.Energy.Tests;

public class IntegratorTests
{
    private static readonly long F = Stopwatch.Frequency;

    /// <summary>Samples every <paramref name="step"/> s of a counter that lags the truth by one update period and is
    /// quantized to <paramref name="unit"/> J: what a RAPL register looks like.</summary>
    private static SampleSeries Counter(Func<double, double> truth, double seconds, double step, double update, double unit)
    {
        int n = (int)(seconds / step) + 1;
        var ticks = new long[n];
        var joules = new double[n];
        for (int i = 0; i < n; i++)
        {
            double t = i * step;
            ticks[i] = (long)(t * F);
            double lastUpdate = Math.Floor(t / update) * update;
            joules[i] = Math.Floor(truth(lastUpdate) / unit) * unit;
        }
        return new SampleSeries(ticks, joules);
    }

    [Theory]
    [InlineData(0.10, 0.35)]
    [InlineData(0.2037, 1.5001)]
    [InlineData(1.0, 1.1)]
    public void Constant_power_window_is_within_the_stated_bound(double start, double end)
    {
        Func<double, double> truth = t => 12.5 * t;
        var s = Counter(truth, 2, 0.002, 0.001, 61e-6);
        var e = WindowIntegrator.Integrate(s, (long)(start * F), (long)(end * F), TimeSpan.FromMilliseconds(1), 61e-6);
        Assert.True(e.Ok, e.Reason);
        double exact = truth(end) - truth(start);
        Assert.InRange(Math.Abs(e.Joules!.Value - exact), 0, e.BoundJoules!.Value);
        // The bound is tight enough to be useful: about two edges of (sample step + update period) at 12.5 W.
        Assert.InRange(e.BoundJoules.Value, 0, 2 * 12.5 * 0.0031 + 3 * 61e-6);
    }

    [Fact]
    public void Varying_power_is_bracketed_at_the_edges()
    {
        // Power jumps from 3 W to 40 W exactly at the window start: the worst case for edge interpolation.
        Func<double, double> truth = t => t < 0.5 ? 3 * t : 1.5 + 40 * (t - 0.5);
        var s = Counter(truth, 2, 0.005, 0.001, 15.3e-6);
        var e = WindowIntegrator.Integrate(s, (long)(0.5 * F), (long)(1.25 * F), TimeSpan.FromMilliseconds(1), 15.3e-6);
        Assert.True(e.Ok, e.Reason);
        Assert.InRange(Math.Abs(e.Joules!.Value - (truth(1.25) - truth(0.5))), 0, e.BoundJoules!.Value);
    }

    [Fact]
    public void Windows_outside_the_samples_are_refused_with_a_reason()
    {
        var s = Counter(t => t, 1, 0.01, 0.001, 1e-6);
        var before = WindowIntegrator.Integrate(s, -F / 10, F / 2, TimeSpan.FromMilliseconds(1), 1e-6);
        Assert.False(before.Ok);
        Assert.Contains("before the window start", before.Reason);
        var after = WindowIntegrator.Integrate(s, F / 2, F * 2, TimeSpan.FromMilliseconds(1), 1e-6);
        Assert.False(after.Ok);
        Assert.Contains("after the window end", after.Reason);
        // The end edge needs a sample one update period later to bound a lagging counter.
        var unsettled = WindowIntegrator.Integrate(s, F / 2, (long)(0.995 * F), TimeSpan.FromMilliseconds(20), 1e-6);
        Assert.False(unsettled.Ok);
        Assert.Contains("one update period after", unsettled.Reason);
    }

    [Fact]
    public void Last_sample_at_or_before_is_a_binary_search()
    {
        long[] t = [10, 20, 30];
        Assert.Equal(-1, WindowIntegrator.LastAtOrBefore(t, 5));
        Assert.Equal(0, WindowIntegrator.LastAtOrBefore(t, 10));
        Assert.Equal(1, WindowIntegrator.LastAtOrBefore(t, 29));
        Assert.Equal(2, WindowIntegrator.LastAtOrBefore(t, 99));
    }
}
