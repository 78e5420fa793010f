using System.Buffers.Binary;
using System.Text;

namespace FoldBench.Model.Tests;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private static float[] Run(StreamingEncoder encoder, float[][] frames, int segments)
    {
        var outputs = new List<float>();
        var y = new float[encoder.OutputLength];
        for (int i = 0; i < segments; i++)
        {
            encoder.Step(TestModels.ChunkInput(frames, encoder.Config, i), y);
            outputs.AddRange(y);
        }
        return outputs.ToArray();
    }

    [Theory]
    [InlineData(1, WeightSharing.Shared, "")]
    [InlineData(2, WeightSharing.BlockDiagonal, "transcriber.transformer.")]
    [InlineData(4, WeightSharing.Shared, "transformer.")]
    public void Saved_weights_load_back_into_the_same_encoder(int fold, WeightSharing sharing, string prefix)
    {
        var c = TestModels.Tiny(layers: 2);
        var o = new FoldingOptions(fold, Sharing: sharing, FoldFfn: fold == 2);
        var weights = EncoderWeights.Random(c, o, seed: 31);
        string path = File("encoder.safetensors");
        EmformerStateDict.Save(path, weights, c, o, prefix: prefix);

        var frames = TestModels.Frames(TestModels.FramesFor(c, 3), c.Width, seed: 1);
        var expected = Run(new StreamingEncoder(c, o, TestModels.Path, weights), frames, 3);
        var loaded = StreamingEncoder.Load(path, c, o, TestModels.Path);
        Assert.Equal(expected, Run(loaded, frames, 3));

        using var file = SafeTensors.Open(path);
        Assert.Equal(o.Fold.ToString(), file.Metadata["foldbench.fold"]);
        Assert.Contains(prefix + "emformer_layers.1.pos_ff.4" + (sharing == WeightSharing.BlockDiagonal && fold == 2 ? ".1" : "") + ".weight", file.Tensors.Keys);
    }

    [Fact]
    public void Unfolded_names_and_shapes_are_torchaudios()
    {
        var c = TestModels.Tiny();
        string path = File("unfolded.safetensors");
        EmformerStateDict.Save(path, EncoderWeights.Random(c, FoldingOptions.Unfolded, 1), c, FoldingOptions.Unfolded);
        using var file = SafeTensors.Open(path);
        var shapes = file.Tensors.Values.ToDictionary(t => t.Name, t => t.ShapeText);
        Assert.Equal("[32, 32]", shapes["emformer_layers.0.attention.emb_to_query.weight"]);
        Assert.Equal("[64, 32]", shapes["emformer_layers.0.attention.emb_to_key_value.weight"]);
        Assert.Equal("[64]", shapes["emformer_layers.0.attention.emb_to_key_value.bias"]);
        Assert.Equal("[32, 32]", shapes["emformer_layers.0.attention.out_proj.weight"]);
        Assert.Equal("[32]", shapes["emformer_layers.0.layer_norm_input.weight"]);
        Assert.Equal("[32]", shapes["emformer_layers.0.pos_ff.0.bias"]);
        Assert.Equal("[64, 32]", shapes["emformer_layers.0.pos_ff.1.weight"]);
        Assert.Equal("[32, 64]", shapes["emformer_layers.0.pos_ff.4.weight"]);
        Assert.Equal("[32]", shapes["emformer_layers.0.layer_norm_output.bias"]);
        Assert.Equal(16, shapes.Count);
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Half_precision_tensors_are_converted_to_float(string dtype)
    {
        float[] values = [0f, 1f, -2.5f, 3.14159f, 65504f, 1e-3f];
        string path = File("half.safetensors");
        SafeTensors.Write(path, [SafeTensorData.FromSingles("t", [2, 3], values, dtype)]);
        using var file = SafeTensors.Open(path);
        var back = file.ReadSingles("t");
        Assert.Equal(dtype, file.Info("t").DType);
        for (int i = 0; i < values.Length; i++)
        {
            float expected = dtype == "F16" ? (float)(Half)values[i] : values[i];
            Assert.Equal(expected, back[i], dtype == "F16" ? 0f : Math.Abs(values[i]) / 128f);
        }
    }

    /// <summary>Re-writes a valid encoder file with one change, to test the loader's errors.</summary>
    private (string Path, ModelConfig Config, FoldingOptions Options) Corrupted(Func<SafeTensorData, SafeTensorData?> change)
    {
        var c = TestModels.Tiny();
        var o = new FoldingOptions(2);
        string good = File("good.safetensors");
        EmformerStateDict.Save(good, EncoderWeights.Random(c, o, 1), c, o);
        var tensors = new List<SafeTensorData>();
        using (var file = SafeTensors.Open(good))
            foreach (var info in file.Tensors.Values)
            {
                var t = change(new SafeTensorData(info.Name, info.DType, info.Shape, file.ReadBytes(info.Name)));
                if (t is not null) tensors.Add(t);
            }
        string bad = File("bad.safetensors");
        SafeTensors.Write(bad, tensors);
        return (bad, c, o);
    }

    private const string Target = "emformer_layers.0.attention.emb_to_key_value.weight";

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var (path, c, o) = Corrupted(t => t.Name == Target ? null : t);
        var e = Assert.Throws<SafeTensorsException>(() => StreamingEncoder.Load(path, c, o));
        Assert.Contains($"'{Target}' is missing", e.Message);
    }

    [Fact]
    public void A_misshaped_tensor_is_named_with_both_shapes()
    {
        var (path, c, o) = Corrupted(t => t.Name == Target ? t with { Shape = [16, 32] } : t);
        var e = Assert.Throws<SafeTensorsException>(() => StreamingEncoder.Load(path, c, o));
        Assert.Contains($"'{Target}' has shape [16, 32]", e.Message);
        Assert.Contains("[32, 16]", e.Message);
    }

    [Fact]
    public void A_wrongly_typed_tensor_is_named()
    {
        var (path, c, o) = Corrupted(t => t.Name == Target ? t with { DType = "I32" } : t);
        var e = Assert.Throws<SafeTensorsException>(() => StreamingEncoder.Load(path, c, o));
        Assert.Contains($"'{Target}' has dtype I32", e.Message);
    }

    [Fact]
    public void Tensors_of_other_layers_are_not_silently_ignored()
    {
        var (path, c, o) = Corrupted(t => t.Name == Target ? t with { Name = "emformer_layers.7.attention.emb_to_key_value.weight" } : t);
        var e = Assert.Throws<SafeTensorsException>(() => StreamingEncoder.Load(path, c, o));
        Assert.Contains($"'{Target}' is missing", e.Message);

        var (complete, _, _) = Corrupted(t => t);
        var tensors = new List<SafeTensorData>();
        using (var file = SafeTensors.Open(complete))
            foreach (var info in file.Tensors.Values) tensors.Add(new SafeTensorData(info.Name, info.DType, info.Shape, file.ReadBytes(info.Name)));
        string extra = File("extra.safetensors");
        SafeTensors.Write(extra, [.. tensors, SafeTensorData.FromSingles("emformer_layers.7.layer_norm_input.weight", [32], new float[32])]);
        var e2 = Assert.Throws<SafeTensorsException>(() => StreamingEncoder.Load(extra, c, o));
        Assert.Contains("'emformer_layers.7.layer_norm_input.weight' is not part of a 1-layer encoder", e2.Message);

        // A pure Emformer state_dict holds nothing else either.
        string stray = File("stray.safetensors");
        SafeTensors.Write(stray, [.. tensors, SafeTensorData.FromSingles("predictor.embedding.weight", [2, 2], new float[4])]);
        var e3 = Assert.Throws<SafeTensorsException>(() => StreamingEncoder.Load(stray, c, o));
        Assert.Contains("unexpected tensor 'predictor.embedding.weight'", e3.Message);
    }

    [Fact]
    public void Under_a_prefix_only_the_encoder_is_read_and_checked()
    {
        // The encoder of an RNN-T state_dict: tensors outside 'transcriber.transformer.' belong to the rest of the
        // model; a stray one inside the prefix is still an error.
        var c = TestModels.Tiny();
        var o = FoldingOptions.Unfolded;
        string good = File("prefixed.safetensors");
        EmformerStateDict.Save(good, EncoderWeights.Random(c, o, 3), c, o, prefix: "transcriber.transformer.");
        var tensors = new List<SafeTensorData>();
        using (var file = SafeTensors.Open(good))
            foreach (var info in file.Tensors.Values) tensors.Add(new SafeTensorData(info.Name, info.DType, info.Shape, file.ReadBytes(info.Name)));
        string path = File("rnnt-like.safetensors");
        SafeTensors.Write(path, [.. tensors, SafeTensorData.FromSingles("joiner.linear.bias", [3], new float[3])]);
        Assert.Equal(c.Layers, EmformerStateDict.Load(path, c, o).Layers.Count);
        SafeTensors.Write(path, [.. tensors, SafeTensorData.FromSingles("transcriber.transformer.memory_op.weight", [3], new float[3])]);
        var e = Assert.Throws<SafeTensorsException>(() => EmformerStateDict.Load(path, c, o));
        Assert.Contains("unexpected tensor 'transcriber.transformer.memory_op.weight'", e.Message);
    }

    [Fact]
    public void Malformed_files_are_format_errors_naming_the_file()
    {
        string tooShort = File("short.safetensors");
        System.IO.File.WriteAllBytes(tooShort, [1, 2, 3]);
        Assert.Contains(tooShort, Assert.Throws<SafeTensorsException>(() => SafeTensors.Open(tooShort)).Message);

        string badLength = File("length.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        System.IO.File.WriteAllBytes(badLength, bytes);
        Assert.Contains("header length", Assert.Throws<SafeTensorsException>(() => SafeTensors.Open(badLength)).Message);

        string badJson = File("json.safetensors");
        var header = Encoding.UTF8.GetBytes("{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, ");
        var file = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        System.IO.File.WriteAllBytes(badJson, file);
        Assert.Contains("not valid JSON", Assert.Throws<SafeTensorsException>(() => SafeTensors.Open(badJson)).Message);

        string outOfRange = File("range.safetensors");
        header = Encoding.UTF8.GetBytes("{\"t\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}");
        file = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        System.IO.File.WriteAllBytes(outOfRange, file);
        Assert.Contains("tensor 't' has data_offsets outside", Assert.Throws<SafeTensorsException>(() => SafeTensors.Open(outOfRange)).Message);
    }

    [Fact]
    public void A_file_without_emformer_layers_says_what_names_it_expects()
    {
        string path = File("other.safetensors");
        SafeTensors.Write(path, [SafeTensorData.FromSingles("encoder.layer.0.weight", [1], [1f])]);
        var e = Assert.Throws<SafeTensorsException>(() => StreamingEncoder.Load(path, TestModels.Tiny(), FoldingOptions.Unfolded));
        Assert.Contains("emformer_layers.0.attention.emb_to_query.weight", e.Message);
    }
}
