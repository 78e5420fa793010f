namespace FoldBench.Model.Tests;

/// <summary><see cref="StreamingInference"/>: the chunking, and every bad input as one clear error.</summary>
public sealed class StreamingInferenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-infer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(26, 4, 2, 6)]   // 6·4 + 2
    [InlineData(6, 4, 2, 1)]    // one chunk: S + R
    [InlineData(12, 4, 0, 3)]   // no look-ahead
    public void Rows_of_n_chunks_plus_the_look_ahead_are_n_calls(int rows, int chunk, int right, int calls) =>
        Assert.Equal(calls, StreamingInference.Chunks(rows, chunk, right, "tokens"));

    [Theory]
    [InlineData(25, "the nearest are 22 and 26")]
    [InlineData(5, "n·4 + 2 rows (tokens) for some n ≥ 1")]   // fewer than one chunk and its look-ahead
    [InlineData(2, "n·4 + 2")]
    public void Other_row_counts_are_one_line_naming_the_form(int rows, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => StreamingInference.Chunks(rows, 4, 2, "tokens"));
        Assert.Contains($"the input has {rows} rows", e.Message);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Streaming_the_whole_input_is_the_chunk_steps_concatenated()
    {
        // Call i gets rows i·S … i·S + S + R − 1: the same as stepping a second encoder by hand.
        var c = TestModels.Tiny(layers: 2);
        var w = EncoderWeights.Random(c, FoldingOptions.Unfolded, seed: 3);
        var frames = TestModels.Frames(TestModels.FramesFor(c, 4), c.Width, seed: 4);
        var all = StreamingInference.Encode(new StreamingEncoder(c, FoldingOptions.Unfolded, TestModels.Path, w),
            frames.SelectMany(f => f).ToArray(), frames.Length);
        var byHand = new StreamingEncoder(c, FoldingOptions.Unfolded, TestModels.Path, w);
        var y = new float[byHand.OutputLength];
        var expected = new List<float>();
        for (int i = 0; i < 4; i++)
        {
            byHand.Step(TestModels.ChunkInput(frames, c, i), y);
            expected.AddRange(y);
        }
        Assert.Equal(expected, all);
    }

    private string Write(string name, params SafeTensorData[] tensors)
    {
        string path = Path.Combine(_dir, name);
        SafeTensors.Write(path, tensors);
        return path;
    }

    private Exception RunWith(string input, string? config = null, string? weights = null, string path = "best") =>
        Assert.ThrowsAny<Exception>(() => StreamingInference.Run(config ?? TorchaudioFixture.File("emformer.config.json"),
            weights ?? TorchaudioFixture.File("emformer.weights.safetensors"), input, Path.Combine(_dir, "y.safetensors"), kernelPath: path));

    [Fact]
    public void A_bad_input_file_is_named_with_what_is_wrong()
    {
        var rows25 = new float[25 * 48];
        Assert.Contains("the nearest are 22 and 26", RunWith(Write("25.safetensors", SafeTensorData.FromSingles("input", [25, 48], rows25))).Message);
        Assert.Contains("has width 40 but the encoder's width D (config 'width') is 48",
            RunWith(Write("w.safetensors", SafeTensorData.FromSingles("input", [26, 40], new float[26 * 40]))).Message);
        Assert.Contains("has no tensor 'input' (it holds 'x')", RunWith(Write("x.safetensors", SafeTensorData.FromSingles("x", [26, 48], new float[26 * 48]))).Message);
        Assert.Contains("unexpected tensor 'lengths'", RunWith(Write("two.safetensors", SafeTensorData.FromSingles("input", [26, 48], new float[26 * 48]),
            SafeTensorData.FromSingles("lengths", [1], [26f]))).Message);
        Assert.Contains("has shape [1, 26, 48] but must be [T, width]",
            RunWith(Write("3d.safetensors", SafeTensorData.FromSingles("input", [1, 26, 48], new float[26 * 48]))).Message);
        Assert.Contains("has dtype I32", RunWith(Write("int.safetensors", new SafeTensorData("input", "I32", [26, 48], new byte[26 * 48 * 4]))).Message);
        Assert.IsType<FileNotFoundException>(RunWith(Path.Combine(_dir, "absent.safetensors")));
        Assert.False(File.Exists(Path.Combine(_dir, "y.safetensors")));   // nothing written on an error
    }

    [Fact]
    public void A_configuration_that_contradicts_the_weights_is_named_by_the_tensor()
    {
        string input = TorchaudioFixture.File("emformer.input.safetensors");
        var c = ModelConfig.Load(TorchaudioFixture.File("emformer.config.json"));
        string twoLayers = Path.Combine(_dir, "two-layers.json");
        File.WriteAllText(twoLayers, (c with { Layers = 2 }).ToJson());
        Assert.Contains("'emformer_layers.2.attention.emb_to_key_value.weight' is not part of a 2-layer encoder", RunWith(input, twoLayers).Message);
        string wider = Path.Combine(_dir, "wider.json");
        File.WriteAllText(wider, (c with { FfnWidth = 128 }).ToJson());
        Assert.Contains("tensor 'emformer_layers.0.pos_ff.1.weight' has shape [96, 48] but D = 48, F = 128, unfolded needs [128, 48]", RunWith(input, wider).Message);
    }

    [Fact]
    public void An_unknown_or_unsupported_kernel_path_is_an_error_before_anything_is_read()
    {
        string input = Path.Combine(_dir, "never-read.safetensors");
        Assert.Contains("unknown kernel path 'sse9'", RunWith(input, path: "sse9").Message);
        var unsupported = FoldBench.Kernels.KernelPaths.All.Where(p => !FoldBench.Kernels.KernelPaths.IsSupported(p)).ToList();
        foreach (var p in unsupported)
            Assert.IsType<PlatformNotSupportedException>(RunWith(input, path: p.ToString().ToLowerInvariant()));
    }
}
