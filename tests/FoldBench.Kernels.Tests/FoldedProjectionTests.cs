using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>
/// Folded projection against the operation written out the long way: fold the T×D chunk into an
/// (N·T)×(D/N) matrix by copying, project that with the oracle, unfold by copying back.
/// </summary>
[Trait("Category", "Kernel")]
public class FoldedProjectionTests
{
    /// <summary>(T, D, fold N): N = 1 is the unfolded projection; 144 and 512 are model widths.</summary>
    private static readonly (int T, int D, int Fold)[] Shapes =
        [(1, 16, 1), (1, 48, 3), (4, 48, 4), (5, 40, 2), (4, 144, 4), (3, 144, 3), (2, 512, 8), (1, 512, 2), (4, 30, 5)];

    public static TheoryData<KernelPath> PathData => ProjectionOptionTests.PathData;

    [Theory]
    [MemberData(nameof(PathData))]
    public void SharedWeightsEqualFoldProjectUnfold(KernelPath path)
    {
        Paths.SkipUnlessSupported(path);
        foreach (var (t, d, fold) in Shapes)
            foreach (bool accumulate in new[] { false, true })
            {
                int sub = d / fold;
                var rng = TestData.Rng(t, d, fold, accumulate ? 1 : 0);
                float[] chunk = TestData.Uniform(rng, t * d), w = TestData.Uniform(rng, sub * sub), bias = TestData.Uniform(rng, sub);
                float[] output = TestData.Uniform(rng, t * d), before = (float[])output.Clone();

                FoldedProjection.Project(chunk, t, d, fold, PackedWeights.Pack(w, sub, sub, bias, path), output, accumulate);

                // Fold: sub-token (t·N + j) is piece j of token t.
                int rows = t * fold;
                float[] folded = new float[rows * sub], foldedBefore = new float[rows * sub];
                for (int token = 0; token < t; token++)
                    for (int j = 0; j < fold; j++)
                        for (int c = 0; c < sub; c++)
                        {
                            folded[(token * fold + j) * sub + c] = chunk[token * d + j * sub + c];
                            foldedBefore[(token * fold + j) * sub + c] = before[token * d + j * sub + c];
                        }
                var (expectedFolded, magnitudeFolded) = Oracle.Project(folded, rows, sub, w, sub, sub, bias, foldedBefore, sub, accumulate);
                // Unfold back to T×D.
                double[] expected = new double[t * d], magnitude = new double[t * d];
                for (int token = 0; token < t; token++)
                    for (int j = 0; j < fold; j++)
                        for (int c = 0; c < sub; c++)
                        {
                            expected[token * d + j * sub + c] = expectedFolded[(token * fold + j) * sub + c];
                            magnitude[token * d + j * sub + c] = magnitudeFolded[(token * fold + j) * sub + c];
                        }
                Oracle.AssertClose(output, expected, magnitude, t, d, d, sub, $"{path.Name()} folded T={t} D={d} N={fold} accumulate={accumulate}");
            }
    }

    [Fact]
    public void FoldFactorThatDoesNotDivideTheWidthIsNamed()
    {
        var w = PackedWeights.Pack(new float[9 * 9], 9, 9, KernelPath.Scalar);
        var e = Assert.Throws<ArgumentException>(() => FoldedProjection.Project(new float[48], 1, 48, 5, w, new float[48]));
        Assert.Contains("fold factor N = 5 does not divide width D = 48", e.Message);
        Assert.Equal("fold", e.ParamName);
    }

    [Fact]
    public void WeightsOfTheWrongShapeAreNamed()
    {
        var w = PackedWeights.Pack(new float[16 * 16], 16, 16, KernelPath.Scalar);
        var e = Assert.Throws<ArgumentException>(() => FoldedProjection.Project(new float[48], 1, 48, 4, w, new float[48]));
        Assert.Contains("(D/N)×(D/N) = 12×12", e.Message);
    }

    [Fact]
    public void ChunkAndOutputLengthsMustMatchTokensTimesWidth()
    {
        var w = PackedWeights.Pack(new float[8 * 8], 8, 8, KernelPath.Scalar);
        var e = Assert.Throws<ArgumentException>(() => FoldedProjection.Project(new float[30], 2, 16, 2, w, new float[32]));
        Assert.Contains("chunk has 30 elements but T×D = 2×16 = 32", e.Message);
        e = Assert.Throws<ArgumentException>(() => FoldedProjection.Project(new float[32], 2, 16, 2, w, new float[31]));
        Assert.Contains("output has 31 elements but T×D = 2×16 = 32", e.Message);
    }
}
