using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

/// <summary>
/// The model against torchaudio itself: torchaudio 0.13.1's Emformer and emformer_rnnt_model with
/// random weights (non-trivial biases and norms), streamed through Emformer.infer /
/// RNNT.transcribe_streaming, with greedy decoding through RNNT.predict and RNNT.join. Every path
/// this CPU has must agree to max |Y − Y_torchaudio| ≤ 1e-4 · max(1, max |Y_torchaudio|).
/// </summary>
public sealed class TorchaudioEquivalenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-torchaudio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (float[] Data, int Rows) Input(string model)
    {
        var (data, shape) = TorchaudioFixture.Tensor($"{model}.input.safetensors", "input");
        return (data, (int)shape[0]);
    }

    private static StreamingEncoder Emformer(string path, string weightsFile = "emformer.weights.safetensors", ModelConfig? config = null)
    {
        var c = config ?? ModelConfig.Load(TorchaudioFixture.File("emformer.config.json"));
        var weights = TorchStateDict.Load(TorchaudioFixture.File(weightsFile), c, FoldingOptions.Unfolded);
        Assert.Equal(StateDictKind.Emformer, weights.Kind);
        return new StreamingEncoder(c, FoldingOptions.Unfolded, KernelPaths.Parse(path), weights.Encoder);
    }

    [Theory]
    [MemberData(nameof(TorchaudioFixture.Paths), MemberType = typeof(TorchaudioFixture))]
    public void The_emformer_streams_as_torchaudios_infer(string path)
    {
        var (input, rows) = Input("emformer");
        var y = StreamingInference.Encode(Emformer(path), input, rows);
        var (expected, shape) = TorchaudioFixture.Tensor("emformer.expected.safetensors", "output");
        Assert.Equal([24, 48], shape);   // 6 chunks of S = 4 tokens, D = 48
        TorchaudioFixture.AssertMatches(y, expected, $"Emformer on {path}");
    }

    [Theory]
    [MemberData(nameof(TorchaudioFixture.Paths), MemberType = typeof(TorchaudioFixture))]
    public void A_half_precision_checkpoint_gives_what_torchaudio_gives_with_it(string path)
    {
        // Attention tensors in BF16, FFN tensors in F16, norms in F32, rounded by torch.
        using (var file = SafeTensors.Open(TorchaudioFixture.File("emformer.weights-half.safetensors")))
        {
            Assert.Equal("BF16", file.Info("emformer_layers.0.attention.emb_to_query.weight").DType);
            Assert.Equal("F16", file.Info("emformer_layers.2.pos_ff.4.weight").DType);
            Assert.Equal("F32", file.Info("emformer_layers.1.layer_norm_output.bias").DType);
        }
        var (input, rows) = Input("emformer");
        var y = StreamingInference.Encode(Emformer(path, "emformer.weights-half.safetensors"), input, rows);
        var (expected, _) = TorchaudioFixture.Tensor("emformer.expected.safetensors", "output-half");
        TorchaudioFixture.AssertMatches(y, expected, $"half-precision Emformer on {path}");
    }

    [Theory]
    [MemberData(nameof(TorchaudioFixture.Paths), MemberType = typeof(TorchaudioFixture))]
    public void Infer_from_files_writes_what_torchaudio_computes(string path)
    {
        string output = Path.Combine(_dir, "y.safetensors");
        var run = StreamingInference.Run(TorchaudioFixture.File("emformer.config.json"), TorchaudioFixture.File("emformer.weights.safetensors"),
            TorchaudioFixture.File("emformer.input.safetensors"), output, fold: 1, kernelPath: path);
        Assert.Equal((StateDictKind.Emformer, 6, 26, 24, 48, path), (run.Kind, run.Chunks, run.InputRows, run.OutputRows, run.OutputWidth, run.KernelPath));
        using var file = SafeTensors.Open(output);
        Assert.Equal(["output"], file.Tensors.Keys);
        Assert.Equal([24L, 48L], file.Info("output").Shape);
        Assert.Equal(path, file.Metadata["foldbench.path"]);
        TorchaudioFixture.AssertMatches(file.ReadSingles("output"), TorchaudioFixture.Tensor("emformer.expected.safetensors", "output").Data, $"infer on {path}");
        Assert.Equal(["y.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));   // no temporary file left behind
    }

    [Theory]
    [MemberData(nameof(TorchaudioFixture.Paths), MemberType = typeof(TorchaudioFixture))]
    public void The_rnnt_transcriber_streams_as_torchaudios_transcribe_streaming(string path)
    {
        string output = Path.Combine(_dir, "rnnt.safetensors");
        var run = StreamingInference.Run(TorchaudioFixture.File("rnnt.config.json"), TorchaudioFixture.File("rnnt.weights.safetensors"),
            TorchaudioFixture.File("rnnt.input.safetensors"), output, kernelPath: path);
        // 44 frames of 20 features = (5·2 + 1) tokens × stride 4; output 5 chunks × 2 tokens of E = 24.
        Assert.Equal((StateDictKind.Rnnt, 5, 44, 20, 10, 24), (run.Kind, run.Chunks, run.InputRows, run.InputWidth, run.OutputRows, run.OutputWidth));
        using var file = SafeTensors.Open(output);
        TorchaudioFixture.AssertMatches(file.ReadSingles("output"), TorchaudioFixture.Tensor("rnnt.expected.safetensors", "output").Data,
            $"RNN-T transcriber on {path}");
    }

    [Theory]
    [MemberData(nameof(TorchaudioFixture.Paths), MemberType = typeof(TorchaudioFixture))]
    public void Greedy_decoding_follows_torchaudios_predictor_and_joiner_step_by_step(string path)
    {
        var c = ModelConfig.Load(TorchaudioFixture.File("rnnt.config.json"));
        var weights = RnntStateDict.Load(TorchaudioFixture.File("rnnt.weights.safetensors"), c, FoldingOptions.Unfolded);
        var kernel = KernelPaths.Parse(path);
        var transcriber = new Transcriber(c, FoldingOptions.Unfolded, kernel, weights.Transcriber);
        var (input, rows) = Input("rnnt");
        var frames = StreamingInference.Transcribe(transcriber, input, rows);

        const string expected = "rnnt.expected.safetensors";
        var frameOf = TorchaudioFixture.Int64(expected, "greedy.frame");
        var symbolOf = TorchaudioFixture.Int64(expected, "greedy.symbol");
        var predicted = TorchaudioFixture.Tensor(expected, "greedy.predictor").Data;
        var logits = TorchaudioFixture.Tensor(expected, "greedy.logits").Data;
        int e = c.Rnnt!.EncoderOutputWidth, v = c.Rnnt.Vocabulary;
        using (var file = SafeTensors.Open(TorchaudioFixture.File(expected)))
        {
            Assert.Equal("16", file.Metadata["blank"]);
            Assert.Equal("3", file.Metadata["maxSymbolsPerFrame"]);
        }

        var decoder = new GreedyDecoder(new Predictor(c, kernel, weights.Predictor), new Joiner(c, kernel, weights.Joiner), blank: 16, maxSymbolsPerFrame: 3);
        var emitted = new List<int>();
        int step = 0;
        for (int t = 0; t < frames.Length / e; t++)
            decoder.DecodeFrame(frames.AsSpan(t * e, e), emitted, (frame, symbol, prediction, scores) =>
            {
                Assert.True(step < frameOf.Length, $"more joiner steps than torchaudio's {frameOf.Length}");
                Assert.Equal(frameOf[step], frame);
                Assert.Equal(symbolOf[step], symbol);
                TorchaudioFixture.AssertMatches(prediction, predicted.AsSpan(step * e, e), $"predictor output at step {step} on {path}");
                TorchaudioFixture.AssertMatches(scores, logits.AsSpan(step * v, v), $"joiner logits at step {step} on {path}");
                step++;
            });
        Assert.Equal(frameOf.Length, step);
        Assert.Equal(symbolOf.Where(s => s != 16).Select(s => (int)s), emitted);
        // The fixture exercises all three ways a frame ends: at blank right away, at blank after symbols, and at the cap of 3.
        var perFrame = frameOf.Zip(symbolOf).GroupBy(x => x.First).Select(g => g.Select(x => x.Second).ToArray()).ToList();
        Assert.Contains(perFrame, s => s is [16]);
        Assert.Contains(perFrame, s => s.Length > 1 && s[^1] == 16);
        Assert.Contains(perFrame, s => s.Length == 3 && s[^1] != 16);
    }

    [Fact]
    public void The_comparison_has_teeth_a_slightly_wrong_model_misses_it()
    {
        // If the same weights with another activation, or one token less of left context, still passed,
        // the tolerance would prove nothing.
        var c = ModelConfig.Load(TorchaudioFixture.File("emformer.config.json"));
        var (input, rows) = Input("emformer");
        var (expected, _) = TorchaudioFixture.Tensor("emformer.expected.safetensors", "output");
        string best = KernelPaths.Best.Name();
        double tolerance = 1e-4 * Math.Max(1, expected.Max(Math.Abs));
        foreach (var wrong in new[] { c with { Activation = Activation.Relu }, c with { LeftContextTokens = c.LeftContextTokens - 1 } })
        {
            var y = StreamingInference.Encode(Emformer(best, config: wrong), input, rows);
            Assert.True(TorchaudioFixture.MaxDifference(y, expected) > 100 * tolerance, $"{wrong.Activation}, left {wrong.LeftContextTokens}");
        }
    }
}
