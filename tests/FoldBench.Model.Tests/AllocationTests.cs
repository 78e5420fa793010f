namespace FoldBench.Model.Tests;

public class AllocationTests
{
    /// <summary>
    /// Fewest bytes allocated by <paramref name="times"/> steps over a few rounds. A step that
    /// allocates does so in every round; the rounds only keep the runtime's own one-off work
    /// (tiered recompilation finishing during the first rounds) from failing the test.
    /// </summary>
    private static long AllocatedBy(Action step, int times)
    {
        for (int i = 0; i < 3; i++) step();              // warm-up: JIT, first cache fills
        long fewest = long.MaxValue;
        for (int round = 0; round < 5 && fewest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < times; i++) step();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(4, false)]
    public void Encoder_step_allocates_nothing(int fold, bool blockDiagonal)
    {
        var c = ModelPresets.Get("ondevice-144") with { Layers = 2 };
        var o = new FoldingOptions(fold, Sharing: blockDiagonal ? WeightSharing.BlockDiagonal : WeightSharing.Shared, FoldFfn: blockDiagonal);
        var encoder = new StreamingEncoder(c, o, TestModels.Path, seed: 1);
        var input = TestModels.Frames(c.QueryTokens, c.Width, seed: 2).SelectMany(r => r).ToArray();
        var output = new float[encoder.OutputLength];
        Assert.Equal(0, AllocatedBy(() => encoder.Step(input, output), 20));
    }

    [Fact]
    public void Attention_block_and_layer_steps_allocate_nothing()
    {
        var c = TestModels.Tiny();
        var o = new FoldingOptions(2, HeadPolicy.ReduceHeads, WeightSharing.BlockDiagonal, FoldedProjections.Qkv);
        var block = new AttentionBlock(c, o, TestModels.Path, seed: 1);
        var layer = new EncoderLayer(c, o, TestModels.Path, seed: 1);
        var buffer = new float[block.InputLength];
        Assert.Equal(0, AllocatedBy(() => block.Step(buffer, buffer), 20));
        Assert.Equal(0, AllocatedBy(() => layer.Step(buffer, buffer), 20));
    }
}
