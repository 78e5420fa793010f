using System.Diagnostics;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.RaspberryPi;

/// <summary>
/// The Raspberry Pi 5's PMIC rails, read with `vcgencmd pmic_read_adc` (the firmware answers through the /dev/vcio
/// mailbox, which the video group may open: no root). Power = Σ current × voltage over the rails, integrated between
/// reads. The rails are the PMIC's outputs: the sum leaves out its conversion loss and whatever draws 5 V directly
/// (USB devices, the fan), so it is the SoC and memory's power, not the board's. The Pi 4 and earlier have no such
/// readout; measure them with an external meter trace.
/// </summary>
public sealed class PiPmicSource : EnergySourceBase
{
    public const string SourceName = "raspberrypi-pmic";
    public const string ModelPath = "/sys/firmware/devicetree/base/model";
    public const string VcioPath = "/dev/vcio";
    public const string VcgencmdPath = "/usr/bin/vcgencmd";

    /// <summary>How long one vcgencmd call may take before the read fails (it normally takes milliseconds).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private readonly List<string> _rails = [];
    private PowerIntegral[] _integrals = [];
    private string _vcgencmd = VcgencmdPath;

    public override string Name => SourceName;
    public override SourceKind Kind => SourceKind.PowerSensor;
    public override string Unit => "A × V (vcgencmd pmic_read_adc, 8 decimals)";
    // One printed digit of current (10 nA) at the highest rail voltage (5 V), held for one update period, per rail.
    public override double ResolutionJoules => Math.Max(1, Domains.Count) * 1e-8 * 5.2 * UpdatePeriod.TotalSeconds;
    // Undocumented: the firmware reads the PMIC's ADC when asked, so a reading is as fresh as the call; 20 ms is the
    // nominal figure, said so in the reason.
    public override TimeSpan UpdatePeriod => TimeSpan.FromMilliseconds(20);
    // Rail currents × voltages integrated into joules: the window edges' bound covers the interval not yet published.
    public override bool IntegratesPower => true;
    public override double? WrapJoules => null;
    public override string Privilege => "membership of the video group (read-write access to /dev/vcio); not root";
    // Each read starts a vcgencmd process: 20 a second keeps the cost near a percent of one core.
    public override TimeSpan SampleInterval => TimeSpan.FromMilliseconds(50);

    private PiPmicSource() { }

    public static PiPmicSource Probe(EnergyOptions options)
    {
        var source = new PiPmicSource();
        source.Probing(() => source.ProbeCore(options));
        return source;
    }

    /// <summary>The board's model from the device tree (NUL-terminated there), or null when there is none.</summary>
    public static string? Model(EnergyOptions options) =>
        SysText.TryRead(options.Files, SysText.UnderRoot(options.SysfsRoot, ModelPath))?.TrimEnd('\0').Trim();

