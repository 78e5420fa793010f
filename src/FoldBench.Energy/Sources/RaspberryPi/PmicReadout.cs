using System.Globalization;
using System.Text.RegularExpressions;

namespace FoldBench.Energy.Sources.RaspberryPi;

/// <summary>One PMIC rail: its current and voltage as `vcgencmd pmic_read_adc` printed them.</summary>
public sealed record PmicRail(string Name, double Amperes, double Volts)
{
    public double Watts => Amperes * Volts;
}

/// <summary>
/// Parses `vcgencmd pmic_read_adc` on a Raspberry Pi 5: lines "NAME_A current(N)=0.12345678A" and
/// "NAME_V volt(N)=0.72000000V" (some write "voltage(N)"). A rail is a name with both; a voltage alone (EXT5V_V, the
/// USB-C input; BATT_V, the RTC cell) has no current and no power.
/// </summary>
public static partial class PmicReadout
{
    /// <summary>The rails with both a current and a voltage, in the order their currents were printed; voltage-only names in <paramref name="voltageOnly"/>.</summary>
    public static IReadOnlyList<PmicRail> Parse(string text, out IReadOnlyList<string> voltageOnly)
    {
        var currents = new List<(string Name, double Value)>();
        var volts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var m = Line().Match(raw.Trim());
            if (!m.Success) continue;
            double value = double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            string name = m.Groups["name"].Value;
            if (m.Groups["kind"].Value == "current" && m.Groups["suffix"].Value == "A" && m.Groups["unit"].Value == "A") currents.Add((name, value));
            else if (m.Groups["kind"].Value is "volt" or "voltage" && m.Groups["suffix"].Value == "V" && m.Groups["unit"].Value == "V") volts[name] = value;
        }
        var rails = currents.Where(c => volts.ContainsKey(c.Name)).Select(c => new PmicRail(c.Name, c.Value, volts[c.Name])).ToList();
        voltageOnly = volts.Keys.Where(v => currents.All(c => c.Name != v)).ToList();
        return rails;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_]+?)_(?<suffix>[AV])\s+(?<kind>current|volt|voltage)\(\d+\)=(?<value>-?[0-9.]+(?:[eE][-+]?\d+)?)(?<unit>[AV])$")]
    private static partial Regex Line();
}
