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
        // Score matrices: 8 heads × 5 query rows × 35 keys = 1,400 scores per layer, 16 bytes each (written, read and
        // rewritten by the softmax, read by ·V): 22,400 bytes per layer, 448,000 per step.
        Assert.Equal(448_000, a.ScoreBytesPerStep);
        Assert.Equal(a.WeightBytesReadPerStep + a.ActivationBytesPerStep + a.CacheBytesPerStep + 448_000, a.BytesMovedPerStep);
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

    [Fact]
    public void Softmax_exps_grow_with_the_square_of_the_fold_keeping_heads_and_linearly_reducing_them()
    {
        var c = ModelPresets.Get("emformer-base");   // Q = 4 + 1 = 5 rows, S = 30 + 5 = 35 keys, 8 heads, 20 layers
        // Unfolded: 8 heads × 5 queries × 35 keys × 20 layers = 28,000 exps.
        Assert.Equal(28_000, ModelAccounting.Compute(c, FoldingOptions.Unfolded).Elementwise.SoftmaxExps);
        // N = 4 keeping 8 heads: 8 × (4·5) × (4·35) × 20 = 448,000 = 16 × 28,000.
        Assert.Equal(448_000, ModelAccounting.Compute(c, new FoldingOptions(4)).Elementwise.SoftmaxExps);
        // N = 4 reducing to 8/4 = 2 heads: 2 × 20 × 140 × 20 = 112,000 = 4 × 28,000.
        Assert.Equal(112_000, ModelAccounting.Compute(c, new FoldingOptions(4, HeadPolicy.ReduceHeads)).Elementwise.SoftmaxExps);
        // N = 2 keeping heads: 8 × 10 × 70 × 20 = 112,000 = 4 × 28,000.
        Assert.Equal(112_000, ModelAccounting.Compute(c, new FoldingOptions(2)).Elementwise.SoftmaxExps);
    }

    [Fact]
    public void LayerNorm_gelu_and_residual_work_is_counted_per_step()
    {
        var e = ModelAccounting.Compute(ModelPresets.Get("emformer-base"), FoldingOptions.Unfolded).Elementwise;
        // Per layer 3 LayerNorms over 5 rows × 512 = 7,680 elements and 15 rows; GELU over 5 × 2048 = 10,240 hidden
        // elements (one erf each); 2 residual additions of 5 × 512 = 5,120. Times 20 layers:
        Assert.Equal(153_600, e.LayerNormElements);
        Assert.Equal(300, e.LayerNormRows);
        Assert.Equal(204_800, e.ActivationElements);
        Assert.Equal(204_800, e.ActivationTranscendentals);
        Assert.Equal(102_400, e.ResidualElements);
        Assert.Equal("GELU", e.Activation.Name);
        // FLOPs: softmax 4 × 28,000 = 112,000; LayerNorm 7 × 153,600 + 5 × 300 = 1,076,700; GELU 4 × 204,800 = 819,200;
        // residuals 102,400. Total 2,110,300; exps (28,000) and erfs (204,800) are counted apart: 232,800.
        Assert.Equal(2_110_300, e.Flops);
        Assert.Equal(232_800, e.Transcendentals);

        // Folding changes only the softmax: the same LayerNorm, GELU and residual work at N = 4 (FFN unfolded).
        var folded = ModelAccounting.Compute(ModelPresets.Get("emformer-base"), new FoldingOptions(4)).Elementwise;
        Assert.Equal(e.LayerNormFlops, folded.LayerNormFlops);
        Assert.Equal(e.ActivationFlops, folded.ActivationFlops);
        Assert.Equal(2_110_300 + 4 * (448_000 - 28_000), folded.Flops);
    }

    [Fact]
    public void The_attention_block_counts_one_layernorm_one_residual_and_no_activation()
    {
        var block = ModelAccounting.Compute(ModelPresets.Get("emformer-base"), FoldingOptions.Unfolded).AttentionBlock;
        // One layer: 8 × 5 × 35 = 1,400 scores; LayerNorm over 5 × 512 = 2,560 elements (5 rows); residual 2,560.
        Assert.Equal(1_400, block.Elementwise.SoftmaxExps);
        Assert.Equal(2_560, block.Elementwise.LayerNormElements);
        Assert.Equal(5, block.Elementwise.LayerNormRows);
        Assert.Equal(0, block.Elementwise.ActivationElements);
        Assert.Equal(2_560, block.Elementwise.ResidualElements);
        Assert.Equal(16 * 1_400, block.ScoreBytesPerStep);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Resident_footprint_is_what_the_streaming_encoder_allocates(int fold)
    {
        var c = TestModels.Tiny(layers: 2);
        var o = new FoldingOptions(fold);
        var footprint = ModelAccounting.Compute(c, o).Footprint;
        var encoder = new StreamingEncoder(c, o, TestModels.Path, seed: 1);
        Assert.Equal(encoder.CacheBytes, footprint.CacheBytes);
        Assert.Equal(encoder.ScratchBytes, footprint.ScratchBytes);
        Assert.Equal(4 * encoder.ParameterCount, footprint.WeightBytes);
    }

    [Fact]
    public void Resident_footprint_of_a_tiny_encoder_by_hand()
    {
        // Tiny: D = 32, H = 4, F = 64, T = 2, R = 1 (Q = 3 rows), left context C = 3 (S = 6 keys), 2 layers; N = 2 keeping heads:
        // head width 32 / (2·4) = 4, 6 query sub-rows and 12 key sub-rows.
        var c = TestModels.Tiny(layers: 2);
        var f = ModelAccounting.Compute(c, new FoldingOptions(2)).Footprint;
        // Weights per layer: Q 16² + 16 = 272, K/V 2·16² + 2·16 = 544, O 272, FFN 2·32·64 + 64 + 32 = 4,192, LayerNorms
        // 3·64 = 192: 5,472; two layers 10,944 parameters, 43,776 bytes.
        Assert.Equal(43_776, f.WeightBytes);
        // Key/value buffers: 2 layers × (3 cached + 3 current tokens) × 2·32 floats = 768 floats.
        Assert.Equal(768 * 4, f.CacheBytes);
        // Scratch: 5·3·32 = 480 (four Q×D buffers and the encoder's rows) + 3·64 = 192 (FFN hidden) + the attention
        // core's padded query rows × (head width 4 + 12 keys + 1 sum); 6 rows pad to 8 with 4- or 8-float vectors.
        int lanes = System.Numerics.Vector<float>.Count;
        int padded = (6 + lanes - 1) / lanes * lanes;
        Assert.Equal(4L * (480 + 192 + padded * 17), f.ScratchBytes);
        Assert.Equal(f.WeightBytes + f.CacheBytes + f.ScratchBytes, f.TotalBytes);
    }

    [Fact]
    public void The_score_scratch_is_a_whole_score_matrix_and_grows_with_the_fold_keeping_heads()
    {
        // emformer-base, chunk 64: Q = 65 rows, S = 95 keys. Keeping 8 heads at N = 4 one head scores 260 query
        // sub-rows against 380 key sub-rows: 98,800 scores, against 65 × 95 = 6,175 unfolded (16×).
        var c = ModelPresets.Get("emformer-base").WithChunk(64);
        var unfolded = ModelAccounting.Compute(c, FoldingOptions.Unfolded);
        var folded = ModelAccounting.Compute(c, new FoldingOptions(4));
        Assert.Equal(20L * 8 * 6_175 * 16, unfolded.ScoreBytesPerStep);
        Assert.Equal(20L * 8 * 98_800 * 16, folded.ScoreBytesPerStep);
        // 252,928,000 bytes of score traffic: more than the 173,506,560 bytes of weights at N = 4 (43,376,640 parameters).
        Assert.True(folded.ScoreBytesPerStep > folded.WeightBytesReadPerStep);
        int lanes = System.Numerics.Vector<float>.Count;
        int padded = (260 + lanes - 1) / lanes * lanes;
        // Scratch: 5·65·512 + 65·2048 = 299,520 floats, plus padded rows × (head width 16 + 380 keys + 1).
        Assert.Equal(4L * (299_520 + padded * 397), folded.Footprint.ScratchBytes);
    }
}
