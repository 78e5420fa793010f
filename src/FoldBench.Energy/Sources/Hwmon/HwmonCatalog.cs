using System.Globalization;
using System.Text.RegularExpressions;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Hwmon;

/// <summary>What one hwmon channel measures, in the units Documentation/hwmon/sysfs-interface gives.</summary>
public enum HwmonQuantity
{
    /// <summary>energy*_input: cumulative µJ.</summary>
    EnergyMicrojoules,
    /// <summary>power*_input or power*_average: µW.</summary>
    PowerMicrowatts,
    /// <summary>INA3221: in*_input (bus mV) × curr*_input (mA) = µW.</summary>
    MillivoltsTimesMilliamps,
}

/// <param name="Device">"hwmon1"</param>
/// <param name="Driver">The device's name attribute: "ina3221", "amdgpu", "power_meter", "amd_energy"…</param>
/// <param name="Channel">"energy5", "power1", "in1"</param>
/// <param name="Label">The channel's *_label, or the channel id when it has none.</param>
/// <param name="Path">The file read: energy*_input, power*_average/_input, or the INA3221's curr*_input.</param>
/// <param name="BusPath">INA3221 only: the in*_input that holds the bus voltage in mV.</param>
public sealed record HwmonChannel(string Device, string Driver, string Channel, string Label, HwmonQuantity Quantity, string Path, string? BusPath);

/// <param name="Id">"hwmon1"</param>
/// <param name="AttributeDir">Where its attributes live: the hwmon folder, or (legacy drivers such as ACPI power_meter) its device.</param>
/// <param name="UpdateInterval">From update_interval (INA3221 and others) or power1_average_interval (ACPI power_meter), when the driver has one.</param>
public sealed record HwmonDevice(string Id, string Driver, string AttributeDir, IReadOnlyList<HwmonChannel> Channels, TimeSpan? UpdateInterval);

/// <summary>
/// Lists /sys/class/hwmon/hwmon*: each device's name, its energy and power channels with their labels, and its update
/// interval. Devices are named by their name attribute, never by their number (hwmon numbers change across boots).
/// </summary>
public static partial class HwmonCatalog
{
    public const string ClassPath = "/sys/class/hwmon";

    public static IReadOnlyList<HwmonDevice> List(EnergyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string classDir = SysText.UnderRoot(options.SysfsRoot, ClassPath);
        var devices = new List<HwmonDevice>();
        if (!Directory.Exists(classDir)) return devices;
        var entries = Directory.EnumerateFileSystemEntries(classDir)
            .Select(e => (Path: e, Match: DeviceId().Match(Path.GetFileName(e))))
            .Where(e => e.Match.Success && Directory.Exists(e.Path))
            .OrderBy(e => int.Parse(e.Match.Groups[1].Value, CultureInfo.InvariantCulture));
        foreach (var (dir, _) in entries)
        {
            string id = Path.GetFileName(dir);
            // The hwmon ABI puts attributes in the hwmon folder; drivers registered the old way put them on the parent device.
            string? attributes = File.Exists(Path.Combine(dir, "name")) ? dir
                : File.Exists(Path.Combine(dir, "device", "name")) ? Path.Combine(dir, "device") : null;
            if (attributes is null) continue;
            string driver = SysText.TryRead(options.Files, Path.Combine(attributes, "name")) ?? "";
            devices.Add(new HwmonDevice(id, driver, attributes, Channels(options, id, driver, attributes), UpdateInterval(options, driver, attributes)));
        }
        return devices;
    }

    private static List<HwmonChannel> Channels(EnergyOptions options, string id, string driver, string dir)
    {
        var names = Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        string Label(string channel) => SysText.TryRead(options.Files, Path.Combine(dir, channel + "_label")) is { Length: > 0 } l ? l : channel;
        var channels = new List<HwmonChannel>();
        foreach (var n in Indices(names, EnergyInput()))
            channels.Add(new HwmonChannel(id, driver, $"energy{n}", Label($"energy{n}"), HwmonQuantity.EnergyMicrojoules, Path.Combine(dir, $"energy{n}_input"), null));
        foreach (var n in Indices(names, PowerReading()))
        {
            // power*_average is what the device averaged over its interval; power*_input an instant. Integrating the
            // average sampled once per interval loses nothing, so it is preferred where a driver exposes both.
            string file = names.Contains($"power{n}_average") ? $"power{n}_average" : $"power{n}_input";
            channels.Add(new HwmonChannel(id, driver, $"power{n}", Label($"power{n}"), HwmonQuantity.PowerMicrowatts, Path.Combine(dir, file), null));
        }
        // The INA3221 reports no power: channel N's bus voltage (inN_input, mV) times its current (currN_input, mA),
        // for N = 1..3 only (in4..in6 are shunt voltages in µV, curr4 the sum of the currents).
        if (driver == "ina3221")
        {
            for (int n = 1; n <= 3; n++)
            {
                if (!names.Contains($"in{n}_input") || !names.Contains($"curr{n}_input")) continue;
                if (SysText.TryRead(options.Files, Path.Combine(dir, $"in{n}_enable")) == "0") continue;
                channels.Add(new HwmonChannel(id, driver, $"in{n}", Label($"in{n}"), HwmonQuantity.MillivoltsTimesMilliamps,
                    Path.Combine(dir, $"curr{n}_input"), Path.Combine(dir, $"in{n}_input")));
            }
        }
        return channels;
    }

    private static IEnumerable<int> Indices(HashSet<string> names, Regex pattern) =>
        names.Select(n => pattern.Match(n)).Where(m => m.Success)
             .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Order();

    private static TimeSpan? UpdateInterval(EnergyOptions options, string driver, string dir)
    {
        string file = driver == "power_meter" ? "power1_average_interval" : "update_interval";
        long? ms = SysText.TryReadInteger(options.Files, Path.Combine(dir, file), "an interval in ms");
        return ms is > 0 ? TimeSpan.FromMilliseconds(ms.Value) : null;
    }

    [GeneratedRegex(@"^hwmon(\d+)$")]
    private static partial Regex DeviceId();

    [GeneratedRegex(@"^energy(\d+)_input$")]
    private static partial Regex EnergyInput();

    [GeneratedRegex(@"^power(\d+)_(input|average)$")]
    private static partial Regex PowerReading();
}

/// <summary>
/// Which rails contain which, read from their labels: a board's input rail (Jetson's VDD_IN, older modules' POM_5V_IN)
/// carries everything behind it, and a socket's energy (amd_energy's EsocketN) contains its cores' (EcoreNNN).
/// A rail that contains others is read alone, never added to them.
/// </summary>
public static partial class RailContainment
{
    private static readonly HashSet<string> BoardInputs = new(["VDD_IN", "POM_5V_IN"], StringComparer.OrdinalIgnoreCase);

    public static bool IsBoardInput(string label) => BoardInputs.Contains(label);

    public static bool IsSocket(string label) => Socket().IsMatch(label);

    public static bool IsCore(string label) => Core().IsMatch(label);

    [GeneratedRegex(@"^Esocket\d+$")]
    private static partial Regex Socket();

    [GeneratedRegex(@"^Ecore\d+$")]
    private static partial Regex Core();
}
