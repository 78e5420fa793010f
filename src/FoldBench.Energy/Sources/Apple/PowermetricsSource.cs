using System.Diagnostics;
using System.Text;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Apple;

/// <summary>
/// The fallback on macOS when run with sudo: `powermetrics --samplers cpu_power -f plist -i N` as a child process. A
/// background thread adds up each sample's CPU, GPU and ANE energy as it arrives; a read returns the totals so far,
/// which lag the truth by at most one interval (the update period).
/// </summary>
public sealed class PowermetricsSource : EnergySourceBase
{
    public const string SourceName = "apple-powermetrics";
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan _interval;
    private readonly object _lock = new();
    private readonly double[] _totals = new double[3];
    private long _samples;
    private string? _failure;
    private Process? _process;
    private Stream? _stream;
    private Thread? _reader;

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.EnergyCounter;
    public override string Unit => "mJ per interval (processor cpu_energy, gpu_energy, ane_energy)";
    public override double ResolutionJoules => 1e-3 * Math.Max(1, Domains.Count);
    public override TimeSpan UpdatePeriod => _interval;
    public override double? WrapJoules => null;
    public override string Privilege => "root (powermetrics refuses to run otherwise: start FoldBench with sudo)";
    public override TimeSpan SampleInterval => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(5).Ticks, _interval.Ticks / 4));

    private PowermetricsSource(TimeSpan interval) => _interval = interval;

    public static PowermetricsSource Probe(EnergyOptions options)
    {
        var source = new PowermetricsSource(DefaultInterval);
        source.Probing(() =>
        {
            if (!OperatingSystem.IsMacOS())
            {
                source.SetUnusable(SourceState.UnsupportedOs, $"powermetrics is a macOS tool; {AppleStatus.Host()}; {AppleStatus.Unverified}");
                return;
            }
            if (!File.Exists("/usr/bin/powermetrics"))
            {
                source.SetUnusable(SourceState.Absent, $"/usr/bin/powermetrics does not exist on this Mac; {AppleStatus.Unverified}");
                return;
            }
            if (!HostFacts.IsRoot())
            {
                source.SetUnusable(SourceState.PermissionDenied,
                    $"powermetrics runs only as root: start FoldBench with sudo (apple-ioreport needs no root and is preferred); {AppleStatus.Unverified}");
                return;
            }
            var psi = new ProcessStartInfo("/usr/bin/powermetrics", $"--samplers cpu_power -f plist -i {(int)DefaultInterval.TotalMilliseconds}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            var process = Process.Start(psi) ?? throw new EnergySourceException(SourceState.Absent, "powermetrics could not be started");
            source._process = process;
            source.Start(process.StandardOutput.BaseStream, options.Domain, "/usr/bin/powermetrics --samplers cpu_power -f plist");
        });
        return source;
    }

    /// <summary>Starts on a plist stream (powermetrics' stdout, or a test's recording) and waits for its first sample.</summary>
    internal static PowermetricsSource Create(Stream plists, TimeSpan interval, string? domain)
    {
        var source = new PowermetricsSource(interval);
        source.Probing(() => source.Start(plists, domain, "a plist stream"));
        return source;
    }

    private void Start(Stream plists, string? domain, string origin)
    {
        _stream = plists;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "FoldBench powermetrics reader" };
        _reader.Start();
        var waited = Stopwatch.StartNew();
        while (Interlocked.Read(ref _samples) == 0 && Volatile.Read(ref _failure) is null)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(10) + 20 * _interval)
                throw new EnergySourceException(SourceState.Absent, $"{origin} printed no sample within {waited.Elapsed.TotalSeconds:0} s; {AppleStatus.Unverified}");
            Thread.Sleep(1);
        }
        if (Interlocked.Read(ref _samples) == 0 && Volatile.Read(ref _failure) is { } failure)
            throw new EnergySourceException(SourceState.Malformed, $"{failure}; {AppleStatus.Unverified}");
        Domains = [new("cpu", DomainRole.Core, origin + " cpu_energy"), new("gpu", DomainRole.Uncore, origin + " gpu_energy"), new("ane", DomainRole.Uncore, origin + " ane_energy")];
        FoundDomains = ["cpu_energy", "gpu_energy", "ane_energy", "(no DRAM energy in powermetrics' plist)"];
        Selection = domain == "core"
            ? new DomainSelection("core", [0], "cpu_energy only")
            : new DomainSelection("package", [0, 1, 2], $"cpu + gpu + ane energy: the SoC's compute units, each counted once{(domain is null or "package" ? "" : $" (domain '{domain}' is not exposed by powermetrics)")}");
        State = SourceState.Usable;
        Reason = $"{origin}, one sample every {_interval.TotalMilliseconds:0} ms; {AppleStatus.Unverified}";
    }

    /// <summary>Splits the stream at NUL bytes and adds each sample's energy.</summary>
    private void ReadLoop()
    {
        var buffer = new byte[65536];
        var current = new MemoryStream();
        try
        {
            int n;
            while ((n = _stream!.Read(buffer, 0, buffer.Length)) > 0)
            {
                int start = 0;
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] != 0) continue;
                    current.Write(buffer, start, i - start);
                    Add(Encoding.UTF8.GetString(current.GetBuffer(), 0, (int)current.Length));
                    current.SetLength(0);
                    start = i + 1;
                }
                current.Write(buffer, start, n - start);
            }
            if (current.Length > 0 && Encoding.UTF8.GetString(current.GetBuffer(), 0, (int)current.Length).Trim().Length > 0)
                Add(Encoding.UTF8.GetString(current.GetBuffer(), 0, (int)current.Length));
            Volatile.Write(ref _failure, _failure ?? "powermetrics stopped printing samples");
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Volatile.Write(ref _failure, _failure ?? $"powermetrics' output broke off: {e.Message}");
        }
    }

    private void Add(string plist)
    {
        if (plist.Trim('\0', ' ', '\n', '\r', '\t').Length == 0) return;
        try
        {
            var s = PowermetricsPlist.Parse(plist);
            lock (_lock)
            {
                _totals[0] += s.CpuJoules;
                _totals[1] += s.GpuJoules;
                _totals[2] += s.AneJoules;
            }
            Interlocked.Increment(ref _samples);
        }
        catch (EnergySourceException e)
        {
            Volatile.Write(ref _failure, e.Message);
        }
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        // After a malformed sample or the end of the output, the totals no longer follow the machine: fail from then on.
        if (Volatile.Read(ref _failure) is { } failure)
            throw new EnergySourceException(failure.StartsWith("powermetrics stopped", StringComparison.Ordinal) ? SourceState.Absent : SourceState.Malformed, failure);
        lock (_lock)
        {
            for (int i = 0; i < 3; i++)
            {
                joules[i] = _totals[i];
                raw[i] = (long)Math.Round(_totals[i] * 1e3); // mJ
            }
        }
    }

    protected override void ReleaseHandles()
    {
        try
        {
            if (_process is { HasExited: false }) _process.Kill();
        }
        catch (InvalidOperationException) { }
        _process?.Dispose();
        _process = null;
        _stream?.Dispose();
    }
}
