using System.CommandLine;
using FoldBench.Model;

namespace FoldBench.Cli.Commands;

/// <summary>
/// <c>foldbench model</c>: the exact size, compute and memory accounting of a configuration at
/// several fold factors (FoldBench.Model's <see cref="ModelAccounting"/>), as a table or JSON; with several
/// chunk sizes, one row per chunk size and fold factor; with several precisions, one table per precision (JSON: each
/// fold entry names its precision).
/// </summary>
public static class ModelCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var preset = CliOptions.Text("--preset", "NAME", $"built-in configuration: {string.Join(", ", ModelPresets.Names)} (default emformer-base)");
        preset.CompletionSources.Add([.. ModelPresets.Names]);
        var configFile = CliOptions.Text("--config", "FILE", "a JSON configuration (keys: name, width, heads, ffnWidth, layers, chunkTokens, " +
            "rightContextTokens, leftContextTokens, activation, rnnt {...}); see ModelConfig.ToJson");
        // One spelling with `run`: --folds; the old --fold still works.
        var folds = CliOptions.IntList("--folds", "fold factors to report, comma-separated (default 1,2,4); reductions are vs fold 1", 1, 1 << 16, "--fold");
        // One spelling with `run`: --chunks; --chunk (the old single value) is an alias and takes a list too.
        var chunks = CliOptions.IntList("--chunks", "chunk (segment) tokens per streaming step, overriding the configuration's; " +
            "several give one row per chunk size and fold factor (size, resident memory, MACs, bytes)", 1, 1 << 20, "--chunk");
        var heads = CliOptions.OneOf("--heads", "keep H heads of width D/(fold·H), or reduce to H/fold heads of width D/H (default keep)", ["keep", "reduce"]);
        var sharing = CliOptions.OneOf("--sharing", "one shared (D/fold)×(D/fold) matrix, or one per sub-position (default shared)", ["shared", "block-diagonal"]);
        var projections = CliOptions.OneOf("--projections", "fold Q, K, V and output (qkvo) or Q, K, V only (qkv) (default qkvo)", ["qkvo", "qkv"]);
        var foldFfn = CliOptions.Flag("--fold-ffn", "fold the FFN too (an experiment; the paper keeps it unfolded)");
        var json = CliOptions.Flag("--json", "print JSON instead of the table");
        var precision = CliOptions.NameList("--precision", "number formats of the linear layers to account for, comma-separated: " +
            "fp32, int8 (int8 weights with fp32 per-channel scales and bias; activations stay fp32) (default fp32); one table each", ModelAccounting.PrecisionNames);

        var command = new Command("model", "Print a model configuration's size, compute and memory accounting")
        {
            preset, configFile, folds, chunks, heads, sharing, projections, foldFfn, json, precision,
        };
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            if (p.Given(preset) && p.Given(configFile)) throw new UsageException("give either --preset or --config, not both");
            var config = p.GetValue(configFile) is { } file ? ModelConfig.Load(file) : ModelPresets.Get(p.GetValue(preset) ?? "emformer-base");
            var factors = p.Given(folds) ? p.GetValue(folds)! : [1, 2, 4];
            var options = new FoldingOptions(
                Heads: FoldingOptions.Names.ParseHeads(p.GetValue(heads) ?? "keep"),
                Sharing: FoldingOptions.Names.ParseSharing(p.GetValue(sharing) ?? "shared"),
                Projections: FoldingOptions.Names.ParseProjections(p.GetValue(projections) ?? "qkvo"),
                FoldFfn: p.GetValue(foldFfn));
            var sizes = p.Given(chunks) ? p.GetValue(chunks)! : [config.ChunkTokens];
            var formats = (p.Given(precision) ? p.GetValue(precision)! : ["fp32"]).Select(ModelAccounting.ParsePrecision).Distinct().ToList();

            // Every chunk size and fold factor is checked before anything is printed: a bad one is one error line.
            // One list of chunk accounts per precision, each against its own precision's baseline.
            var byPrecision = formats.Select(format => sizes.Select(t => config.WithChunk(t))
                .Select(c => new ChunkAccounts(ModelAccounting.Compute(c, options.WithFold(1), format),
                    [.. factors.Select(n => ModelAccounting.Compute(c, options.WithFold(n), format))]))
                .ToList()).ToList();
            bool asJson = p.GetValue(json);
            if (sizes.Count == 1)
            {
                var single = byPrecision.Select(accounts => accounts[0]).ToList();
                if (asJson)
                    stdout.Write((single.Count == 1 ? ModelDocument.Of(single[0].Baseline, single[0].Folds) : ModelDocument.OfPrecisions(single)).ToJson() + Environment.NewLine);
                else
                    stdout.Write(string.Join(Environment.NewLine, single.Select(a => ModelReport.Table(a.Baseline, a.Folds))));
            }
            else if (asJson)
                stdout.Write(ModelDocument.Of([.. byPrecision.SelectMany(accounts => accounts)]).ToJson() + Environment.NewLine);
            else
                stdout.Write(string.Join(Environment.NewLine, byPrecision.Select(ModelReport.ChunkTable)));
            return Cli.ExitOk;
        }));
        return command;
    }
}
