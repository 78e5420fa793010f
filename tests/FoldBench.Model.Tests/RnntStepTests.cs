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

    [Fact]
    public void The_cost_of_each_part_is_counted_exactly()
    {
        // T = 2, R = 1, stride 4, F = 12, I = 8, D = 32, E = 24, P = 16, V = 11, two LSTM layers with layer norm, K = 2.
        var c = TestModels.Tiny(layers: 2) with
        {
            Rnnt = new RnntConfig
            {
                InputFeatures = 12, TimeReductionInputWidth = 8, TimeReductionStride = 4, EncoderOutputWidth = 24,
                PredictorWidth = 16, PredictorLstmLayers = 2, Vocabulary = 11,
            },
        };
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
}
