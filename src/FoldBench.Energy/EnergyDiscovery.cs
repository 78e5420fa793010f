using FoldBench.Energy.Sources;
using FoldBench.Energy.Sources.Battery;
using FoldBench.Energy.Sources.Apple;
using FoldBench.Energy.Sources.Hwmon;
using FoldBench.Energy.Sources.Msr;
using FoldBench.Energy.Sources.PerfPmu;
using FoldBench.Energy.Sources.Powercap;
using FoldBench.Energy.Sources.RaspberryPi;
using FoldBench.Energy.Sources.Trace;
using FoldBench.Energy.Sources.Windows;

namespace FoldBench.Energy;

/// <summary>Probes every source kind and chooses one.</summary>
public static class EnergyDiscovery
{
    /// <summary>
    /// Probes, in order of preference: external meter traces (a lab meter, when given, is what the user wants
    /// measured), powercap RAPL, perf RAPL (the same counters through perf_event_open, for machines where energy_uj is
    /// root-only), MSR RAPL (same counters; powercap needs no capability), Windows EMI, hwmon, the Raspberry Pi 5's
    /// PMIC, Apple's IOReport and powermetrics, battery.
    /// <see cref="EnergyOptions.PreferredSource"/> overrides the order when that source is usable.
    /// </summary>
    public static EnergyInventory Discover(EnergyOptions options)
    {
        if (options.Domain is not null) EnergyOptions.CheckDomain(options.Domain, "energy domain");
        var sources = new List<IEnergySource>();
        foreach (var trace in options.TraceFiles ?? []) sources.Add(ExternalTraceSource.Probe(trace, options.TraceOffsetSeconds));
        if ((options.TraceFiles ?? []).Count == 0) sources.Add(NoTrace.Instance);
        sources.Add(PowercapRaplSource.Probe(options));
        sources.Add(PerfPowerSource.Probe(options));
        sources.Add(MsrRaplSource.Probe(options));
        sources.Add(EmiSource.Probe(options));
        sources.Add(HwmonSource.Probe(options));
        sources.Add(PiPmicSource.Probe(options));
        sources.Add(IOReportSource.Probe(options));
        sources.Add(PowermetricsSource.Probe(options));
        sources.Add(BatterySource.Probe(options));

        var usable = sources.Where(s => s.State == SourceState.Usable).ToList();
        IEnergySource? chosen = null;
        if (options.PreferredSource is { } preferred)
        {
            if (!sources.Any(s => s.Name == preferred))
                throw new ArgumentException($"unknown energy source '{preferred}' (expected one of: {string.Join(", ", sources.Select(s => s.Name).Distinct())})");
            chosen = usable.FirstOrDefault(s => s.Name == preferred);
        }
        chosen ??= usable.FirstOrDefault();
        return new EnergyInventory(options, sources, chosen);
    }

    /// <summary>The listing's entry for "no trace given": an external meter is always an option, so say how to use one.</summary>
    private sealed class NoTrace : IEnergySource
    {
        public static readonly NoTrace Instance = new();
        public string Name => ExternalTraceSource.SourceName;
        public SourceKind Kind => SourceKind.ExternalMeter;
        public SourceState State => SourceState.Absent;
        public string? Reason => "no meter trace given (--trace FILE.csv, or FOLDBENCH_ENERGY_TRACE)";
        public IReadOnlyList<EnergyDomain> Domains => [];
        public IReadOnlyList<string> FoundDomains => [];
        public string Unit => "W or J (CSV)";
        public double ResolutionJoules => 0;
        public TimeSpan UpdatePeriod => TimeSpan.Zero;
        public double? WrapJoules => null;
        public string Privilege => "read access to the trace file";
        public bool Estimated => false;
        public TimeSpan SampleInterval => TimeSpan.FromMilliseconds(20);
        public DomainSelection Selection => new("none", [], "no trace");
        public EnergyReading Read() => throw new IO.EnergySourceException(SourceState.Absent, Reason!);
        public void Dispose() { }
    }
}
