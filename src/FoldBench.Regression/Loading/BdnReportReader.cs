using System.Text.Json;
using FoldBench.Results;

namespace FoldBench.Regression.Loading;

/// <summary>
/// Reads BenchmarkDotNet's full JSON export (<c>*-report-full.json</c>) from any project: the
/// <c>Benchmarks</c> array with <c>FullName</c> and the raw <c>Measurements</c>.
/// </summary>
public static partial class BdnReportReader
{
    public const string FileSuffix = "-report-full.json";

    public static IReadOnlyList<BenchmarkCase> Read(string file)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"'{file}' does not exist", file);
        return Parse(File.ReadAllText(file), file);
    }

    public static bool LooksLikeReport(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Benchmarks", out var b) && b.ValueKind == JsonValueKind.Array;

    public static IReadOnlyList<BenchmarkCase> Parse(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ResultsFormatException($"'{source}' is not valid JSON (truncated or corrupt): {e.Message}"); }
        using (doc) return Parse(doc.RootElement, source);
    }

    public static IReadOnlyList<BenchmarkCase> Parse(JsonElement root, string source)
    {
        if (!LooksLikeReport(root))
            throw new ResultsFormatException($"'{source}' is not a BenchmarkDotNet full JSON report (no \"Benchmarks\" array)");
        var cases = new List<BenchmarkCase>();
        int index = 0;
        foreach (var b in root.GetProperty("Benchmarks").EnumerateArray())
        {
            index++;
            if (b.ValueKind != JsonValueKind.Object)
                throw new ResultsFormatException($"'{source}': benchmark #{index} is not an object");
            string fullName = FullName(b) ?? throw new ResultsFormatException(
                $"'{source}': benchmark #{index} has no \"FullName\" (nor Namespace/Type/Method to build one)");
            var (samples, launches) = Samples(b, source, fullName);
            double? median = null;
            if (samples.Count == 0 && b.TryGetProperty("Statistics", out var st) && st.ValueKind == JsonValueKind.Object &&
                st.TryGetProperty("Median", out var med) && med.ValueKind == JsonValueKind.Number)
                median = med.GetDouble();
            cases.Add(new BenchmarkCase { FullName = fullName, DisplayName = fullName, SamplesNs = samples, Launches = launches, RecordedMedianNs = median });
        }
        return cases;
    }

    /// <summary>The host a report was measured on, from its <c>HostEnvironmentInfo</c> block.</summary>
    public static HostDescription Host(JsonElement root)
    {
        if (!root.TryGetProperty("HostEnvironmentInfo", out var h) || h.ValueKind != JsonValueKind.Object) return HostDescription.Unknown;
        return new HostDescription
        {
            Cpu = Str(h, "ProcessorName"),
            Architecture = Str(h, "Architecture")?.ToLowerInvariant(),
            Runtime = Str(h, "RuntimeVersion"),
            Os = Str(h, "OsVersion"),
            Jit = Jit(root, h),
        };
    }

    /// <summary>
    /// The JIT configuration a report records: the build (<c>Configuration</c>), an attached debugger,
    /// the JIT modules of older exports, the hardware intrinsics of the first benchmark that lists them,
    /// and DOTNET_/COMPlus_ variables in the jobs' descriptions (<c>DisplayInfo</c>).
    /// </summary>
    private static JitConfiguration Jit(JsonElement root, JsonElement host)
    {
        string? intrinsics = null;
        var variables = new SortedSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("Benchmarks", out var benchmarks) && benchmarks.ValueKind == JsonValueKind.Array)
            foreach (var b in benchmarks.EnumerateArray())
            {
                if (b.ValueKind != JsonValueKind.Object) continue;
                if (intrinsics is null && Str(b, "HardwareIntrinsics") is { Length: > 0 } hi) intrinsics = hi;
                if (Str(b, "DisplayInfo") is { } info)
                    foreach (System.Text.RegularExpressions.Match m in JitVariable().Matches(info)) variables.Add(m.Value);
            }
        string? modules = Str(host, "JitModules");
        if (!string.IsNullOrWhiteSpace(modules)) variables.Add("JIT modules " + modules);
        return new JitConfiguration
        {
            Build = Str(host, "Configuration"),
            Debugger = host.TryGetProperty("HasAttachedDebugger", out var d) && d.ValueKind is JsonValueKind.True or JsonValueKind.False ? d.GetBoolean() : null,
            Intrinsics = intrinsics,
            Overrides = [.. variables],
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:DOTNET|COMPlus)_\w+=[\w.]+")]
    private static partial System.Text.RegularExpressions.Regex JitVariable();

    /// <summary>The host of a report file (Unknown when the file has no host block or is not JSON).</summary>
    public static HostDescription ReadHost(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return Host(doc.RootElement);
        }
        catch (JsonException) { return HostDescription.Unknown; }
    }

    private static string? FullName(JsonElement b)
    {
        if (b.TryGetProperty("FullName", out var f) && f.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(f.GetString()))
            return f.GetString();
        // Older exports lack FullName: rebuild it the way BenchmarkDotNet does.
        string? ns = Str(b, "Namespace"), type = Str(b, "Type"), method = Str(b, "Method"), parameters = Str(b, "Parameters");
        if (type is null || method is null) return null;
        string name = string.IsNullOrEmpty(ns) ? $"{type}.{method}" : $"{ns}.{type}.{method}";
        if (!string.IsNullOrEmpty(parameters))
            name += "(" + string.Join(", ", parameters.Split('&').Select(p => p.Replace("=", ": "))) + ")";
        return name;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>
    /// Per-operation nanoseconds of the workload's actual iterations, minus the median overhead per
    /// operation (as BenchmarkDotNet computes its results) but with outliers kept: a rank test copes
    /// with them, and dropping them would hide a slow mode. With several launches (LaunchCount ≥ 2, one
    /// process each) every launch keeps its own series and its own overhead, since the processes are the
    /// replicates a change must be judged against. Falls back to the "Result" stage and then to
    /// Statistics.OriginalValues for exports that lack raw measurements.
    /// </summary>
    private static (List<double> Samples, List<IReadOnlyList<double>> Launches) Samples(JsonElement b, string source, string fullName)
    {
        var actual = new SortedDictionary<int, List<double>>();
        var overhead = new SortedDictionary<int, List<double>>();
        var result = new List<double>();
        if (b.TryGetProperty("Measurements", out var ms) && ms.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in ms.EnumerateArray())
            {
                string? mode = Str(m, "IterationMode"), stage = Str(m, "IterationStage");
                if (!m.TryGetProperty("Nanoseconds", out var nsEl) || nsEl.ValueKind != JsonValueKind.Number ||
                    !m.TryGetProperty("Operations", out var opsEl) || opsEl.ValueKind != JsonValueKind.Number)
                    throw new ResultsFormatException($"'{source}': a measurement of '{fullName}' lacks Nanoseconds or Operations");
                double ops = opsEl.GetDouble();
                if (!(ops > 0)) continue;
                double perOp = nsEl.GetDouble() / ops;
                int launch = m.TryGetProperty("LaunchIndex", out var li) && li.ValueKind == JsonValueKind.Number && li.TryGetInt32(out int l) ? l : 1;
                if (mode == "Workload" && stage == "Actual") Add(actual, launch, perOp);
                else if (mode == "Workload" && stage == "Result") result.Add(perOp);
                else if (mode == "Overhead" && stage == "Actual") Add(overhead, launch, perOp);
            }
        }
        if (actual.Count > 0)
        {
            var allOverhead = overhead.Values.SelectMany(v => v).ToList();
            double common = allOverhead.Count > 0 ? Statistics.SampleStats.Median(allOverhead) : 0;
            var launches = new List<IReadOnlyList<double>>();
            foreach (var (launch, values) in actual)
            {
                double ov = overhead.TryGetValue(launch, out var own) && own.Count > 0 ? Statistics.SampleStats.Median(own) : common;
                launches.Add(values.Select(v => v - ov).ToList());
            }
            return (launches.SelectMany(l => l).ToList(), launches.Count > 1 ? launches : []);
        }
        if (result.Count > 0) return (result, []);
        if (b.TryGetProperty("Statistics", out var st) && st.ValueKind == JsonValueKind.Object &&
            st.TryGetProperty("OriginalValues", out var ov2) && ov2.ValueKind == JsonValueKind.Array)
            return (ov2.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetDouble()).ToList(), []);
        return ([], []);
    }

    private static void Add(SortedDictionary<int, List<double>> byLaunch, int launch, double value)
    {
        if (!byLaunch.TryGetValue(launch, out var list)) byLaunch[launch] = list = [];
        list.Add(value);
    }
}
