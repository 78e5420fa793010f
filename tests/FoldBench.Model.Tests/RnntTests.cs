using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

public sealed class RnntTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-rnnt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>D = 32 (I = 8 × stride 4), E = 24, P = 16, V = 11, two LSTM layers.</summary>
    private static ModelConfig Small(bool lstmLayerNorm = true, JoinerActivation joiner = JoinerActivation.Relu) => TestModels.Tiny(layers: 2) with
    {
        Rnnt = new RnntConfig
        {
            InputFeatures = 12, TimeReductionInputWidth = 8, TimeReductionStride = 4, EncoderOutputWidth = 24,
            PredictorWidth = 16, PredictorLstmLayers = 2, LstmLayerNorm = lstmLayerNorm, Vocabulary = 11, JoinerActivation = joiner,
        },
    };

    [Theory]
    [InlineData(true, JoinerActivation.Relu)]
    [InlineData(false, JoinerActivation.Tanh)]
    public void Predictor_and_joiner_match_torchaudios_definitions(bool lstmLayerNorm, JoinerActivation activation)
    {
        // Without LSTM layer norm torchaudio's x2g has a bias and there are no g_norm / c_norm: the other branch
        // of _CustomLSTM than the committed fixture (which has layer norm) covers.
        var c = Small(lstmLayerNorm, activation);
        var w = RnntWeights.Random(c, FoldingOptions.Unfolded, seed: 8);
        Assert.Equal(!lstmLayerNorm, w.Predictor.Lstm[0].InputToGates.HasBias);
        var predictor = new Predictor(c, TestModels.Path, w.Predictor);
        var joiner = new Joiner(c, TestModels.Path, w.Joiner);
        var naive = new NaiveRnnt(c, w);
        var frame = TestModels.Frames(1, 24, seed: 2)[0];
        var output = new float[24];
        var logits = new float[11];
        foreach (int symbol in new[] { 10, 3, 0, 3, 7 })   // a repeated symbol: the states must have moved on
        {
            predictor.Step(symbol, output);
            var expected = naive.Predict(symbol);
            TestModels.AssertClose(output, expected, 2e-5, $"predictor after symbol {symbol}");
            joiner.Join(frame, output, logits);
            TestModels.AssertClose(logits, naive.Join(frame, expected), 2e-5, $"joiner after symbol {symbol}");
        }
        predictor.Reset();
        predictor.Step(10, output);
        TestModels.AssertClose(output, new NaiveRnnt(c, w).Predict(10), 2e-5, "after Reset, as from zero states");
    }

    [Fact]
    public void Emformer_base_has_torchaudios_352_tensors_and_76_738_049_parameters()
    {
        // torchaudio 0.13.1: len(emformer_rnnt_base(4097).state_dict()) = 352 and
        // sum(p.numel() for p in emformer_rnnt_base(4097).parameters()) = 76,738,049.
        var specs = RnntLayout.Tensors(new FoldGeometry(ModelPresets.Get("emformer-base"), FoldingOptions.Unfolded));
        Assert.Equal(352, specs.Count);
        Assert.Equal(76_738_049L, specs.Sum(s => s.ElementCount));
        Assert.Equal(specs.Count, specs.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void The_names_and_shapes_are_torchaudios()
    {
        // The committed fixture is torchaudio's own RNNT.state_dict(), written in its order. Outside the encoder
        // the layout lists them in that order too; inside a layer torch's order (key_value, query, …) differs
        // from EmformerLayout's, which fixes the order seeded random weights are drawn in.
        var c = ModelConfig.Load(TorchaudioFixture.File("rnnt.config.json"));
        using var file = SafeTensors.Open(TorchaudioFixture.File("rnnt.weights.safetensors"));
        var inFile = file.Tensors.Values.OrderBy(t => t.Begin).Select(t => (t.Name, t.ShapeText)).ToList();
        var ours = RnntLayout.Tensors(new FoldGeometry(c, FoldingOptions.Unfolded)).Select(s => (s.Name, s.ShapeText)).ToList();
        Assert.Equal(inFile.OrderBy(t => t.Name, StringComparer.Ordinal), ours.OrderBy(t => t.Name, StringComparer.Ordinal));
        static bool Outside((string Name, string) t) => !t.Name.StartsWith(RnntLayout.EncoderPrefix, StringComparison.Ordinal);
        Assert.Equal(inFile.Where(Outside), ours.Where(Outside));
    }

    [Theory]
    [InlineData(1, "F32")]
    [InlineData(2, "BF16")]
    public void Saved_weights_load_back_the_same(int fold, string dtype)
    {
        var c = Small();
        var o = new FoldingOptions(fold);
        var w = RnntWeights.Random(c, o, seed: 5);
        string path = Path.Combine(_dir, "rnnt.safetensors");
        RnntStateDict.Save(path, w, c, o, dtype);
        var back = RnntStateDict.Load(path, c, o);
        var loaded = TorchStateDict.Load(path, c, o);
        Assert.Equal(StateDictKind.Rnnt, loaded.Kind);
        var a = RnntLayout.Flatten(w).ToList();
        var b = RnntLayout.Flatten(back).ToList();
        Assert.Equal(a.Select(t => (t.Name, string.Join(",", t.Shape))), b.Select(t => (t.Name, string.Join(",", t.Shape))));
        for (int i = 0; i < a.Count; i++)
            for (int k = 0; k < a[i].Data.Length; k++)
            {
                // BF16 keeps 8 significant bits: rounding moves a value by at most half a unit in the last place,
                // which is at most 2^-8 of the value (2^-7 spacing just above a power of two, halved).
                float tolerance = dtype == "F32" ? 0f : Math.Abs(a[i].Data[k]) / 256f;
                Assert.True(Math.Abs(a[i].Data[k] - b[i].Data[k]) <= tolerance, $"{a[i].Name}[{k}]: {a[i].Data[k]} → {b[i].Data[k]}");
            }
    }

    /// <summary>The torchaudio fixture re-written with one change.</summary>
    private string Changed(Func<List<SafeTensorData>, List<SafeTensorData>> change)
    {
        var tensors = new List<SafeTensorData>();
        using (var file = SafeTensors.Open(TorchaudioFixture.File("rnnt.weights.safetensors")))
            foreach (var info in file.Tensors.Values.OrderBy(t => t.Begin))
                tensors.Add(new SafeTensorData(info.Name, info.DType, info.Shape, file.ReadBytes(info.Name)));
        string path = Path.Combine(_dir, "changed.safetensors");
        SafeTensors.Write(path, change(tensors));
        return path;
    }

    private static ModelConfig FixtureConfig => ModelConfig.Load(TorchaudioFixture.File("rnnt.config.json"));

    [Fact]
    public void A_missing_tensor_is_named()
    {
        string path = Changed(t => [.. t.Where(x => x.Name != "predictor.lstm_layers.1.c_norm.weight")]);
        var e = Assert.Throws<SafeTensorsException>(() => TorchStateDict.Load(path, FixtureConfig, FoldingOptions.Unfolded));
        Assert.Contains("tensor 'predictor.lstm_layers.1.c_norm.weight' is missing", e.Message);
        Assert.Contains("needs [16]", e.Message);
    }

    [Theory]
    [InlineData("predictor.lstm_layers.0.x2g.bias", 64)]   // only without LSTM layer norm
    [InlineData("predictor.lstm_layers.2.p2g.weight", 4)]   // a third LSTM layer the config does not have
    [InlineData("joiner.activation.weight", 1)]
    [InlineData("transcriber.transformer.emformer_layers.2.layer_norm_input.weight", 32)]
    public void An_unexpected_tensor_is_named(string name, int length)
    {
        string path = Changed(t => [.. t, SafeTensorData.FromSingles(name, [length], new float[length])]);
        var e = Assert.Throws<SafeTensorsException>(() => TorchStateDict.Load(path, FixtureConfig, FoldingOptions.Unfolded));
        Assert.Contains($"'{name}'", e.Message);
        Assert.Contains(name.Contains("emformer_layers") ? "is not part of a 2-layer encoder" : "unexpected tensor", e.Message);
    }

    [Fact]
    public void A_shape_the_configuration_contradicts_is_named_with_both_shapes()
    {
        var c = FixtureConfig with { Rnnt = FixtureConfig.Rnnt! with { Vocabulary = 18 } };
        var e = Assert.Throws<SafeTensorsException>(() => TorchStateDict.Load(TorchaudioFixture.File("rnnt.weights.safetensors"), c, FoldingOptions.Unfolded));
        Assert.Contains("tensor 'predictor.embedding.weight' has shape [17, 16]", e.Message);
        Assert.Contains("needs [18, 16]", e.Message);
    }

    [Fact]
    public void An_rnnt_file_needs_an_rnnt_configuration_and_folded_shapes_when_folded()
    {
        var e = Assert.Throws<ConfigFieldException>(() =>
            TorchStateDict.Load(TorchaudioFixture.File("rnnt.weights.safetensors"), FixtureConfig with { Rnnt = null }, FoldingOptions.Unfolded));
        Assert.Equal("rnnt", e.Field);
        // Torchaudio's weights are unfolded: asked for fold 2, the first folded tensor is named with both shapes.
        var folded = Assert.Throws<SafeTensorsException>(() =>
            TorchStateDict.Load(TorchaudioFixture.File("rnnt.weights.safetensors"), FixtureConfig, new FoldingOptions(2)));
        Assert.Contains("'transcriber.transformer.emformer_layers.0.attention.emb_to_query.weight' has shape [32, 32]", folded.Message);
        Assert.Contains("needs [16, 16]", folded.Message);
    }

    [Fact]
    public void A_file_of_neither_kind_or_both_says_so()
    {
        string none = Changed(_ => [SafeTensorData.FromSingles("encoder.weight", [1], [1f])]);
        var e = Assert.Throws<SafeTensorsException>(() => TorchStateDict.Load(none, FixtureConfig, FoldingOptions.Unfolded));
        Assert.Contains("neither a torchaudio Emformer state_dict", e.Message);
        Assert.Contains("'encoder.weight'", e.Message);
        string both = Changed(t => [.. t, SafeTensorData.FromSingles("emformer_layers.0.layer_norm_input.weight", [32], new float[32])]);
        Assert.Contains("mixes", Assert.Throws<SafeTensorsException>(() => TorchStateDict.Load(both, FixtureConfig, FoldingOptions.Unfolded)).Message);
    }

    [Fact]
    public void Greedy_decoding_checks_its_arguments()
    {
        var c = Small();
        var w = RnntWeights.Random(c, FoldingOptions.Unfolded, seed: 1);
        var predictor = new Predictor(c, KernelPath.Scalar, w.Predictor);
        var joiner = new Joiner(c, KernelPath.Scalar, w.Joiner);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreedyDecoder(predictor, joiner, blank: 11, maxSymbolsPerFrame: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreedyDecoder(predictor, joiner, blank: 10, maxSymbolsPerFrame: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => predictor.Step(11, new float[24]));
    }
}
