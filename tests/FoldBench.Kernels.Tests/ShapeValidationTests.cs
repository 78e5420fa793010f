namespace FoldBench.Kernels.Tests;

/// <summary>Span lengths that disagree with M, K, N are an <see cref="ArgumentException"/> naming the mismatch.</summary>
public class ShapeValidationTests
{
    private static readonly PackedWeights W = PackedWeights.Pack(new float[5 * 3], 5, 3, KernelPath.Scalar); // N = 5, K = 3

    [Fact]
    public void ContiguousXMustBeExactlyMTimesK()
    {
        var e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[7], 2, W, new float[10]));
        Assert.Contains("X has 7 elements but M×K = 2×3 = 6", e.Message);
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[5], 2, W, new float[10]));
        Assert.Contains("X has 5 elements but M×K = 2×3 = 6", e.Message);
    }

    [Fact]
    public void ContiguousYMustBeExactlyMTimesN()
    {
        var e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[6], 2, W, new float[9]));
        Assert.Contains("Y has 9 elements but M×N = 2×5 = 10", e.Message);
        Assert.Equal("y", e.ParamName);
    }

    [Fact]
    public void StridedSpansMustHoldTheLastRow()
    {
        var e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[10], 2, 8, W, new float[10], 5));
        Assert.Contains("X has 10 elements but M×K = 2×3 (stride 8) needs 11", e.Message);
        e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[11], 2, 8, W, new float[11], 7));
        Assert.Contains("Y has 11 elements but M×N = 2×5 (stride 7) needs 12", e.Message);
    }

    [Fact]
    public void StridesShorterThanARowAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[6], 2, 2, W, new float[10], 5));
        Assert.Contains("X row stride 2 is smaller than K = 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[6], 2, 3, W, new float[10], 4));
        Assert.Contains("Y row stride 4 is smaller than N = 5", e.Message);
    }

    [Fact]
    public void NegativeRowCountIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Linear.Project(new float[6], -1, 3, W, new float[10], 5));
        Assert.Contains("row count M must not be negative, got -1", e.Message);
    }

    [Fact]
    public void PackingChecksWeightAndBiasLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => PackedWeights.Pack(new float[14], 5, 3, KernelPath.Scalar));
        Assert.Contains("weights length 14 does not match N×K = 5×3 = 15", e.Message);
        e = Assert.Throws<ArgumentException>(() => PackedWeights.Pack(new float[15], 5, 3, new float[4], KernelPath.Scalar));
        Assert.Contains("bias length 4 does not match N = 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => PackedWeights.Pack(new float[0], 0, 3, KernelPath.Scalar));
        Assert.Contains("output count N must be positive", e.Message);
    }
}
