using FoldBench.Benchmarks.Diagnostics;
using FoldBench.Kernels;

namespace FoldBench.Cli.Tests;

/// <summary>
/// The regression gate's slowdown switch (<see cref="SlowdownSwitch"/>): how the variable is read,
/// and that the extra work is what it says, real projections over P% of K that leave the case's
/// own results alone. (End to end, FoldBench.Regression.Tests' callgrind test checks that the
/// instruction gate sees the extra work.)
/// </summary>
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
        => Assert.Equal(expected, SlowdownSwitch.Read(text));

    [Theory]
    [InlineData(10, 512, new[] { 51 })]
    [InlineData(50, 512, new[] { 256 })]
    [InlineData(100, 512, new[] { 512 })]
    [InlineData(250, 512, new[] { 512, 512, 256 })]
    [InlineData(1, 3, new[] { 1 })] // never a pass over zero inputs
    [InlineData(0, 512, new int[0])]
    public void ExtraPassesCoverThePercentageOfK(int percent, int k, int[] passes)
        => Assert.Equal(passes, SlowdownSwitch.ExtraPasses(percent, k));

    [Fact]
    public void NameAndDefaultAreThoseTheGateUses()
    {
        Assert.Equal("FOLDBENCH_TEST_SLOWDOWN_PERCENT", SlowdownSwitch.Variable);
        Assert.Equal(SlowdownSwitch.Variable, Commands.InstructionMode.SlowdownVariable);
        Assert.Null(SlowdownSwitch.For(0, new float[4], 1, new float[16], 4, 4, KernelPath.Scalar));
    }

    public static TheoryData<KernelPath, int> PathsAndPercentages
    {
        get
        {
            var data = new TheoryData<KernelPath, int>();
            foreach (var p in KernelPaths.Supported)
                foreach (int percent in new[] { 1, 20, 150 })
                    data.Add(p, percent);
            return data;
        }
    }

    /// <summary>
    /// P% extra multiply-adds (to one K step), run by the kernel on the case's path: the scratch
    /// output of the last pass is the projection of the first K′ inputs, and the case's own
    /// output is untouched.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathsAndPercentages))]
    public void ExtraWorkIsRealProjectionsOverPPercentOfK(KernelPath path, int percent)
    {
        const int m = 5, k = 200, n = 37;
        var rng = new Random(percent);
        float[] x = Uniform(rng, m * k), w = Uniform(rng, n * k), bias = Uniform(rng, n);
        var packed = PackedWeights.Pack(w, n, k, bias, path);
        float[] y = new float[m * n];
        Linear.Project(x, m, packed, y);
        float[] before = (float[])y.Clone();

        var work = SlowdownSwitch.For(percent, x, m, w, n, k, path);
        Assert.NotNull(work);
        work.Run();

        long baseMacs = (long)m * k * n;
        Assert.InRange(work.MultiplyAdds, baseMacs * percent / 100 - m * n, baseMacs * percent / 100 + m * n);
        Assert.Equal(y, before);

        int last = work.PassInputs[^1];
        float[] leading = new float[n * last];
        for (int j = 0; j < n; j++) Array.Copy(w, j * k, leading, j * last, last);
        var expected = new double[m * n];
        var magnitude = new double[m * n];
        Reference.Project(x, m, k, leading, n, last, [], default, n, false, expected, magnitude);
        var check = Reference.Check(work.Scratch, expected, magnitude, m, n, n, last);
        Assert.True(check.Correct, $"extra pass over K′ = {last}: max error {check.MaxError}");
    }

    private static float[] Uniform(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
