namespace FoldBench.Benchmarks.Peers;

/// <summary>The peers the suite runs, by name; the one place a new peer is listed.</summary>
public static class PeerRegistry
{
    public static IReadOnlyList<string> Names { get; } = ["foldbench", "openblas", "onnxruntime", "tensorprimitives", "foldbench-int8", "onnxruntime-int8"];

    public static IProjectionPeer Create(string name) => name switch
    {
        "foldbench" => new FoldBenchPeer(),
        "openblas" => new OpenBlasPeer(),
        "onnxruntime" => new OnnxRuntimePeer(),
        "tensorprimitives" => new TensorPrimitivesPeer(),
        "foldbench-int8" => new FoldBenchInt8Peer(),
        "onnxruntime-int8" => new OnnxRuntimeInt8Peer(),
        _ => throw new ArgumentException($"unknown peer '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
