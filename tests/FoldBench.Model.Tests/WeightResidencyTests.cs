using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

/// <summary>
/// The weights-stream hint changes only how the kernels read: an encoder told its weights come from memory gives the
/// same bits as one told nothing, on every supported path and folding variant, step after step (the left context fills),
/// at fp32 and, on the paths with an int8 counterpart, at int8.
/// </summary>
public class WeightResidencyTests
{
    public static TheoryData<KernelPath, int, Precision> Data()
    {
        var data = new TheoryData<KernelPath, int, Precision>();
        foreach (var p in KernelPaths.Supported)
            for (int v = 0; v < TestModels.AttentionVariants.Length; v++)
            {
                data.Add(p, v, Precision.Fp32);
                if (Precisions.Int8Counterpart(p) is not null) data.Add(p, v, Precision.Int8);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void An_encoder_told_its_weights_stream_gives_the_same_bits(KernelPath path, int variant, Precision precision)
    {
        var o = TestModels.AttentionVariants[variant];
        // 8 chunk tokens + 1 look-ahead: 9 rows unfolded, more folded, so the int8 projections run several row blocks
        // over several panels (the case whose prefetches the hint changes), as well as single-block ones.
        var c = TestModels.Tiny(layers: 2) with { ChunkTokens = 8, LeftContextTokens = 5 };
        c.Validate(o);
        var weights = EncoderWeights.Random(c, o, seed: 5);
        var cached = new StreamingEncoder(c, o, path, weights, precision: precision);
        var streamed = new StreamingEncoder(c, o, path, weights, precision: precision);
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
