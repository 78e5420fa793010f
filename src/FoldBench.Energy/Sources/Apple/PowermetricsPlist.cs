using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.Apple;

/// <summary>One `powermetrics --samplers cpu_power -f plist` sample: the energy each unit used over the sample's interval.</summary>
/// <param name="ElapsedSeconds">elapsed_ns: the interval the sample covers.</param>
public sealed record PowermetricsSample(double ElapsedSeconds, double CpuJoules, double GpuJoules, double AneJoules);

/// <summary>
/// Reads powermetrics' plist stream: one XML property list per sample, separated by NUL bytes. Each has elapsed_ns and a
/// processor dictionary whose cpu_energy, gpu_energy and ane_energy are the millijoules of that interval (as public
/// readers of Apple Silicon take them; FoldBench has not checked them on a Mac).
/// </summary>
public static class PowermetricsPlist
{
    public static PowermetricsSample Parse(string plist)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(plist.Trim('\0', ' ', '\n', '\r', '\t'), LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw new EnergySourceException(SourceState.Malformed, $"powermetrics printed a sample that is not a property list: {e.Message}", e);
        }
        var root = doc.Root?.Element("dict") ?? throw Bad("no top-level <dict>");
        var top = Dictionary(root);
        double elapsedNs = Number(top, "elapsed_ns");
        var processor = top.TryGetValue("processor", out var p) && p.Name == "dict" ? Dictionary(p) : throw Bad("no processor dictionary (run it with --samplers cpu_power)");
        double Energy(string key) => processor.ContainsKey(key) ? Number(processor, key) * 1e-3 : 0;
        if (!processor.ContainsKey("cpu_energy")) throw Bad("processor has no cpu_energy (an Intel Mac's powermetrics reports package power instead)");
        return new PowermetricsSample(elapsedNs * 1e-9, Energy("cpu_energy"), Energy("gpu_energy"), Energy("ane_energy"));
    }

    /// <summary>A plist dict: key elements followed by their values.</summary>
    private static Dictionary<string, XElement> Dictionary(XElement dict)
    {
        var map = new Dictionary<string, XElement>(StringComparer.Ordinal);
        var children = dict.Elements().ToList();
        for (int i = 0; i + 1 < children.Count; i += 2)
            if (children[i].Name == "key") map[children[i].Value] = children[i + 1];
        return map;
    }

    private static double Number(Dictionary<string, XElement> map, string key)
    {
        if (!map.TryGetValue(key, out var e) || e.Name.LocalName is not ("integer" or "real"))
            throw Bad($"{key} is missing or not a number");
        if (!double.TryParse(e.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < 0)
            throw Bad($"{key} holds '{EnergySourceException.Printable(e.Value)}'");
        return v;
    }

    private static EnergySourceException Bad(string what) => new(SourceState.Malformed, $"powermetrics sample: {what}");
}
