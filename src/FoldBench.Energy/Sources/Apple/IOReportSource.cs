using System.Runtime.InteropServices;
using System.Text;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Apple;

/// <summary>Successive IOReport deltas of the Energy Model group: each call returns the channels since the previous one.</summary>
internal interface IEnergyModelSampler : IDisposable
{
    IReadOnlyList<IOReportChannel> NextDelta();
}

/// <summary>
/// Apple Silicon's IOReport "Energy Model" channels (CPU, GPU, ANE, DRAM energy), through libIOReport and CoreFoundation:
/// no root needed. Each read takes a new sample, the delta against the previous one, and adds its joules per domain.
/// </summary>
public sealed class IOReportSource : EnergySourceBase
{
    public const string SourceName = "apple-ioreport";

    private IEnergyModelSampler? _sampler;
    private readonly double[] _totals = new double[4];

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.EnergyCounter;
    public override string Unit => "mJ, µJ or nJ per channel (IOReport unit labels)";
    public override double ResolutionJoules => 1e-3 * Math.Max(1, Domains.Count);
    // Undocumented by Apple: a nominal 10 ms, said so in the reason.
    public override TimeSpan UpdatePeriod => TimeSpan.FromMilliseconds(10);
    public override double? WrapJoules => null;
    public override string Privilege => "none (IOReport is readable by any user on macOS)";

    private IOReportSource() { }

    public static IOReportSource Probe(EnergyOptions options)
    {
        var source = new IOReportSource();
        source.Probing(() =>
        {
            if (!OperatingSystem.IsMacOS())
            {
                source.SetUnusable(SourceState.UnsupportedOs,
                    $"IOReport's Energy Model exists only on macOS on Apple Silicon; {AppleStatus.Host()}; {AppleStatus.Unverified}");
                return;
            }
            if (RuntimeInformation.OSArchitecture != Architecture.Arm64)
            {
                source.SetUnusable(SourceState.Absent,
                    $"this Mac has an Intel CPU: IOReport's Energy Model is an Apple Silicon feature (use powermetrics with sudo); {AppleStatus.Unverified}");
                return;
            }
            source.Start(new NativeEnergyModel(), options.Domain);
        });
        return source;
    }

    /// <summary>Starts on a sampler (the native one, or a test's recorded deltas) and selects the domains.</summary>
    internal static IOReportSource Create(IEnergyModelSampler sampler, string? domain)
    {
        var source = new IOReportSource();
        source.Probing(() => source.Start(sampler, domain));
        return source;
    }

    private void Start(IEnergyModelSampler sampler, string? domain)
    {
        _sampler = sampler;
        var first = sampler.NextDelta().Where(c => c.Group == EnergyModelChannels.Group).ToList();
        if (first.Count == 0)
        {
            Fail(SourceState.Absent, $"IOReport has no '{EnergyModelChannels.Group}' channels on this Mac; {AppleStatus.Unverified}");
            return;
        }
        EnergyModelChannels.Joules(first); // checks every unit once
        FoundDomains = first.Select(c => $"{c.Name} ({c.Unit})").ToList();
        var all = new[] { ("cpu", DomainRole.Core), ("gpu", DomainRole.Uncore), ("ane", DomainRole.Uncore), ("dram", DomainRole.Dram) };
        Domains = all.Select(d => new EnergyDomain(d.Item1, d.Item2, $"IOReport '{EnergyModelChannels.Group}' {d.Item1}")).ToList();
        Selection = domain switch
        {
            "package+dram" => new DomainSelection("package+dram", [0, 1, 2, 3], "CPU + GPU + ANE + DRAM energy: the SoC's compute units and its memory, each counted once"),
            "core" => new DomainSelection("core", [0], "CPU energy only (all clusters; per-cluster channels are inside it)"),
            _ => new DomainSelection("package", [0, 1, 2], $"CPU + GPU + ANE energy: the SoC's compute units; DRAM is separate and left out{(domain is null or "package" ? "" : $" (domain '{domain}' is not exposed by IOReport)")}"),
        };
        State = SourceState.Usable;
        Reason = $"IOReport '{EnergyModelChannels.Group}' ({first.Count} channels); update period undocumented, nominal {UpdatePeriod.TotalMilliseconds:0} ms assumed; {AppleStatus.Unverified}";
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        var d = EnergyModelChannels.Joules(_sampler!.NextDelta());
        _totals[0] += d.Cpu;
        _totals[1] += d.Gpu;
        _totals[2] += d.Ane;
        _totals[3] += d.Dram;
        for (int i = 0; i < 4; i++)
        {
            joules[i] = _totals[i];
            raw[i] = (long)Math.Round(_totals[i] * 1e3); // mJ
        }
    }

    protected override void ReleaseHandles()
    {
        _sampler?.Dispose();
        _sampler = null;
    }
}

