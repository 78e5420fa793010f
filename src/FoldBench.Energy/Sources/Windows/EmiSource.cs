using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Windows;

/// <summary>
/// Windows Energy Meter Interface (Windows 10 1809+): IOCTL_EMI_GET_MEASUREMENT on each device of
/// GUID_DEVICE_ENERGY_METER. Needs no third-party driver where the platform ships an EMI provider (Intel RAPL via
/// the Intel energy meter driver, Qualcomm PMICs). A LibreHardwareMonitor-backed source can sit beside it behind
/// the same <see cref="IEnergySource"/> interface where that package is available.
/// </summary>
public sealed class EmiSource : EnergySourceBase
{
    public const string SourceName = "windows-emi";

    private readonly List<(SafeFileHandle Device, int Channels, int[] Chosen)> _devices = [];
    private ulong[] _start = [];

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.WindowsMeter;
    public override string Unit => "pWh (EMI AbsoluteEnergy)";
    public override double ResolutionJoules => EmiBuffers.JoulesPerPicowattHour;
    // EMI does not say how often a provider refreshes; the sampler measures it and uses the longer of the two.
    public override TimeSpan UpdatePeriod => TimeSpan.FromMilliseconds(10);
    public override double? WrapJoules => null;
    public override string Privilege => "read access to the EMI device (some providers require an elevated process)";

    private EmiSource() { }

    public static EmiSource Probe(EnergyOptions options)
    {
        var source = new EmiSource();
        if (!OperatingSystem.IsWindows())
        {
            source.SetUnusable(SourceState.UnsupportedOs,
                $"the Energy Meter Interface is a Windows 10 1809+ interface; this OS is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            return source;
        }
        try
        {
            source.ProbeWindows();
        }
        catch (EnergySourceException e)
        {
            source.Fail(e.State, e.Message);
        }
        catch (Exception e) when (e is IOException or FormatException or DllNotFoundException or EntryPointNotFoundException)
        {
            source.Fail(SourceState.Malformed, $"EMI query failed: {e.Message}");
        }
        return source;
    }

    [SupportedOSPlatform("windows")]
    private void ProbeWindows()
    {
        var paths = EmiNative.EnumerateMeterPaths();
        if (paths.Count == 0)
            throw new EnergySourceException(SourceState.Absent,
                "no device implements GUID_DEVICE_ENERGY_METER: this platform ships no EMI provider (on Intel it comes with the Intel energy meter / DTT driver)");
        var domains = new List<EnergyDomain>();
        var found = new List<string>();
        var opened = new List<(SafeFileHandle Handle, string Path, IReadOnlyList<string> Channels)>();
        foreach (var path in paths)
        {
            var h = EmiNative.CreateFile(path, EmiNative.GenericRead, EmiNative.FileShareRead | EmiNative.FileShareWrite, 0, EmiNative.OpenExisting, 0, 0);
            if (h.IsInvalid)
            {
                int err = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                foreach (var o in opened) o.Handle.Dispose();
                if (err == EmiNative.ErrorAccessDenied)
                    throw new EnergySourceException(SourceState.PermissionDenied,
                        $"EMI device {path} denied read access: run FoldBench from an elevated prompt (right-click → Run as administrator); FoldBench never elevates itself");
                throw new IOException($"opening EMI device {path} failed (error {err})");
            }
            ushort version = BitConverter.ToUInt16(EmiNative.Query(h, EmiBuffers.IoctlGetVersion, 2));
            uint size = BitConverter.ToUInt32(EmiNative.Query(h, EmiBuffers.IoctlGetMetadataSize, 4));
            var meta = EmiBuffers.ParseMetadata(version, EmiNative.Query(h, EmiBuffers.IoctlGetMetadata, (int)size));
            foreach (var c in meta.Channels) found.Add($"{meta.Oem} {meta.Model}: {c}");
            opened.Add((h, path, meta.Channels));
        }
        FoundDomains = found;
        // The choice is made across devices: a package metered by two providers is counted once.
        var choice = EmiBuffers.ChooseAcross([.. opened.Select(o => o.Channels)]);
        if (choice.Refusal is { } refusal)
        {
            foreach (var o in opened) o.Handle.Dispose();
            throw new EnergySourceException(SourceState.Malformed, refusal);
        }
        for (int d = 0; d < opened.Count; d++)
        {
            int[] chosen = [.. choice.Channels.Where(x => x.Device == d).Select(x => x.Channel)];
            foreach (int i in chosen) domains.Add(new EnergyDomain(opened[d].Channels[i], DomainRole.Channel, opened[d].Path));
            if (chosen.Length > 0) _devices.Add((opened[d].Handle, opened[d].Channels.Count, chosen));
            else opened[d].Handle.Dispose();
        }
        Domains = domains;
        Selection = new DomainSelection(choice.Name, Enumerable.Range(0, domains.Count).ToArray(), choice.Why);
        _start = new ulong[domains.Count];
        ReadRaw(out var raw);
        Array.Copy(raw, _start, raw.Length);
        State = SourceState.Usable;
        Reason = $"{string.Join(" + ", domains.Select(d => d.Name))} via EMI";
    }

    private void ReadRaw(out ulong[] raw)
    {
        raw = new ulong[Domains.Count];
        if (!OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("EMI is Windows-only");
        int k = 0;
        foreach (var (device, channels, chosen) in _devices)
        {
            var m = EmiBuffers.ParseMeasurement(channels, EmiNative.Query(device, EmiBuffers.IoctlGetMeasurement, 16 * channels));
            foreach (int i in chosen) raw[k++] = m[i].EnergyPwh;
        }
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        ReadRaw(out var values);
        for (int i = 0; i < values.Length; i++)
        {
            raw[i] = (long)values[i];
            joules[i] = (values[i] - _start[i]) * EmiBuffers.JoulesPerPicowattHour;
        }
    }

    protected override void ReleaseHandles()
    {
        foreach (var d in _devices) d.Device.Dispose();
        _devices.Clear();
    }
}
