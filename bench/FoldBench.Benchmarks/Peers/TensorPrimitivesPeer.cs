using System.Numerics.Tensors;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// System.Numerics.Tensors' <see cref="TensorPrimitives"/>, which has no GEMM: the product written with
/// its vector operations, in the formulation that measured fastest (see <see cref="Formulation"/>).
/// <para>
/// Dot per output won at every M: K = N = 512, cache-resident, one thread, AMD EPYC Zen 5 VM (2 cores
/// shared with other builds, so absolute figures are low), GFLOP/s, Dot / MultiplyAdd:
/// M=1 11.3 / 8.0, M=4 9.3 / 7.6, M=16 10.4 / 7.3, M=64 11.0 / 8.6. MultiplyAdd streams the whole
/// of Y's row through memory once per k; Dot keeps its sum in registers.
/// </para>
/// </summary>
public sealed class TensorPrimitivesPeer(TensorPrimitivesPeer.Formulation formulation = TensorPrimitivesPeer.Formulation.Dot) : IProjectionPeer
{
    public enum Formulation
    {
        /// <summary>One <c>Dot(X row, W row)</c> per output, plus the bias.</summary>
        Dot,
        /// <summary>Y row = b, then for each p: Y row += X[i,p] · Wᵀ row p (<c>MultiplyAdd</c> over a transposed W).</summary>
        MultiplyAdd,
    }

    public string Name => "tensorprimitives";
    public string? Availability => null;
    public IReadOnlyDictionary<string, string> Notes => new Dictionary<string, string>
    {
        ["formulation"] = formulation == Formulation.Dot ? "one Dot per output" : "MultiplyAdd over a transposed W",
        ["assembly"] = typeof(TensorPrimitives).Assembly.GetName().Version?.ToString() ?? "?",
    };

    public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n) => formulation == Formulation.Dot
        ? new DotPrepared((float[])w.Clone(), (float[])bias.Clone(), m, k, n)
        : new MultiplyAddPrepared(Transpose(w, n, k), (float[])bias.Clone(), m, k, n);

    private static float[] Transpose(float[] w, int n, int k)
    {
        var t = new float[w.Length];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++)
                t[p * n + j] = w[j * k + p];
        return t;
    }

    private sealed class DotPrepared(float[] w, float[] bias, int m, int k, int n) : IPreparedProjection
    {
        public void Run(float[] x, float[] y)
        {
            for (int i = 0; i < m; i++)
            {
                var row = x.AsSpan(i * k, k);
                for (int j = 0; j < n; j++)
                    y[i * n + j] = TensorPrimitives.Dot(row, w.AsSpan(j * k, k)) + bias[j];
            }
        }

        public void Dispose() { }
    }

    private sealed class MultiplyAddPrepared(float[] wt, float[] bias, int m, int k, int n) : IPreparedProjection
    {
        public void Run(float[] x, float[] y)
        {
            for (int i = 0; i < m; i++)
            {
                var row = y.AsSpan(i * n, n);
                bias.CopyTo(row);
                for (int p = 0; p < k; p++)
                    TensorPrimitives.MultiplyAdd(wt.AsSpan(p * n, n), x[i * k + p], row, row);
            }
        }

        public void Dispose() { }
    }
}
