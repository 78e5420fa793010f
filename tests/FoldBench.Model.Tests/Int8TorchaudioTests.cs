using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Model.Tests;

/// <summary>
/// torchaudio's Emformer and RNN-T transcriber fixtures (fp32 outputs of torchaudio 0.13.1) run at int8: within the int8
/// bound (<see cref="Int8Tolerance"/>: one quantization step of the output scale per int8 linear layer in series — 4 per
/// Emformer layer, 2 more for the transcriber's input and output linears) of torchaudio's fp32 output, and clearly not
/// the fp32 output itself (the int8 kernels ran).
/// </summary>
public sealed class Int8TorchaudioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-torchaudio-int8-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Int8ModelTests.Int8Paths), MemberType = typeof(Int8ModelTests))]
    public void The_emformer_at_int8_stays_within_the_int8_bound_of_torchaudio(string path)
    {
        var c = ModelConfig.Load(TorchaudioFixture.File("emformer.config.json"));
        var weights = TorchStateDict.Load(TorchaudioFixture.File("emformer.weights.safetensors"), c, FoldingOptions.Unfolded);
        var encoder = new StreamingEncoder(c, FoldingOptions.Unfolded, KernelPaths.Parse(path), weights.Encoder, precision: Precision.Int8);
        var (input, shape) = TorchaudioFixture.Tensor("emformer.input.safetensors", "input");
        var y = StreamingInference.Encode(encoder, input, (int)shape[0]);
        var (expected, _) = TorchaudioFixture.Tensor("emformer.expected.safetensors", "output");
        var error = Int8Tolerance.Measure(y, expected);
        Assert.True(error.Within(Int8Tolerance.EncoderDepth(c.Layers)), $"Emformer at int8 on {path}: {error} beyond {Int8Tolerance.Bound(Int8Tolerance.EncoderDepth(c.Layers)):E2}");
        Assert.True(error.Relative > 1e-4, $"Emformer at int8 on {path} agrees with torchaudio's fp32 to {error}: did int8 run?");
    }

    [Theory]
    [MemberData(nameof(Int8ModelTests.Int8Paths), MemberType = typeof(Int8ModelTests))]
    public void Infer_at_int8_writes_the_rnnt_transcriber_within_the_int8_bound(string path)
    {
        string output = Path.Combine(_dir, "rnnt-int8.safetensors");
        var run = StreamingInference.Run(TorchaudioFixture.File("rnnt.config.json"), TorchaudioFixture.File("rnnt.weights.safetensors"),
            TorchaudioFixture.File("rnnt.input.safetensors"), output, kernelPath: path, precision: "int8");
        string int8Path = Precisions.Int8Counterpart(KernelPaths.Parse(path))!.Value.Name();
        Assert.Equal(("int8", int8Path), (run.Precision, run.KernelPath));
        using var file = SafeTensors.Open(output);
        Assert.Equal("int8", file.Metadata["foldbench.precision"]);
        Assert.Equal(int8Path, file.Metadata["foldbench.path"]);
        var c = ModelConfig.Load(TorchaudioFixture.File("rnnt.config.json"));
        var error = Int8Tolerance.Measure(file.ReadSingles("output"), TorchaudioFixture.Tensor("rnnt.expected.safetensors", "output").Data);
        Assert.True(error.Within(Int8Tolerance.TranscriberDepth(c.Layers)), $"RNN-T transcriber at int8 on {path}: {error}");
        Assert.True(error.Relative > 1e-4, $"RNN-T transcriber at int8 on {path} agrees with fp32 to {error}: did int8 run?");
    }

    [Fact]
    public void Infer_at_fp32_writes_no_precision_key_and_refuses_int8_on_the_portable_path()
    {
        string output = Path.Combine(_dir, "fp32.safetensors");
        var run = StreamingInference.Run(TorchaudioFixture.File("emformer.config.json"), TorchaudioFixture.File("emformer.weights.safetensors"),
            TorchaudioFixture.File("emformer.input.safetensors"), output, kernelPath: "scalar");
        Assert.Equal("fp32", run.Precision);
        using (var file = SafeTensors.Open(output)) Assert.False(file.Metadata.ContainsKey("foldbench.precision"));
        var e = Assert.Throws<ArgumentException>(() => StreamingInference.Run(TorchaudioFixture.File("emformer.config.json"),
            TorchaudioFixture.File("emformer.weights.safetensors"), TorchaudioFixture.File("emformer.input.safetensors"), output,
            kernelPath: "portable", precision: "int8"));
        Assert.Contains("no int8 counterpart", e.Message);
        e = Assert.Throws<ArgumentException>(() => StreamingInference.Run(TorchaudioFixture.File("emformer.config.json"),
            TorchaudioFixture.File("emformer.weights.safetensors"), TorchaudioFixture.File("emformer.input.safetensors"), output,
            kernelPath: "scalar", precision: "int4"));
        Assert.Contains("unknown precision 'int4'", e.Message);
    }
}
