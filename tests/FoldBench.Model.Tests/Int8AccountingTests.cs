using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

/// <summary>The accounting at int8, written out by hand for emformer-base and checked against what the encoder allocates.</summary>
public class Int8AccountingTests
{
    [Fact]
    public void Emformer_base_weight_bytes_at_int8_by_hand()
    {
        var c = ModelPresets.Get("emformer-base");   // D = 512, F = 2048, 20 layers, Q = T + R = 5 rows
        var fp32 = ModelAccounting.Compute(c, FoldingOptions.Unfolded);
        var unfolded = ModelAccounting.Compute(c, FoldingOptions.Unfolded, Precision.Int8);
        Assert.Equal(Precision.Int8, unfolded.Precision);
        // Per layer, a byte per weight and 8 bytes (fp32 scale, fp32 bias) per output channel:
        //   Q 512·512 + 8·512 = 266,240; K/V 1024·512 + 8·1024 = 532,480; O 266,240;
        //   FFN expand 2048·512 + 8·2048 = 1,064,960; contract 512·2048 + 8·512 = 1,052,672;
        //   LayerNorms fp32: 3 · 2·512 · 4 = 12,288. Layer: 3,194,880 bytes; 20 layers: 63,897,600.
        Assert.Equal(63_897_600, unfolded.WeightBytesReadPerStep);
        Assert.Equal(3_194_880, unfolded.PerLayer.WeightBytesReadPerStep);
        // The attention block alone: 266,240 + 532,480 + 266,240 + its LayerNorm 4,096 = 1,069,056.
        Assert.Equal(1_069_056, unfolded.AttentionBlock.WeightBytesReadPerStep);
        Assert.Equal(63_897_600, unfolded.Footprint.WeightBytes);
        // fp32: 63,068,160 parameters × 4 = 252,272,640 bytes, 3.95× as much.
        Assert.Equal(252_272_640, fp32.WeightBytesReadPerStep);

        // N = 4, shared, FFN unfolded: Q 128·128 + 8·128 = 17,408; K/V 256·128 + 8·256 = 34,816; O 17,408; the FFN and
        // the norms as above (2,117,632 + 12,288): 2,199,552 per layer, 43,991,040 for 20.
        var folded = ModelAccounting.Compute(c, new FoldingOptions(4), Precision.Int8);
        Assert.Equal(43_991_040, folded.WeightBytesReadPerStep);
        Assert.Equal(43_991_040, folded.Footprint.WeightBytes);
    }

