namespace FoldBench.Kernels.Tests;

/// <summary>How the slowdown variable is read and turned into extra kernel passes.</summary>
public class SlowdownSwitchTests
{
    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData(" 25 ", 25)]
    [InlineData("0", 0)]
    [InlineData("300", 300)]
    [InlineData("-5", -1)]
    [InlineData("ten", -1)]
    [InlineData("2.5", -1)]
    public void VariableIsANonNegativeIntegerOrInvalid(string? text, int expected)
        => Assert.Equal(expected, KernelDiagnostics.ReadSlowdown(text));

    [Theory]
    [InlineData(10, 512, new[] { 51 })]
    [InlineData(50, 512, new[] { 256 })]
    [InlineData(100, 512, new[] { 512 })]
    [InlineData(250, 512, new[] { 512, 512, 256 })]
    [InlineData(1, 3, new[] { 1 })] // never a pass over zero inputs
    [InlineData(0, 512, new int[0])]
    public void ExtraPassesCoverThePercentageOfK(int percent, int k, int[] passes)
        => Assert.Equal(passes, KernelDiagnostics.ExtraPasses(percent, k));
}
