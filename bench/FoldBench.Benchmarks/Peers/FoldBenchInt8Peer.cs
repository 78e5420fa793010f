using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// FoldBench's own best int8 path (<see cref="QuantizedLinear"/> at <see cref="QuantizedPaths.Best"/>), beside the int8
/// libraries as <see cref="FoldBenchPeer"/> sits beside the fp32 ones. The scratch for X's quantized rows is made once
/// per weight set, so the timed call allocates nothing.
/// </summary>
public sealed class FoldBenchInt8Peer : IQuantizedPeer
{
    private static readonly QuantizedPath Best = QuantizedPaths.Best;

    public string Name => "foldbench-int8";
    public string? Availability => null;
    public Precision Precision => Precision.Int8;
    public ActivationQuantization Activations => ActivationQuantization.PerRowSymmetric;
    public IReadOnlyDictionary<string, string> Notes { get; } = new Dictionary<string, string>
    {
        ["path"] = Best.Name(),
        ["weights"] = "symmetric int8, one fp32 scale per output channel",
        ["activations"] = "symmetric int8 per row, quantized on every call",
    };

    public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n)
    {
        var weights = QuantizedWeights.Pack(w, n, k, bias, Best);
        return new Prepared(weights, QuantizedScratch.For(weights, m), m);
    }

    public IPreparedProjection PrepareStreamed(float[] w, float[] bias, int m, int k, int n)
    {
        var weights = QuantizedWeights.Pack(w, n, k, bias, Best);
        weights.Residency = WeightResidency.Memory;
        return new Prepared(weights, QuantizedScratch.For(weights, m), m);
    }

    private sealed class Prepared(QuantizedWeights weights, QuantizedScratch scratch, int m) : IPreparedProjection
    {
        public void Run(float[] x, float[] y) => QuantizedLinear.Project(x, m, weights, y, scratch);
        public void Dispose() { }
    }
}
