using FoldBench.Kernels;
using FoldBench.Results;

namespace FoldBench.Model.Tests;

public class RnntStepTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_step_is_the_transcriber_then_k_greedy_symbol_steps_per_frame(int k)
    {
        // On torchaudio's RNN-T: the transcriber rows are torchaudio's, and the decoding follows the double-precision
        // predictor and joiner (NaiveRnnt), primed with blank, feeding every picked symbol whatever it is.
        var c = ModelConfig.Load(TorchaudioFixture.File("rnnt.config.json"));
        var w = RnntStateDict.Load(TorchaudioFixture.File("rnnt.weights.safetensors"), c, FoldingOptions.Unfolded);
        var step = new RnntStep(c, FoldingOptions.Unfolded, TestModels.Path, w, symbolStepsPerFrame: k);
        var (input, _) = TorchaudioFixture.Tensor("rnnt.input.safetensors", "input");
        var (expected, _) = TorchaudioFixture.Tensor("rnnt.expected.safetensors", "output");
        var naive = new NaiveRnnt(c, w);
        const int blank = 16;
        var predicted = naive.Predict(blank);
        int e = 24, advance = 2 * 4 * 20;   // a chunk advances T·stride = 8 frames of 20 features
        for (int chunk = 0; chunk < 5; chunk++)
        {
            step.Step(input.AsSpan(chunk * advance, step.InputLength));
            TorchaudioFixture.AssertMatches(step.Encoded, expected.AsSpan(chunk * 2 * e, 2 * e), $"transcriber, chunk {chunk}");
            Assert.Equal(2 * k, step.Symbols.Length);
            double[] logits = [];
            for (int t = 0; t < 2; t++)
                for (int s = 0; s < k; s++)
                {
                    logits = naive.Join(step.Encoded.Slice(t * e, e).ToArray(), predicted);
                    int best = Array.IndexOf(logits, logits.Max());
                    Assert.Equal(best, step.Symbols[t * k + s]);
                    predicted = naive.Predict(best);
                }
            TestModels.AssertClose(step.Logits, logits, 1e-4, $"last logits of chunk {chunk}");
        }
    }

    [Fact]
    public void The_parts_alone_do_the_parts_work()
    {
        var c = TestModels.Tiny(layers: 2) with
        {
            Rnnt = new RnntConfig
            {
                InputFeatures = 12, TimeReductionInputWidth = 8, TimeReductionStride = 4, EncoderOutputWidth = 24,
                PredictorWidth = 16, PredictorLstmLayers = 1, Vocabulary = 11,
            },
        };
        var step = new RnntStep(c, new FoldingOptions(2), TestModels.Path, seed: 3, symbolStepsPerFrame: 3);
        var twin = new RnntStep(c, new FoldingOptions(2), TestModels.Path, seed: 3, symbolStepsPerFrame: 3);
        var frames = TestModels.Frames(1, step.InputLength, seed: 4)[0];
        step.Step(frames);
        twin.Step(frames);
        var encoded = step.Encoded.ToArray();
        var symbols = step.Symbols.ToArray();

        // The joiner alone scores the last frame against the predictor output: again and again the same, nothing else moves.
        step.RunJoiner();
        var logits = step.Logits.ToArray();
        step.RunJoiner();
        Assert.Equal(logits, step.Logits.ToArray());
        Assert.Equal(encoded, step.Encoded.ToArray());
        Assert.Equal(symbols, step.Symbols.ToArray());

        // The predictor alone takes T·K = 6 more steps on the last symbols: the joiner then scores otherwise, as in a twin that did the same.
        step.RunPredictor();
        step.RunJoiner();
        Assert.NotEqual(logits, step.Logits.ToArray());
        twin.RunPredictor();
        twin.RunJoiner();
        Assert.Equal(twin.Logits.ToArray(), step.Logits.ToArray());

        // Encoding alone advances the encoder caches: the same frames a second time give another output.
        step.Encode(frames);
        Assert.NotEqual(encoded, step.Encoded.ToArray());
    }

    /// <summary>T = 2, R = 1, left context 3, stride 4, F = 12, I = 8, D = 32 (H = 4, FFN 64, 2 layers), E = 24, P = 16, V = 11, two LSTM layers with layer norm.</summary>
    private static ModelConfig CostConfig() => TestModels.Tiny(layers: 2) with
    {
        Rnnt = new RnntConfig
        {
            InputFeatures = 12, TimeReductionInputWidth = 8, TimeReductionStride = 4, EncoderOutputWidth = 24,
            PredictorWidth = 16, PredictorLstmLayers = 2, Vocabulary = 11,
        },
    };

    [Fact]
    public void The_cost_of_each_part_is_counted_exactly()
    {
        // K = 2.
        var c = CostConfig();
        var cost = RnntStepCost.Compute(c, FoldingOptions.Unfolded, symbolStepsPerFrame: 2);
        var encoderStep = ModelAccounting.Compute(c, FoldingOptions.Unfolded).EncoderStep;
        // Input linear over (2 + 1)·4 = 12 frames: 12·12·8 = 1152 MACs; output linear over 2 tokens: 2·32·24 = 1536.
        Assert.Equal(encoderStep.TotalMacs + 1152 + 1536, cost.Encoder.Macs);
        // T·K = 4 symbol steps. Predictor: 2 layers × 8·16² + 16·24 = 4096 + 384 = 4480 MACs a step.
        Assert.Equal(4 * 4480, cost.Predictor.Macs);
        // Joiner: 24·11 = 264 MACs a step.
        Assert.Equal(4 * 264, cost.Joiner.Macs);
        // Weights: the joiner's 264 + 11 fp32 values, read on each of the 4 steps.
        Assert.Equal(4 * 275, cost.Joiner.WeightBytes);
        Assert.Equal(4 * 4 * 275, cost.Joiner.WeightBytesReadPerStep);
        // The predictor's weights are its parameters: embedding 11·16 = 176, input norm 32, LSTMs 2 × (2·1024 + 32 + 128) = 4416,
        // linear 16·24 + 24 = 408, output norm 48: 5080 values.
        Assert.Equal(4 * 5080, cost.Predictor.WeightBytes);
        var w = RnntWeights.Random(c, FoldingOptions.Unfolded, seed: 1);
        Assert.Equal(5080, w.Predictor.ParameterCount);
        Assert.Equal(cost.Encoder.Macs + cost.Predictor.Macs + cost.Joiner.Macs, cost.Part(RnntPartNames.Step).Macs);
        Assert.Throws<ArgumentException>(() => cost.Part("decoder"));
    }

    [Fact]
    public void The_encoder_part_moves_the_encoder_steps_score_matrices()
    {
        // Each layer's H = 4 heads score Q = 3 query rows against S = 3 + 2 + 1 = 6 keys: 72 elements, 4 passes of 4 bytes each;
        // 2 layers: 2,304 bytes, as the encoder suite counts them (ModelAccounting's ScoreBytesPerStep).
        var c = CostConfig();
        var cost = RnntStepCost.Compute(c, FoldingOptions.Unfolded, symbolStepsPerFrame: 2);
        var encoderStep = ModelAccounting.Compute(c, FoldingOptions.Unfolded).EncoderStep;
        Assert.Equal(2304, encoderStep.ScoreBytesPerStep);
        Assert.Equal(2304, cost.Encoder.ScoreBytesPerStep);
        Assert.Equal(encoderStep.BytesMovedPerStep + 4 * (96 + 768 + 24 + 48) + 4 * (12 * (12 + 8) + 2 * (32 + 24)), cost.Encoder.BytesMovedPerStep);
        Assert.Equal(cost.Encoder.BytesMovedPerStep + cost.Predictor.BytesMovedPerStep + cost.Joiner.BytesMovedPerStep, cost.Step.BytesMovedPerStep);
    }

    [Fact]
    public void At_int8_every_linear_layer_counts_as_stored_and_each_call_moves_its_quantized_rows()
    {
        // Int8 linear layers store a byte per weight, an fp32 scale per output channel and the fp32 bias where the layer has
        // one; the embedding and every LayerNorm stay fp32. Quantized rows: rows × K padded to 4, and a 4-byte scale per row,
        // written by the quantizer and read back by the kernel (2×). K = 2: T·K = 4 symbol steps.
        var c = CostConfig();
        var cost = RnntStepCost.Compute(c, FoldingOptions.Unfolded, symbolStepsPerFrame: 2, Precision.Int8);
        var fp32 = RnntStepCost.Compute(c, FoldingOptions.Unfolded, symbolStepsPerFrame: 2);

        // Encoder, per layer: Q 32·32 + 8·32 = 1,280; K/V 64·32 + 8·64 = 2,560; O 1,280; FFN 64·32 + 8·64 = 2,560 and
        // 32·64 + 8·32 = 2,304; three fp32 norms 3·2·32·4 = 768: 10,752; two layers 21,504. Around it: the bias-free input
        // linear 8·12 + 4·8 = 128, the output linear 24·32 + 8·24 = 960, the fp32 layer_norm 2·24·4 = 192: 1,280.
        Assert.Equal(21_504 + 1_280, cost.Encoder.WeightBytes);
        Assert.Equal(21_504 + 1_280, cost.Encoder.WeightBytesReadPerStep);
        // Rows: each layer's five projections of Q = 3 rows, four of K = 32 (2·(3·32 + 12) = 216) and one of K = 64
        // (2·(3·64 + 12) = 408): 1,272 a layer, 2,544 for two; the input linear's 12 frames of F = 12 (2·(12·12 + 48) = 384)
        // and the output linear's 2 tokens of D = 32 (2·(2·32 + 8) = 144).
        Assert.Equal(2_544 + 384 + 144, cost.Encoder.QuantizedRowBytesPerStep);

        // Predictor, per LSTM layer: x2g (bias-free with layer norm) and p2g (bias-free) 64·16 + 4·64 = 1,280 each, g_norm and
        // c_norm 2·(64 + 16)·4 = 640: 3,200; two layers 6,400. The linear 24·16 + 8·24 = 576, input and output norms 2·16·4 +
        // 2·24·4 = 320, the fp32 embedding 11·16·4 = 704: 8,000 stored; a step reads one embedding row (64 bytes): 7,360.
        Assert.Equal(8_000, cost.Predictor.WeightBytes);
        Assert.Equal(4 * 7_360, cost.Predictor.WeightBytesReadPerStep);
        // One row a call, K = 16 for all five linears (2·(16 + 4) = 40): 200 a step.
        Assert.Equal(4 * 200, cost.Predictor.QuantizedRowBytesPerStep);

        // Joiner: 11·24 + 8·11 = 352, read on each of the 4 steps; one row of K = 24 a call (2·(24 + 4) = 56).
        Assert.Equal(352, cost.Joiner.WeightBytes);
        Assert.Equal(4 * 352, cost.Joiner.WeightBytesReadPerStep);
        Assert.Equal(4 * 56, cost.Joiner.QuantizedRowBytesPerStep);

        // The work, the fp32 activations, the caches and the scores are those of fp32; the bytes moved add up.
        foreach (var (a, b) in new[] { (cost.Encoder, fp32.Encoder), (cost.Predictor, fp32.Predictor), (cost.Joiner, fp32.Joiner) })
        {
            Assert.Equal(b.Macs, a.Macs);
            Assert.Equal(b.ActivationBytesPerStep, a.ActivationBytesPerStep);
            Assert.Equal(b.CacheBytesPerStep, a.CacheBytesPerStep);
            Assert.Equal(b.ScoreBytesPerStep, a.ScoreBytesPerStep);
            Assert.Equal(a.WeightBytesReadPerStep + a.ActivationBytesPerStep + a.CacheBytesPerStep + a.ScoreBytesPerStep + a.QuantizedRowBytesPerStep,
                a.BytesMovedPerStep);
        }
        Assert.Equal(0, fp32.Step.QuantizedRowBytesPerStep);
        Assert.Equal(2_544 + 384 + 144 + 800 + 224, cost.Step.QuantizedRowBytesPerStep);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void The_cost_counts_the_weights_the_model_stores(int fold, bool lstmLayerNorm)
    {
        var c = CostConfig() with { Rnnt = CostConfig().Rnnt! with { LstmLayerNorm = lstmLayerNorm } };
        var o = new FoldingOptions(fold);
        foreach (var precision in new[] { Precision.Fp32, Precision.Int8 })
        {
            var cost = RnntStepCost.Compute(c, o, symbolStepsPerFrame: 1, precision);
            var step = new RnntStep(c, o, TestModels.Path, seed: 5, symbolStepsPerFrame: 1, precision: precision);
            Assert.Equal(step.Transcriber.StoredWeightBytes, cost.Encoder.WeightBytes);
            Assert.Equal(step.Predictor.StoredWeightBytes, cost.Predictor.WeightBytes);
            Assert.Equal(step.Joiner.StoredWeightBytes, cost.Joiner.WeightBytes);
        }
    }
}
