namespace FoldBench.Benchmarks.Peers;

/// <summary>The peers the suite runs, by name; the one place a new peer is listed.</summary>
public static class PeerRegistry
{
    public static IReadOnlyList<string> Names { get; } = ["foldbench", "openblas", "onnxruntime", "tensorprimitives"];

    public static IProjectionPeer Create(string name) => name switch
    {
        "foldbench" => new FoldBenchPeer(),
        "openblas" => new OpenBlasPeer(),
        "onnxruntime" => new OnnxRuntimePeer(),
        "tensorprimitives" => new TensorPrimitivesPeer(),
        _ => throw new ArgumentException($"unknown peer '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
