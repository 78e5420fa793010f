using System.Text.Json;
using FoldBench.Results;

namespace FoldBench.Regression.Loading;

/// <summary>
/// Opens one side of a comparison: a FoldBench results folder (summary.json, plus the BenchmarkDotNet
/// reports beside it), a summary.json file, a BenchmarkDotNet <c>*-report-full.json</c> file from any
/// project, or a folder holding such reports.
/// </summary>
public static class ResultsLoader
{
    public static ResultSet Load(string path)
    {
        if (Directory.Exists(path)) return LoadFolder(path);
        if (File.Exists(path)) return LoadFile(path);
        throw new FileNotFoundException($"'{path}' does not exist", path);
    }

    private static ResultSet LoadFolder(string folder)
    {
        var reports = FindReports(folder);
        string summaryFile = Path.Combine(folder, SummaryStore.FileName);
        if (File.Exists(summaryFile))
            return FromSummary(SummaryStore.Read(summaryFile), folder, reports);
        if (reports.Count > 0)
            return new ResultSet(folder, "benchmarkdotnet", reports.SelectMany(BdnReportReader.Read), BdnReportReader.ReadHost(reports[0]));
        throw new ResultsFormatException(
            $"'{folder}' is not a results folder: it holds neither {SummaryStore.FileName} nor any *{BdnReportReader.FileSuffix}");
    }

    private static ResultSet LoadFile(string file)
    {
        string text = File.ReadAllText(file);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new ResultsFormatException($"'{file}' is not valid JSON (truncated or corrupt): {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema", out _))
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
                return FromSummary(SummaryStore.Parse(text, file), file, FindReports(folder));
            }
            if (BdnReportReader.LooksLikeReport(root))
                return new ResultSet(file, "benchmarkdotnet", BdnReportReader.Parse(root, file), BdnReportReader.Host(root));
        }
        throw new ResultsFormatException(
            $"'{file}' is neither a FoldBench summary.json nor a BenchmarkDotNet full JSON report");
    }

    /// <summary>BenchmarkDotNet reports in the folder or below it (BenchmarkDotNet nests them in results/).</summary>
    private static List<string> FindReports(string folder) =>
        Directory.EnumerateFiles(folder, "*" + BdnReportReader.FileSuffix, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 })
                 .Order(StringComparer.Ordinal)
                 .ToList();

    /// <summary>
    /// Cases from summary.json; a case without raw samples borrows them from the BenchmarkDotNet report
    /// that measured it (same full name), so the statistical test still has data. Report cases that
    /// summary.json does not list (the machine calibration, say) are added too: they make good
    /// same-run references for --normalize-to.
    /// </summary>
    private static ResultSet FromSummary(RunSummary summary, string source, IReadOnlyList<string> reportFiles)
    {
        var fromReports = new Dictionary<string, BenchmarkCase>(StringComparer.Ordinal);
        foreach (var file in reportFiles)
            foreach (var c in BdnReportReader.Read(file))
                fromReports.TryAdd(c.FullName, c);

        var cases = summary.Cases.Select(c =>
        {
            string key = !string.IsNullOrWhiteSpace(c.FullName) ? c.FullName : $"{c.Suite}/{c.Name}";
            IReadOnlyList<double> samples = c.SamplesNs is { Count: > 0 } s ? s
                : fromReports.TryGetValue(key, out var r) ? r.SamplesNs
                : [];
            return new BenchmarkCase
            {
                FullName = key,
                DisplayName = string.IsNullOrWhiteSpace(c.Name) ? key : c.Name,
                SamplesNs = samples,
                // Instruction-only runs have no timing: a zero median means "not measured".
                RecordedMedianNs = c.MedianNs > 0 ? c.MedianNs : null,
                Instructions = c.Instructions,
                CorrectnessOk = c.CorrectnessOk,
                IsReferenceWorkload = c.Suite == SuiteNames.Reference, // the timed probe's fixed workload, never judged
            };
        }).ToList();
        var listed = cases.Select(c => c.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in fromReports.Values.Where(r => !listed.Contains(r.FullName)))
            cases.Add(new BenchmarkCase
            {
                FullName = extra.FullName,
                DisplayName = ShortName(extra.FullName),
                SamplesNs = extra.SamplesNs,
                RecordedMedianNs = extra.RecordedMedianNs,
            });
        return new ResultSet(source, "foldbench", cases, HostOf(summary.Machine));
    }

    private static HostDescription HostOf(MachineInfo m) => new()
    {
        Cpu = string.IsNullOrWhiteSpace(m.CpuModel) ? null : m.CpuModel,
        CpuId = m.CpuId,
        Architecture = string.IsNullOrWhiteSpace(m.Architecture) ? null : m.Architecture,
        Runtime = string.IsNullOrWhiteSpace(m.DotnetVersion) ? null : m.DotnetVersion,
        Os = string.IsNullOrWhiteSpace(m.Os) ? null : m.Os,
        Jit = m.Jit is { } j
            ? new JitConfiguration
            {
                TieredCompilation = j.TieredCompilation, TieredPgo = j.TieredPgo, ReadyToRun = j.ReadyToRun,
                QuickJitForLoops = j.QuickJitForLoops, Overrides = j.Overrides,
            }
            : null,
    };

    /// <summary>"FoldBench.Benchmarks.Suites.CalibrationBenchmarks.FmaPeak" → "CalibrationBenchmarks.FmaPeak".</summary>
    public static string ShortName(string fullName)
    {
        int paren = fullName.IndexOf('(');
        string head = paren >= 0 ? fullName[..paren] : fullName;
        int last = head.LastIndexOf('.');
        int typeDot = last > 0 ? head.LastIndexOf('.', last - 1) : -1;
        return typeDot >= 0 ? fullName[(typeDot + 1)..] : fullName;
    }
}
