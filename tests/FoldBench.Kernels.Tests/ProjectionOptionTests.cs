using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>Bias on/off × accumulate on/off × contiguous/strided rows, on every path.</summary>
[Trait("Category", "Kernel")]
public class ProjectionOptionTests
{
    private static readonly (int M, int K, int N)[] Shapes = [(1, 33, 17), (3, 7, 40), (5, 64, 48), (7, 19, 31), (13, 128, 100)];

    public static TheoryData<KernelPath, bool, bool, bool> Data
    {
        get
        {
            var data = new TheoryData<KernelPath, bool, bool, bool>();
            foreach (var p in Paths.All)
                foreach (bool bias in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        foreach (bool strided in new[] { false, true })
                            data.Add(p, bias, accumulate, strided);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void BiasAccumulateAndStrides(KernelPath path, bool bias, bool accumulate, bool strided)
    {
        Paths.SkipUnlessSupported(path);
        foreach (var (m, k, n) in Shapes)
            new ProjectionCase(path, k, n, bias).Check(m, accumulate, strided);
    }

    [Theory]
    [MemberData(nameof(PathData))]
    public void ZeroRowsTouchNothing(KernelPath path)
    {
        Paths.SkipUnlessSupported(path);
        var w = PackedWeights.Pack(new float[6], 2, 3, path);
        Linear.Project([], 0, w, []);
        float[] y = [42f];
        Linear.Project([], 0, 3, w, y, 2);
        Assert.Equal(42f, y[0]);
    }

    [Theory]
    [MemberData(nameof(PathData))]
    public void AccumulateAddsToTheExistingOutput(KernelPath path)
    {
        // y += x·wᵀ + b, written out by hand for a 1×2 · (3×2)ᵀ case.
        Paths.SkipUnlessSupported(path);
        var w = PackedWeights.Pack([1, 2, 3, 4, 5, 6], 3, 2, [10, 20, 30], path);
        float[] y = [100, 200, 300];
        Linear.Project([1, -1], 1, w, y, accumulate: true);
        Assert.Equal([100 + (1 - 2) + 10, 200 + (3 - 4) + 20, 300 + (5 - 6) + 30], y);
    }

    public static TheoryData<KernelPath> PathData => new(Paths.All);
}
