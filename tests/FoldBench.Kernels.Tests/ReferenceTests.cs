namespace FoldBench.Kernels.Tests;

/// <summary>The reference itself, against sums worked out by hand (it is what every path is checked with).</summary>
public class ReferenceTests
{
    [Fact]
    public void ProjectsInDoubleWithBiasAccumulationAndStrides()
    {
        // X 2×2 in rows of stride 3 (the third column is padding), W 2×2, Y rows of stride 3.
        float[] x = [1, 2, 99, 3, 4, 99];
        float[] w = [0.5f, -1, 2, 0.25f];
        float[] bias = [10, -10];
        float[] y0 = [1, 2, 7, 3, 4, 7];
        var expected = new double[6];
        var magnitude = new double[6];
        Reference.Project(x, 2, 3, w, 2, 2, bias, y0, 3, accumulate: true, expected, magnitude);
        // Row 0: 1·0.5 + 2·(−1) + 10 + 1 = 9.5; 1·2 + 2·0.25 − 10 + 2 = −5.5.
        // Row 1: 3·0.5 + 4·(−1) + 10 + 3 = 10.5; 3·2 + 4·0.25 − 10 + 4 = 1.
        Assert.Equal([9.5, -5.5, 0, 10.5, 1, 0], expected);
        Assert.Equal([0.5 + 2 + 10 + 1, 2 + 0.5 + 10 + 2, 0, 1.5 + 4 + 10 + 3, 6 + 1 + 10 + 4, 0], magnitude);
    }

    [Fact]
    public void ToleranceIsKPlusTwoRoundingsOfTheMagnitude()
    {
        Assert.Equal((512 + 2) * 1.2e-7 * 3.0, Reference.Tolerance(512, 3.0));
        // At least 2·γ(K+2) with u = 2⁻²⁴: the classic bound for any summation order, doubled.
        foreach (int k in new[] { 1, 64, 1000, 100_000 })
        {
            double n = k + 2, u = 1.0 / (1 << 24);
            Assert.True(Reference.Tolerance(k, 1.0) >= 2 * n * u / (1 - n * u), $"K = {k}");
        }
    }

    [Fact]
    public void CheckNamesTheFirstOutputOutsideTheBound()
    {
        float[] x = [1, 1], w = [1, 1, 1, 1];
        var ok = Reference.Check(x, 1, w, 2, 2, [], [2f, 2f]);
        Assert.True(ok.Correct);
        Assert.Equal(0, ok.MaxError);
        var wrong = Reference.Check(x, 1, w, 2, 2, [], [2f, 2.5f]);
        Assert.False(wrong.Correct);
        Assert.Equal((0, 1), wrong.FirstWrong);
        Assert.Equal(0.5, wrong.MaxError);
        Assert.False(Reference.Check(x, 1, w, 2, 2, [], [float.NaN, 2f]).Correct);
    }
}
