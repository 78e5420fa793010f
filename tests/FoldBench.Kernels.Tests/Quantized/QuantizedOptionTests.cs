using FoldBench.Kernels.Quantized;
using FoldBench.Kernels.Tests.Support;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>Bias on/off × accumulate on/off × contiguous/strided rows, the folded view, and zero rows, on every int8 path.</summary>
[Trait("Kind", "Int8")]
public class QuantizedOptionTests
{
    private static readonly (int M, int K, int N)[] Shapes = [(1, 33, 17), (3, 7, 40), (5, 64, 48), (7, 19, 31), (13, 128, 100)];

    public static TheoryData<QuantizedPath, bool, bool, bool> Data
    {
        get
        {
            var data = new TheoryData<QuantizedPath, bool, bool, bool>();
            foreach (var p in QuantizedPaths.All)
                foreach (bool bias in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        foreach (bool strided in new[] { false, true })
                            data.Add(p, bias, accumulate, strided);
            return data;
        }
    }

    public static TheoryData<QuantizedPath> PathData => QuantizedPathData.Paths;

    [Theory]
    [MemberData(nameof(Data))]
    public void BiasAccumulateAndStrides(QuantizedPath path, bool bias, bool accumulate, bool strided)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        foreach (var (m, k, n) in Shapes)
            new QuantizedCase(path, k, n, bias).Check(m, accumulate, strided);
    }

    [Theory]
    [MemberData(nameof(PathData))]
    public void ZeroRowsTouchNothing(QuantizedPath path)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        var w = QuantizedWeights.Pack(new float[6], 2, 3, path);
        var scratch = QuantizedScratch.For(w, 1);
        QuantizedLinear.Project([], 0, w, [], scratch);
        float[] y = [42f];
        QuantizedLinear.Project([], 0, 3, w, y, 2, scratch);
        Assert.Equal(42f, y[0]);
    }

    /// <summary>
    /// The zero-copy fold: projecting the T×D chunk as N·T rows of D/N must equal projecting an explicit copy of the
    /// folded rows, bit for bit — quantization is per folded row, after the fold.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathData))]
    public void FoldedRowsAreQuantizedAfterTheFold(QuantizedPath path)
    {
        QuantizedPathData.SkipUnlessSupported(path);
        foreach (var (t, d, fold) in new[] { (1, 48, 3), (4, 48, 4), (5, 40, 2), (3, 144, 3), (2, 512, 8) })
            foreach (bool accumulate in new[] { false, true })
            {
                int sub = d / fold, rows = t * fold;
                var rng = TestData.Rng(t, d, fold, accumulate ? 1 : 0, 8);
                float[] chunk = TestData.Uniform(rng, t * d), w = TestData.Uniform(rng, sub * sub), bias = TestData.Uniform(rng, sub);
                // Piece 1 of each token 100× larger: a per-token scale would crush the other pieces, a per-row one does not.
                for (int token = 0; token < t; token++)
                    for (int c = 0; c < sub && fold > 1; c++) chunk[token * d + sub + c] *= 100f;
                float[] output = TestData.Uniform(rng, t * d), copyOutput = (float[])output.Clone();
                var weights = QuantizedWeights.Pack(w, sub, sub, bias, path);

                QuantizedFoldedProjection.Project(chunk, t, d, fold, weights, output, new QuantizedScratch(rows, sub), accumulate);

                // The fold written out: sub-token (t·N + j) is piece j of token t; in row-major memory that is the same order.
                float[] folded = new float[rows * sub];
                for (int token = 0; token < t; token++)
                    for (int j = 0; j < fold; j++)
                        Array.Copy(chunk, token * d + j * sub, folded, (token * fold + j) * sub, sub);
                QuantizedLinear.Project(folded, rows, weights, copyOutput, new QuantizedScratch(rows, sub), accumulate);
                Assert.Equal(copyOutput, output);
                new QuantizedCase(path, sub, sub, weights: w).Check(rows, accumulate, rows: folded);
            }
    }
}