    [Fact]
    public void Emformer_base_quantized_rows_traffic_and_scratch_by_hand()
    {
        var c = ModelPresets.Get("emformer-base");
        var fp32 = ModelAccounting.Compute(c, FoldingOptions.Unfolded);
        var int8 = ModelAccounting.Compute(c, FoldingOptions.Unfolded, Precision.Int8);
        // Unfolded, each projection quantizes Q = 5 rows: K = 512 for Q, K/V, O and the FFN expand (5·512 bytes + 5 fp32
        // scales = 2,580 bytes), K = 2048 for the contract (10,260), each written and read back: 2·(4·2,580 + 10,260)
        // = 41,160 bytes per layer, 823,200 per step.
        Assert.Equal(823_200, int8.EncoderStep.QuantizedRowBytesPerStep);
        Assert.Equal(0, fp32.EncoderStep.QuantizedRowBytesPerStep);
        // Activations, keys/values and scores stay fp32: the same bytes as fp32.
        Assert.Equal(fp32.ActivationBytesPerStep, int8.ActivationBytesPerStep);
        Assert.Equal(fp32.CacheBytesPerStep, int8.CacheBytesPerStep);
        Assert.Equal(fp32.ScoreBytesPerStep, int8.ScoreBytesPerStep);
        Assert.Equal(63_897_600 + fp32.ActivationBytesPerStep + fp32.CacheBytesPerStep + fp32.ScoreBytesPerStep + 823_200, int8.BytesMovedPerStep);
        Assert.Equal(int8.BytesMovedPerStep / 4.0, int8.BytesMovedPerToken);
        Assert.Equal(2.0 * int8.TotalMacs / int8.BytesMovedPerStep, int8.ArithmeticIntensity);
        Assert.True(int8.ArithmeticIntensity > 3 * fp32.ArithmeticIntensity);
        // The scratch gains one buffer per distinct K, shared by the layers: 2,580 (K = 512) + 10,260 (K = 2048).
        Assert.Equal(fp32.Footprint.ScratchBytes + 12_840, int8.Footprint.ScratchBytes);
        Assert.Equal(fp32.Footprint.CacheBytes, int8.Footprint.CacheBytes);

        // N = 4 shared: Q, K/V and O quantize 20 sub-rows of K = 128 (2,560 + 80 = 2,640 bytes), the unfolded FFN as above:
        // 2·(3·2,640 + 2,580 + 10,260) = 41,520 per layer, 830,400 per step; scratch 2,640 + 2,580 + 10,260 = 15,480.
        var folded = ModelAccounting.Compute(c, new FoldingOptions(4), Precision.Int8);
        var folded32 = ModelAccounting.Compute(c, new FoldingOptions(4));
        Assert.Equal(830_400, folded.EncoderStep.QuantizedRowBytesPerStep);
        Assert.Equal(folded32.Footprint.ScratchBytes + 15_480, folded.Footprint.ScratchBytes);
    }

    public static TheoryData<int, WeightSharing, bool, FoldedProjections> Variants() => new()
    {
        { 1, WeightSharing.Shared, false, FoldedProjections.Qkvo },
        { 2, WeightSharing.Shared, false, FoldedProjections.Qkvo },
        { 4, WeightSharing.Shared, true, FoldedProjections.Qkv },
        { 2, WeightSharing.BlockDiagonal, true, FoldedProjections.Qkvo },
        { 4, WeightSharing.BlockDiagonal, false, FoldedProjections.Qkv },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Int8_resident_footprint_is_what_the_streaming_encoder_allocates(int fold, WeightSharing sharing, bool foldFfn, FoldedProjections projections)
    {
        var c = TestModels.Tiny(layers: 2);
        var o = new FoldingOptions(fold, Sharing: sharing, Projections: projections, FoldFfn: foldFfn);
        var account = ModelAccounting.Compute(c, o, Precision.Int8);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, seed: 1, precision: Precision.Int8);
        Assert.Equal(encoder.StoredWeightBytes, account.Footprint.WeightBytes);
        Assert.Equal(encoder.CacheBytes, account.Footprint.CacheBytes);
        Assert.Equal(encoder.ScratchBytes, account.Footprint.ScratchBytes);
        Assert.Equal(encoder.Layers[0].StoredWeightBytes, account.PerLayer.WeightBytesReadPerStep);
        Assert.Equal(encoder.Layers[0].Attention.StoredWeightBytes, account.AttentionBlock.WeightBytesReadPerStep);
        // Steady state: steps change none of it (the scratch was reserved for a step's rows at construction).
        var input = TestModels.Frames(c.QueryTokens, c.Width, seed: 2).SelectMany(r => r).ToArray();
        var output = new float[encoder.OutputLength];
        for (int i = 0; i < 3; i++) encoder.Step(input, output);
        Assert.Equal(encoder.ScratchBytes, account.Footprint.ScratchBytes);
        // fp32 is what it always was.
        var fp32 = new StreamingEncoder(c, o, TestModels.Path, seed: 1);
        Assert.Equal(4 * fp32.ParameterCount, fp32.StoredWeightBytes);
        Assert.Equal(fp32.ScratchBytes, ModelAccounting.Compute(c, o).Footprint.ScratchBytes);
    }

