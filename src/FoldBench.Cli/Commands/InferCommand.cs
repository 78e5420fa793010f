using System.CommandLine;
using FoldBench.Benchmarks.Probes;
using FoldBench.Model;

namespace FoldBench.Cli.Commands;

/// <summary>
/// <c>foldbench infer</c>: streams a tensor through a torchaudio checkpoint chunk by chunk, as a
/// streaming client calls <c>Emformer.infer</c>. The work is FoldBench.Model's
/// <see cref="StreamingInference.Run"/>; this verb only parses and prints one line.
/// </summary>
public static class InferCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var config = Required(CliOptions.Text("--config", "FILE", "the model configuration (JSON; chunkTokens, rightContextTokens, " +
            "leftContextTokens and activation must be the checkpoint's; an RNN-T also needs the rnnt section)"));
        var weights = Required(CliOptions.Text("--weights", "FILE", "safetensors with the state_dict of torchaudio.models.Emformer, " +
            "or of a whole RNNT from emformer_rnnt_model, under torchaudio's key names (F32, F16 or BF16)"));
        var input = Required(CliOptions.Text("--input", "FILE", "safetensors with one tensor 'input' [T, width], T = n·S + R rows " +
            "(tokens of width D for an Emformer; feature frames, stride per token, for an RNN-T)"));
        var output = Required(CliOptions.Text("--output", "FILE", "where to write the tensor 'output' [n·S, D] (an RNN-T: the transcriber's [n·S, E])"));
        var fold = CliOptions.Int("--fold", "N", "fold factor of the checkpoint's encoder (default 1; N > 1 needs weights of the folded shapes)", 1, 1 << 16);
        var path = CliOptions.OneOf("--path", "kernel path (default best)", KernelCases.PathNames.ToArray());
        var precision = CliOptions.OneOf("--precision", "number format of the linear layers: fp32, or int8 on the path's int8 kernel " +
            "(int8 weights, fp32 per-channel scales; norms and attention stay fp32) (default fp32)", ModelAccounting.PrecisionNames.ToArray());

        var command = new Command("infer", "Stream a tensor through a torchaudio Emformer or RNN-T checkpoint, chunk by chunk")
        {
            config, weights, input, output, fold, path, precision,
        };
        command.SetAction(p => Cli.Guard(command, stderr, () =>
        {
            var run = StreamingInference.Run(p.GetValue(config)!, p.GetValue(weights)!, p.GetValue(input)!, p.GetValue(output)!,
                p.Given(fold) ? p.GetValue(fold) : 1, p.GetValue(path) ?? "best", p.GetValue(precision) ?? "fp32");
            string model = run.Kind == StateDictKind.Emformer ? "Emformer" : "RNN-T transcriber";
            stdout.WriteLine($"foldbench infer: {run.Chunks} chunks, [{run.InputRows}, {run.InputWidth}] → [{run.OutputRows}, {run.OutputWidth}] " +
                $"through the {model} (fold {run.Options.Fold}, path {run.KernelPath}{(run.Precision == "fp32" ? "" : $", {run.Precision}")}); wrote '{StreamingInference.OutputTensor}' to {p.GetValue(output)}");
            return Cli.ExitOk;
        }));
        return command;
    }

    private static Option<string> Required(Option<string> option)
    {
        option.Required = true;
        return option;
    }
}
