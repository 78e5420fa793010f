using FoldBench.Kernels;

namespace FoldBench.Benchmarks.Peers;

/// <summary>FoldBench's own best path, run by the peers suite in the same process and sitting as the libraries.</summary>
public sealed class FoldBenchPeer : IProjectionPeer
{
    private static readonly KernelPath Best = KernelPaths.Best;

    public string Name => "foldbench";
    public string? Availability => null;
    public IReadOnlyDictionary<string, string> Notes { get; } = new Dictionary<string, string> { ["path"] = Best.Name() };

    public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n) => new Prepared(PackedWeights.Pack(w, n, k, bias, Best), m);

    public IPreparedProjection PrepareStreamed(float[] w, float[] bias, int m, int k, int n)
    {
        var packed = PackedWeights.Pack(w, n, k, bias, Best);
        packed.Residency = WeightResidency.Memory;
        return new Prepared(packed, m);
    }

    private sealed class Prepared(PackedWeights weights, int m) : IPreparedProjection
    {
        public void Run(float[] x, float[] y) => Linear.Project(x, m, weights, y);
        public void Dispose() { }
    }
}