    /// <summary>
    /// Fewest bytes 10 calls allocate over a few rounds, after a warm-up (as <c>AllocationTests</c>: a call that allocates
    /// does so every round; the rounds keep the runtime's one-off work, tiered recompilation, from failing a test).
    /// </summary>
    internal static long FewestBytesAllocated(Action call)
    {
        for (int i = 0; i < 3; i++) call();
        long fewest = long.MaxValue;
        for (int round = 0; round < 5 && fewest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) call();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }

    [Fact]
    public void Int8_encoder_and_rnnt_steps_allocate_nothing()
    {
        var c = ModelPresets.Get("ondevice-144") with { Layers = 2 };
        var o = new FoldingOptions(2, Sharing: WeightSharing.BlockDiagonal, FoldFfn: true);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, seed: 1, precision: Precision.Int8);
        var input = TestModels.Frames(c.QueryTokens, c.Width, seed: 2).SelectMany(r => r).ToArray();
        var output = new float[encoder.OutputLength];
        Assert.Equal(0, FewestBytesAllocated(() => encoder.Step(input, output)));
        // The whole RNN-T step: transcriber, then greedy symbol steps through the int8 joiner and predictor.
        var step = new RnntStep(c, o, TestModels.Path, seed: 1, symbolStepsPerFrame: 2, precision: Precision.Int8);
        var frames = TestModels.Frames(1, step.InputLength, seed: 3)[0];
        Assert.Equal(0, FewestBytesAllocated(() => step.Step(frames)));
    }

    [Fact]
    public void The_report_and_json_name_int8_and_leave_fp32_as_it_was()
    {
        var c = ModelPresets.Get("ondevice-144");
        ModelAccount At(int n, Precision p) => ModelAccounting.Compute(c, new FoldingOptions(n), p);
        string fp32Json = ModelDocument.Of(At(1, Precision.Fp32), [At(1, Precision.Fp32), At(2, Precision.Fp32)]).ToJson();
        Assert.DoesNotContain("precision", fp32Json);
        Assert.DoesNotContain("quantizedRowBytes", fp32Json);
        string fp32Table = ModelReport.Table(At(1, Precision.Fp32), [At(1, Precision.Fp32), At(2, Precision.Fp32)]);
        Assert.Contains("resident weights fp32 (MiB)", fp32Table);
        Assert.DoesNotContain("int8 linear layers", fp32Table);
        Assert.DoesNotContain("quantized rows", fp32Table);

        var int8 = new ChunkAccounts(At(1, Precision.Int8), [At(1, Precision.Int8), At(2, Precision.Int8)]);
        string table = ModelReport.Table(int8.Baseline, int8.Folds);
        Assert.Contains("precision: int8 linear layers", table);
        Assert.Contains("resident weights int8 (MiB)", table);
        Assert.Contains("quantized rows/step (MiB)", table);

        using var doc = System.Text.Json.JsonDocument.Parse(ModelDocument.OfPrecisions(
            [new ChunkAccounts(At(1, Precision.Fp32), [At(1, Precision.Fp32), At(2, Precision.Fp32)]), int8]).ToJson());
        var folds = doc.RootElement.GetProperty("folds").EnumerateArray().ToList();
        Assert.Equal(["fp32", "fp32", "int8", "int8"], folds.Select(f => f.GetProperty("precision").GetString()));
        Assert.Equal(At(2, Precision.Int8).WeightBytesReadPerStep, folds[3].GetProperty("encoderStep").GetProperty("weightBytesRead").GetInt64());
        Assert.False(folds[0].GetProperty("encoderStep").TryGetProperty("quantizedRowBytes", out _));
        Assert.Equal(At(2, Precision.Int8).EncoderStep.QuantizedRowBytesPerStep, folds[3].GetProperty("encoderStep").GetProperty("quantizedRowBytes").GetInt64());
        // Reductions within a precision: int8 fold 1 is its own baseline.
        Assert.Equal(0, folds[2].GetProperty("reductionPercent").GetProperty("bytesMovedPerToken").GetDouble());
    }
}
