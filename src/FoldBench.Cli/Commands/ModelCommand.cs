using FoldBench.Model;

namespace FoldBench.Cli.Commands;

/// <summary>
/// <c>foldbench model</c>: the exact size, compute and memory accounting of a configuration at
/// several fold factors (FoldBench.Model's <see cref="ModelAccounting"/>), as a table or JSON.
/// </summary>
public sealed class ModelCommand : ICommand
{
    private static readonly string[] HeadNames = ["keep", "reduce"];
    private static readonly string[] SharingNames = ["shared", "block-diagonal"];
    private static readonly string[] ProjectionNames = ["qkvo", "qkv"];

    public string Name => "model";
    public string Summary => "Print a model configuration's size, compute and memory accounting";
    public string Usage =>
        "usage: foldbench model [--preset NAME | --config FILE] [--fold 1,2,4] [--chunk T] [--json]\n" +
        "                       [--heads keep|reduce] [--sharing shared|block-diagonal] [--projections qkvo|qkv] [--fold-ffn]\n" +
        "\n" +
        $"  --preset NAME      built-in configuration: {string.Join(", ", ModelPresets.Names)} (default emformer-base)\n" +
        "  --config FILE      a JSON configuration (keys: name, width, heads, ffnWidth, layers, chunkTokens,\n" +
        "                     rightContextTokens, leftContextTokens, rnnt {...}); see ModelConfig.ToJson\n" +
        "  --fold LIST        fold factors N to report, comma-separated (default 1,2,4); reductions are vs N=1\n" +
        "  --chunk T          chunk (segment) tokens per streaming step, overriding the configuration's\n" +
        "  --heads            keep H heads of width D/(N·H), or reduce to H/N heads of width D/H (default keep)\n" +
        "  --sharing          one shared (D/N)×(D/N) matrix, or one per sub-position (default shared)\n" +
        "  --projections      fold Q, K, V and output (qkvo) or Q, K, V only (qkv) (default qkvo)\n" +
        "  --fold-ffn         fold the FFN too (an experiment; the paper keeps it unfolded)\n" +
        "  --json             print JSON instead of the table\n";

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CliArgs.Parse(args, ["--json", "--fold-ffn"],
            ["--preset", "--config", "--fold", "--chunk", "--heads", "--sharing", "--projections"]);
        a.ExpectPositionals(0, 0, "");
        if (a.Has("--preset") && a.Has("--config")) throw new UsageException("give either --preset or --config, not both");

        var config = a.Get("--config") is { } file ? ModelConfig.Load(file) : ModelPresets.Get(a.Get("--preset", "emformer-base"));
        if (a.Has("--chunk")) config = config.WithChunk(a.GetInt("--chunk", config.ChunkTokens, min: 1));
        var folds = a.GetIntList("--fold", [1, 2, 4], min: 1, max: 1 << 16);

        var options = new FoldingOptions(
            Heads: FoldingOptions.Names.ParseHeads(One(a, "--heads", HeadNames)),
            Sharing: FoldingOptions.Names.ParseSharing(One(a, "--sharing", SharingNames)),
            Projections: FoldingOptions.Names.ParseProjections(One(a, "--projections", ProjectionNames)),
            FoldFfn: a.Has("--fold-ffn"));

        // Every fold factor is checked before anything is printed: a bad one is one error line.
        var accounts = folds.Select(n => ModelAccounting.Compute(config, options.WithFold(n))).ToList();
        var baseline = ModelAccounting.Compute(config, options.WithFold(1));

        stdout.Write(a.Has("--json") ? ModelReport.Json(baseline, accounts) + Environment.NewLine : ModelReport.Table(baseline, accounts));
        return Cli.ExitOk;
    }

    private static string One(CliArgs a, string option, IReadOnlyList<string> allowed)
    {
        var list = a.GetNameList(option, [allowed[0]], allowed);
        if (list.Count != 1) throw new UsageException($"option {option} takes one value, got '{a.Get(option)}'");
        return list[0];
    }
}
