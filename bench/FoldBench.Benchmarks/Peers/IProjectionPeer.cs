using FoldBench.Kernels;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// A library a user would pick instead of FoldBench for Y[M×N] = X[M×K]·Wᵀ + b (one thread, fp32 X, Y and
/// bias, W row-major N×K as PyTorch stores it; an int8 peer quantizes W itself, see <see cref="Precision"/>).
/// One class per library and precision in this folder.
/// </summary>
public interface IProjectionPeer
{
    /// <summary>"openblas", "tensorprimitives", "onnxruntime", "foldbench", "onnxruntime-int8", "foldbench-int8": the case's <c>peer</c> in summary.json.</summary>
    string Name { get; }

    /// <summary>
    /// What the weights are stored and multiplied in: fp32, or int8 (FoldBench's symmetric per-output-channel weight
    /// quantization, <see cref="Kernels.Quantized.RowQuantizer"/>, activations quantized at run time; such a peer
    /// implements <see cref="IQuantizedPeer"/> and is checked against the int8 bounds). A results row carries it.
    /// </summary>
    Precision Precision => Precision.Fp32;

    /// <summary>Null when the peer can run here; otherwise why not, in words that say how to fix it.</summary>
    string? Availability { get; }

    /// <summary>What ran (library version, core type, formulation): recorded in summary.json's peers block.</summary>
    IReadOnlyDictionary<string, string> Notes { get; }

    /// <summary>Everything the library does once per weight set (copying, packing, building a session).</summary>
    IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n);

    /// <summary>
    /// As <see cref="Prepare(float[], float[], int, int, int)"/>, for a set that is one of many read in turn whose total
    /// exceeds the last-level cache (the streamed regime). A library without such a hint prepares as usual; FoldBench tells
    /// its kernels (<see cref="Kernels.WeightResidency"/>), as a model whose layers exceed the cache would.
    /// </summary>
    IPreparedProjection PrepareStreamed(float[] w, float[] bias, int m, int k, int n) => Prepare(w, bias, m, k, n);
}

/// <summary>One weight set, ready to run: the timed call.</summary>
public interface IPreparedProjection : IDisposable
{
    /// <summary>Y = X·Wᵀ + b for the M, K, N it was prepared for; X and Y are the same arrays on every call.</summary>
    void Run(float[] x, float[] y);
}