/// <summary>libIOReport (private, unversioned) and CoreFoundation, as public readers of Apple Silicon call them.</summary>
internal sealed unsafe partial class NativeEnergyModel : IEnergyModelSampler
{
    private const string IOReport = "/usr/lib/libIOReport.dylib";
    private const string CoreFoundation = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation";
    private const uint Utf8 = 0x08000100; // kCFStringEncodingUTF8

    [LibraryImport(IOReport)] private static partial nint IOReportCopyChannelsInGroup(nint group, nint subgroup, ulong a, ulong b, ulong c);
    [LibraryImport(IOReport)] private static partial nint IOReportCreateSubscription(nint a, nint desired, out nint subscribed, ulong channelId, nint b);
    [LibraryImport(IOReport)] private static partial nint IOReportCreateSamples(nint subscription, nint subscribed, nint a);
    [LibraryImport(IOReport)] private static partial nint IOReportCreateSamplesDelta(nint previous, nint current, nint a);
    [LibraryImport(IOReport)] private static partial nint IOReportChannelGetGroup(nint channel);
    [LibraryImport(IOReport)] private static partial nint IOReportChannelGetSubGroup(nint channel);
    [LibraryImport(IOReport)] private static partial nint IOReportChannelGetChannelName(nint channel);
    [LibraryImport(IOReport)] private static partial nint IOReportChannelGetUnitLabel(nint channel);
    [LibraryImport(IOReport)] private static partial long IOReportSimpleGetIntegerValue(nint channel, int index);
    [LibraryImport(CoreFoundation, StringMarshalling = StringMarshalling.Utf8)] private static partial nint CFStringCreateWithCString(nint allocator, string text, uint encoding);
    [LibraryImport(CoreFoundation)] private static partial nint CFDictionaryGetValue(nint dictionary, nint key);
    [LibraryImport(CoreFoundation)] private static partial long CFArrayGetCount(nint array);
    [LibraryImport(CoreFoundation)] private static partial nint CFArrayGetValueAtIndex(nint array, long index);
    [LibraryImport(CoreFoundation)] [return: MarshalAs(UnmanagedType.U1)] private static partial bool CFStringGetCString(nint text, byte* buffer, long size, uint encoding);
    [LibraryImport(CoreFoundation)] private static partial void CFRelease(nint cf);

    private readonly nint _channels;
    private readonly nint _subscription;
    private readonly nint _subscribed;
    private readonly nint _channelsKey;
    private nint _previous;

    public NativeEnergyModel()
    {
        try
        {
            nint group = CFStringCreateWithCString(0, EnergyModelChannels.Group, Utf8);
            _channels = IOReportCopyChannelsInGroup(group, 0, 0, 0, 0);
            CFRelease(group);
            if (_channels == 0) throw new EnergySourceException(SourceState.Absent, $"IOReport lists no '{EnergyModelChannels.Group}' group; {AppleStatus.Unverified}");
            _subscription = IOReportCreateSubscription(0, _channels, out _subscribed, 0, 0);
            if (_subscription == 0) throw new EnergySourceException(SourceState.Absent, $"IOReport refused a subscription to '{EnergyModelChannels.Group}'; {AppleStatus.Unverified}");
            _channelsKey = CFStringCreateWithCString(0, "IOReportChannels", Utf8);
            _previous = IOReportCreateSamples(_subscription, _subscribed, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new EnergySourceException(SourceState.Absent, $"libIOReport cannot be loaded ({e.Message}); {AppleStatus.Unverified}", e);
        }
    }

    public IReadOnlyList<IOReportChannel> NextDelta()
    {
        nint current = IOReportCreateSamples(_subscription, _subscribed, 0);
        nint delta = IOReportCreateSamplesDelta(_previous, current, 0);
        CFRelease(_previous);
        _previous = current;
        try
        {
            var list = new List<IOReportChannel>();
            nint array = CFDictionaryGetValue(delta, _channelsKey);
            long n = array == 0 ? 0 : CFArrayGetCount(array);
            for (long i = 0; i < n; i++)
            {
                nint c = CFArrayGetValueAtIndex(array, i);
                list.Add(new IOReportChannel(Text(IOReportChannelGetGroup(c)) ?? "", Text(IOReportChannelGetSubGroup(c)),
                    Text(IOReportChannelGetChannelName(c)) ?? "", Text(IOReportChannelGetUnitLabel(c)) ?? "", IOReportSimpleGetIntegerValue(c, 0)));
            }
            return list;
        }
        finally
        {
            CFRelease(delta);
        }
    }

    private static string? Text(nint cfString)
    {
        if (cfString == 0) return null;
        byte* buffer = stackalloc byte[256];
        return CFStringGetCString(cfString, buffer, 256, Utf8) ? Encoding.UTF8.GetString(buffer, new ReadOnlySpan<byte>(buffer, 256).IndexOf((byte)0)) : null;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var cf in new[] { _previous, _channelsKey, _subscribed, _subscription, _channels })
            if (cf != 0) CFRelease(cf);
    }
}