    private void ProbeCore(EnergyOptions options)
    {
        NoteRoots(options);
        string? model = Model(options);
        if (model is null || !model.StartsWith("Raspberry Pi", StringComparison.Ordinal))
        {
            SetUnusable(SourceState.Absent, model is null
                ? $"{SysText.UnderRoot(options.SysfsRoot, ModelPath)} does not exist: not a Raspberry Pi (no device-tree model)"
                : $"not a Raspberry Pi (device-tree model '{model}')");
            return;
        }
        if (!HasPmicReadout(model))
        {
            SetUnusable(SourceState.Absent,
                $"{model} has no power counter (only the Raspberry Pi 5 family reports its PMIC's currents): measure it with an external meter trace (--trace FILE.csv)");
            return;
        }
        string vcio = SysText.UnderRoot(options.SysfsRoot, VcioPath);
        if (!File.Exists(vcio))
        {
            SetUnusable(SourceState.Absent, $"{vcio} does not exist: the VideoCore mailbox driver (vcio) is not loaded, so vcgencmd cannot reach the firmware");
            return;
        }
        try
        {
            using var handle = options.Files.OpenRead(vcio);
        }
        catch (UnauthorizedAccessException)
        {
            SetUnusable(SourceState.PermissionDenied,
                $"{vcio} is open to root and the video group only; add this user to the group with `sudo usermod -aG video $USER` and log in again (no root needed afterwards)");
            return;
        }
        _vcgencmd = SysText.UnderRoot(options.SysfsRoot, VcgencmdPath);
        if (!File.Exists(_vcgencmd))
        {
            SetUnusable(SourceState.Absent, $"{_vcgencmd} does not exist: install it with `sudo apt install raspi-utils` (Raspberry Pi OS)");
            return;
        }
        string output = Call();
        var rails = PmicReadout.Parse(output, out var voltageOnly);
        if (rails.Count == 0)
        {
            SetUnusable(SourceState.Malformed, $"`{_vcgencmd} pmic_read_adc` printed no rail with a current and a voltage: '{EnergySourceException.Printable(output)}' (firmware too old for pmic_read_adc?)");
            return;
        }
        _rails.AddRange(rails.Select(r => r.Name));
        FoundDomains = [.. rails.Select(r => r.Name), .. voltageOnly.Select(v => $"{v}_V (a voltage only, no current: not a rail)")];
        Domains = rails.Select(r => new EnergyDomain(r.Name, DomainRole.Channel, $"{_vcgencmd} pmic_read_adc {r.Name}_A × {r.Name}_V")).ToList();
        Selection = new DomainSelection("rails", Enumerable.Range(0, rails.Count).ToArray(),
            "sum of the PMIC's output rails (each a separate supply: none contains another); the PMIC's own loss and 5 V loads (USB, fan) are not in it");
        _integrals = new PowerIntegral[rails.Count];
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < rails.Count; i++) _integrals[i].Add(rails[i].Watts, now);
        State = SourceState.Usable;
        Reason = $"{rails.Count} PMIC rails of the {model} via `{_vcgencmd} pmic_read_adc`, now {rails.Sum(r => r.Watts):0.###} W; " +
                 $"the ADC's update period is undocumented: nominal {UpdatePeriod.TotalMilliseconds:0} ms assumed";
    }

    /// <summary>The Raspberry Pi 5 and the boards built on it (Compute Module 5, Pi 500) have the PMIC with current sensing.</summary>
    public static bool HasPmicReadout(string model) =>
        model.StartsWith("Raspberry Pi 5", StringComparison.Ordinal) || model.StartsWith("Raspberry Pi Compute Module 5", StringComparison.Ordinal)
        || model.StartsWith("Raspberry Pi 500", StringComparison.Ordinal);

    private string Call()
    {
        var psi = new ProcessStartInfo(_vcgencmd, "pmic_read_adc") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using var p = Process.Start(psi) ?? throw new EnergySourceException(SourceState.Absent, $"{_vcgencmd} could not be started");
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(CallTimeout))
            {
                p.Kill();
                throw new EnergySourceException(SourceState.Absent, $"`{_vcgencmd} pmic_read_adc` did not answer within {CallTimeout.TotalSeconds:0} s");
            }
            if (p.ExitCode != 0)
                throw new EnergySourceException(SourceState.Malformed, $"`{_vcgencmd} pmic_read_adc` failed (exit {p.ExitCode}): {EnergySourceException.Printable(stdout.Result + stderr.Result)}");
            return stdout.Result;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EnergySourceException(SourceState.PermissionDenied, $"{_vcgencmd} cannot be run: {e.Message}", e);
        }
    }

    protected override void ReadInto(double[] joules, long[] raw)
    {
        long before = Stopwatch.GetTimestamp();
        var rails = PmicReadout.Parse(Call(), out _);
        long now = before + (Stopwatch.GetTimestamp() - before) / 2; // the ADC was read while the call ran
        for (int i = 0; i < _rails.Count; i++)
        {
            var rail = rails.FirstOrDefault(r => r.Name == _rails[i])
                       ?? throw new EnergySourceException(SourceState.Malformed, $"`{_vcgencmd} pmic_read_adc` no longer reports rail {_rails[i]}");
            raw[i] = (long)Math.Round(rail.Watts * 1e6); // µW
            joules[i] = _integrals[i].Add(Math.Abs(rail.Watts), now);
        }
    }
}
