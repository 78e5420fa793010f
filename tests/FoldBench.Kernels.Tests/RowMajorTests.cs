using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests;

/// <summary>The unpacked M = 1 path (<see cref="Linear.ProjectRowMajor"/>) against the oracle.</summary>
[Trait("Category", "Kernel")]
public class RowMajorTests
{
    public static TheoryData<KernelPath, bool, bool> Data
    {
        get
        {
            var data = new TheoryData<KernelPath, bool, bool>();
            foreach (var p in Paths.All)
                foreach (bool bias in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        data.Add(p, bias, accumulate);
            return data;
        }
    }

    /// <summary>K covers every remainder of the 16-, 8- and 4-wide K loops; N every remainder of 4 output rows at a time.</summary>
    [Theory]
    [MemberData(nameof(Data))]
    public void MatchesOracle(KernelPath path, bool withBias, bool accumulate)
    {
        Paths.SkipUnlessSupported(path);
        int[] ns = [.. Enumerable.Range(1, 9), 17, 33, 64, 127];
        foreach (int k in KernelSweepTests.Widths)
            foreach (int n in ns)
            {
                var rng = TestData.Rng(k, n, withBias ? 1 : 0, accumulate ? 1 : 0);
                float[] x = TestData.Uniform(rng, k), w = TestData.Uniform(rng, n * k), y = TestData.Uniform(rng, n);
                float[]? bias = withBias ? TestData.Uniform(rng, n) : null;
                float[] y0 = (float[])y.Clone();
                Linear.ProjectRowMajor(x, w, n, k, bias ?? [], y, path, accumulate);
                var (expected, magnitude) = Oracle.Project(x, 1, k, w, n, k, bias, y0, n, accumulate);
                Oracle.AssertClose(y, expected, magnitude, 1, n, n, k, $"{path.Name()} row-major K={k} N={n} bias={withBias} accumulate={accumulate}");
            }
    }

    [Theory]
    [MemberData(nameof(ProjectionOptionTests.PathData), MemberType = typeof(ProjectionOptionTests))]
    public void ExactDataGivesExactResults(KernelPath path)
    {
        Paths.SkipUnlessSupported(path);
        foreach (int k in KernelSweepTests.Widths)
        {
            int n = 13;
            var rng = TestData.Rng(k, n, 7);
            float[] x = TestData.Exact(rng, k), w = TestData.Exact(rng, n * k), bias = TestData.Exact(rng, n), y = new float[n];
            Linear.ProjectRowMajor(x, w, n, k, bias, y, path);
            var (expected, _) = Oracle.Project(x, 1, k, w, n, k, bias, new float[n], n, false);
            Oracle.AssertExact(y, expected, 1, n, n, $"{path.Name()} row-major K={k}");
        }
    }

    [Theory]
    [MemberData(nameof(ProjectionOptionTests.PathData), MemberType = typeof(ProjectionOptionTests))]
    public void AgreesWithThePackedProjectionAtMEqualsOne(KernelPath path)
    {
        Paths.SkipUnlessSupported(path);
        const int k = 77, n = 50;
        var rng = TestData.Rng(k, n, 3);
        float[] x = TestData.Uniform(rng, k), w = TestData.Uniform(rng, n * k), bias = TestData.Uniform(rng, n);
        float[] packed = new float[n], rowMajor = new float[n];
        Linear.Project(x, 1, PackedWeights.Pack(w, n, k, bias, path), packed);
        Linear.ProjectRowMajor(x, w, n, k, bias, rowMajor, path);
        var (_, magnitude) = Oracle.Project(x, 1, k, w, n, k, bias, new float[n], n, false);
        for (int j = 0; j < n; j++)
            Assert.True(Math.Abs(packed[j] - rowMajor[j]) <= 2 * Oracle.Tolerance(k, magnitude[j]), $"output {j}: {packed[j]} vs {rowMajor[j]}");
    }
}
