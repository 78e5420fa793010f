namespace FoldBench.Model.Tests;

public class AccountingTests
{
    public static TheoryData<string, int, HeadPolicy, WeightSharing, FoldedProjections, bool> PresetVariants()
    {
        var data = new TheoryData<string, int, HeadPolicy, WeightSharing, FoldedProjections, bool>();
        foreach (var name in ModelPresets.Names)
        {
            data.Add(name, 1, HeadPolicy.KeepHeads, WeightSharing.Shared, FoldedProjections.Qkvo, false);
            data.Add(name, 2, HeadPolicy.KeepHeads, WeightSharing.Shared, FoldedProjections.Qkvo, false);
            data.Add(name, 4, HeadPolicy.ReduceHeads, WeightSharing.Shared, FoldedProjections.Qkv, false);
            data.Add(name, 2, HeadPolicy.KeepHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkvo, true);
            data.Add(name, 4, HeadPolicy.KeepHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkv, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PresetVariants))]
    public void Formula_counts_equal_the_allocated_tensors(string preset, int fold, HeadPolicy heads, WeightSharing sharing,
        FoldedProjections projections, bool foldFfn)
    {
        var c = ModelPresets.Get(preset);
        var o = new FoldingOptions(fold, heads, sharing, projections, foldFfn);
        var account = ModelAccounting.Compute(c, o);

        // One layer is allocated for every preset (construction only: no compute on emformer-base).
        var layer = new EncoderLayer(c, o, TestModels.Path, seed: 1);
        Assert.Equal(account.LayerParameters, layer.ParameterCount);
        Assert.Equal(account.AttentionBlockParameters, layer.Attention.ParameterCount);
        Assert.Equal(account.Parameters.Encoder.Parameters, c.Layers * layer.ParameterCount);
        var g = new FoldGeometry(c, o);
        Assert.Equal(account.LayerParameters, EmformerLayout.LayerTensors(g).Sum(t => t.ElementCount));
        Assert.True(layer.WeightBytes >= 4 * layer.ParameterCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Whole_encoder_of_a_small_preset_allocates_what_the_formulas_say(int fold)
    {
        var c = ModelPresets.Get("ondevice-144");
        var o = new FoldingOptions(fold, Sharing: WeightSharing.BlockDiagonal, FoldFfn: fold == 2);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, seed: 1);
        Assert.Equal(ModelAccounting.Compute(c, o).EncoderParameters, encoder.ParameterCount);
        Assert.Equal(c.Layers, encoder.Layers.Count);
    }

    [Fact]
    public void Emformer_base_matches_torchaudio_parameter_counts()
    {
        // Counted by hand from torchaudio's emformer_rnnt_base(4097) module definitions (torchaudio.models.rnnt).
        var a = ModelAccounting.Compute(ModelPresets.Get("emformer-base"), FoldingOptions.Unfolded);
        // The whole model: encoder 63,068,160 + input linear 10,240 + output linear 525,312 + transcriber LayerNorm(1024)
        // 2,048 + embedding 2,097,664 + predictor input LayerNorm(512) 1,024 + LSTMs 6,306,816 + predictor linear
        // 512→1024 525,312 + predictor output LayerNorm(1024) 2,048 + joiner 4,199,425 = 76,738,049.
        Assert.Equal(76_738_049, a.ModelParameters);
        Assert.Equal(63_068_160, a.EncoderParameters);                             // 21,012,480 + 41,994,240 + 61,440
        Assert.Equal(21_012_480, a.Parameters.AttentionProjections.Parameters);   // 20 × (4·512² + 4·512)
        Assert.Equal(41_994_240, a.Parameters.Ffn.Parameters);                    // 20 × (2·512·2048 + 2048 + 512)
        Assert.Equal(61_440, a.Parameters.Norms.Parameters);                      // 20 × 3 × 2·512
        Assert.Equal(10_240, a.Rnnt.InputLinear);                                 // Linear(80, 128, bias=False): 80·128
        Assert.Equal(525_312, a.Rnnt.EncoderOutput);                              // Linear(512, 1024): 512·1024 + 1024
        Assert.Equal(2_097_664, a.Rnnt.Embedding);                                // Embedding(4097, 512): 4097·512
        Assert.Equal(6_306_816, a.Rnnt.PredictorLstms);                           // 3 × (2 · 4·512² + 2·512 + 8·512)
        //   (each layer-normed LSTM: x2g 512→2048 and p2g 512→2048 without bias, c_norm LayerNorm(512), g_norm LayerNorm(2048))
        Assert.Equal(4_199_425, a.Rnnt.Joiner);                                   // Linear(1024, 4097): 1024·4097 + 4097
        // 76,738,049 · 4 bytes / 2²⁰ = 292.73 MiB.
        Assert.Equal(292.73, a.Parameters.Model.MiBFp32, 2);
    }

    [Fact]
    public void Folded_shapes_follow_the_mission_table()
    {
        var c = ModelPresets.Get("emformer-base");
        long d = 512;
        foreach (int n in new[] { 1, 2, 4, 8 })
        {
            var shared = ModelAccounting.Compute(c, new FoldingOptions(n));
            Assert.Equal(c.Layers * (4 * d * d / (n * n) + 4 * d / n), shared.Parameters.AttentionProjections.Parameters);
            var block = ModelAccounting.Compute(c, new FoldingOptions(n, Sharing: WeightSharing.BlockDiagonal));
            Assert.Equal(c.Layers * (4 * d * d / n + 4 * d), block.Parameters.AttentionProjections.Parameters);
            Assert.Equal(shared.Parameters.Ffn, ModelAccounting.Compute(c, FoldingOptions.Unfolded).Parameters.Ffn);
        }
        var qkv = ModelAccounting.Compute(c, new FoldingOptions(2, Projections: FoldedProjections.Qkv));
        Assert.Equal(c.Layers * (3 * 256 * 256 + 3 * 256 + d * d + d), qkv.Parameters.AttentionProjections.Parameters);
        var ffn = ModelAccounting.Compute(c, new FoldingOptions(2, FoldFfn: true));
        Assert.Equal(c.Layers * (2 * 256 * 1024 + 1024 + 256), ffn.Parameters.Ffn.Parameters);
    }

    [Fact]
    public void Step_work_splits_into_projections_scores_and_ffn()
    {
        var c = ModelPresets.Get("emformer-base");   // Q = T + R = 5 rows, S = 30 + 5 = 35 keys
        var unfolded = ModelAccounting.Compute(c, FoldingOptions.Unfolded);
        Assert.Equal(20L * 5 * 4 * 512 * 512, unfolded.ProjectionMacs);
        Assert.Equal(20L * 2 * 5 * 35 * 512, unfolded.ScoreMacs);
        Assert.Equal(20L * 2 * 5 * 512 * 2048, unfolded.FfnMacs);
        var folded = ModelAccounting.Compute(c, new FoldingOptions(4));
        Assert.Equal(unfolded.ProjectionMacs / 4, folded.ProjectionMacs);
        Assert.Equal(unfolded.ScoreMacs * 4, folded.ScoreMacs);
        Assert.Equal(unfolded.FfnMacs, folded.FfnMacs);
        Assert.Equal(unfolded.ScoreMacs * 4, ModelAccounting.Compute(c, new FoldingOptions(4, HeadPolicy.ReduceHeads)).ScoreMacs);
        Assert.Equal(folded.TotalMacs, folded.PerLayer.TotalMacs * 20);
        Assert.Equal(folded.PerLayer.ProjectionMacs, folded.AttentionBlock.ProjectionMacs);
        Assert.Equal(0, folded.AttentionBlock.FfnMacs);
    }

    [Fact]
    public void Bytes_moved_are_weights_activations_and_cache()
    {
        var c = ModelPresets.Get("emformer-base");
        var a = ModelAccounting.Compute(c, FoldingOptions.Unfolded);
        Assert.Equal(4 * a.EncoderParameters, a.WeightBytesReadPerStep);
        Assert.Equal(20L * 4 * (21 * 5 * 512 + 4 * 5 * 2048), a.ActivationBytesPerStep);
        Assert.Equal(20L * 4 * (2 * 30 * 512 + 2 * 4 * 512), a.CacheBytesPerStep);
        Assert.Equal(a.BytesMovedPerStep / 4.0, a.BytesMovedPerToken);
        Assert.Equal(2.0 * a.TotalMacs / a.BytesMovedPerStep, a.ArithmeticIntensity);
        var folded = ModelAccounting.Compute(c, new FoldingOptions(2));
        Assert.Equal(a.ActivationBytesPerStep, folded.ActivationBytesPerStep);   // folding is a reinterpretation
        Assert.True(folded.BytesMovedPerToken < a.BytesMovedPerToken);
    }

    [Fact]
    public void Configurations_without_an_rnnt_count_the_encoder_as_the_model()
    {
        var a = ModelAccounting.Compute(TestModels.Tiny(), FoldingOptions.Unfolded);
        Assert.Equal(0, a.Parameters.RestOfModel.Parameters);
        Assert.Equal(a.EncoderParameters, a.ModelParameters);
    }

    [Fact]
    public void Byte_sizes_per_precision()
    {
        var g = new ParameterGroup(1_000);
        Assert.Equal(4_000, g.BytesFp32);
        Assert.Equal(2_000, g.BytesFp16);
        Assert.Equal(1_000, g.BytesInt8);
    }
}
