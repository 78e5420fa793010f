using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

/// <summary>
/// The weights-stream hint changes only how the kernels read: an encoder told its weights come from memory gives the
/// same bits as one told nothing, on every supported path and folding variant, step after step (the left context fills).
/// </summary>
public class WeightResidencyTests
{
    public static TheoryData<KernelPath, int> Data()
    {
        var data = new TheoryData<KernelPath, int>();
        foreach (var p in KernelPaths.Supported)
            for (int v = 0; v < TestModels.AttentionVariants.Length; v++) data.Add(p, v);
        return data;
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void An_encoder_told_its_weights_stream_gives_the_same_bits(KernelPath path, int variant)
    {
        var o = TestModels.AttentionVariants[variant];
        var c = TestModels.Tiny(layers: 2);
        c.Validate(o);
        var weights = EncoderWeights.Random(c, o, seed: 5);
        var cached = new StreamingEncoder(c, o, path, weights);
        var streamed = new StreamingEncoder(c, o, path, weights);
        streamed.SetWeightResidency(WeightResidency.Memory);
        var a = new float[cached.OutputLength];
        var b = new float[streamed.OutputLength];
        int segments = (c.LeftContextTokens + c.ChunkTokens - 1) / c.ChunkTokens + 2;
        var frames = TestModels.Frames(TestModels.FramesFor(c, segments), c.Width, seed: 6);
        for (int i = 0; i < segments; i++)
        {
            var input = TestModels.ChunkInput(frames, c, i);
            cached.Step(input, a);
            streamed.Step(input, b);
            Assert.Equal(a, b);
        }
    }
}
