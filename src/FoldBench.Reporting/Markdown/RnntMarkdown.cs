using System.Globalization;
using System.Text;
using FoldBench.Reporting.Data;
using FoldBench.Results;
using FoldBench.Results.Formatting;

namespace FoldBench.Reporting.Markdown;

/// <summary>
/// report.md's whole-RNN-T section: the chunk step per chunk size and fold (the fold table of the other
/// sweeps), then where its time and energy go — the transcriber (with the encoder), the predictor and the
/// joiner, each timed on its own in the same run.
/// </summary>
internal static class RnntMarkdown
{
    public const string Title = "Whole RNN-T step";
    public const string PartsTitle = "Where the time and the energy go";

    public static void Append(StringBuilder md, RunSummary s)
    {
        int threads = RunSelection.BaseThreads(s);
        var cases = s.Cases.Where(c => c.Suite == SuiteNames.Rnnt && c.Part is not null && c.ChunkTokens is not null && c.Unavailable is null
                                       && (c.Threads ?? 1) == threads).ToList();
        foreach (var g in cases.GroupBy(c => (c.Preset, c.Path, c.SymbolStepsPerFrame)).OrderBy(g => g.Key.Preset, StringComparer.Ordinal))
        {
            var (preset, path, k) = g.Key;
            var label = string.Join(", ", new[] { preset is null ? null : $"preset {preset}", path }.Where(x => !string.IsNullOrEmpty(x)));
            md.AppendLine($"## {Title} ({label})").AppendLine();
            string steps = k is int n ? $"**{n} symbol step{(n == 1 ? "" : "s")} per frame**" : "a fixed number of symbol steps per frame";
            md.AppendLine("One chunk of a streaming recognizer: the transcriber (input linear, time reduction, the encoder step, output linear, " +
                          $"LayerNorm), then greedy decoding with {steps}: for each of the chunk's frames the joiner scores the frame against the " +
                          "predictor output and the best symbol is fed to the predictor, whatever it is (a real decoder stops a frame at blank and " +
                          "feeds only emitted symbols). Folding changes only the encoder; the predictor and the joiner are the same at every N. " +
                          "Savings are relative to the unfolded model (N = 1) at the same chunk size.").AppendLine();
            var whole = new SweepGroup(SuiteNames.Rnnt, preset, path ?? "", [.. g.Where(c => c.Part == RnntPartNames.Step)]);
            if (whole.Cases.Count > 0) md.Append(ReportMarkdown.SweepTable(whole)).AppendLine();

            md.AppendLine($"### {PartsTitle}").AppendLine();
            md.AppendLine("Each part timed on its own over one chunk, in the same run; the share is of the three parts' sum, and " +
                          "\"parts ÷ step\" compares that sum with the whole step timed at once. Energy: net per token of each part.").AppendLine();
            md.Append(PartsTable(g.ToList())).AppendLine();
        }
    }

    /// <summary>One row per (chunk, fold): each part's time and share, the parts' sum against the step, each part's net energy per token.</summary>
    public static string PartsTable(IReadOnlyList<CaseResult> cases)
    {
        var t = new MarkdownTable(("Chunk (tokens)", true), ("N", true), ("Step", true), ("Encoder", true), ("Predictor", true), ("Joiner", true),
            ("Parts ÷ step", true), ("Energy / token: encoder", true), ("predictor", true), ("joiner", true));
        var grid = cases.Where(c => c.ChunkTokens is not null).ToLookup(c => (Chunk: c.ChunkTokens!.Value, c.Fold));
        foreach (var key in grid.Select(x => x.Key).Distinct().OrderBy(x => x.Chunk).ThenBy(x => x.Fold))
        {
            var cell = grid[key].GroupBy(c => c.Part!).ToDictionary(p => p.Key, p => p.First());
            CaseResult? Part(string name) => cell.GetValueOrDefault(name);
            var parts = RnntPartNames.Parts.Select(Part).ToList();
            double? sum = parts.All(p => p is { MedianNs: > 0 }) ? parts.Sum(p => p!.MedianNs) : null;
            string Share(CaseResult? p) => p is null ? Units.Missing
                : Units.Time(p.MedianNs) + (sum is double total ? $" ({Units.FractionAsPercent(p.MedianNs / total)})" : "");
            var step = Part(RnntPartNames.Step);
            string ratio = sum is double s && step is { MedianNs: > 0 } ? (s / step.MedianNs).ToString("0.00", CultureInfo.InvariantCulture) : Units.Missing;
            t.Add(key.Chunk.ToString(CultureInfo.InvariantCulture), key.Fold.ToString(CultureInfo.InvariantCulture),
                step is null ? Units.Missing : Units.Time(step.MedianNs), Share(parts[0]), Share(parts[1]), Share(parts[2]), ratio,
                ReportMarkdown.EnergyCell(parts[0]?.Energy), ReportMarkdown.EnergyCell(parts[1]?.Energy), ReportMarkdown.EnergyCell(parts[2]?.Energy));
        }
        return t.ToString();
    }
}
