using Microsoft.ML.OnnxRuntime;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime's CPU execution provider (MLAS) on a one-node Gemm model (<see cref="OnnxModel"/>):
/// one intra-op thread, sequential execution, every graph optimisation, X and Y bound once to
/// OrtValues over the benchmark's own arrays (IoBinding), so the timed call allocates nothing.
/// </summary>
public sealed class OnnxRuntimePeer : IProjectionPeer
{
    /// <summary>The native library, loaded once per process (shared with <see cref="OnnxRuntimeInt8Peer"/>).</summary>
    internal static readonly Lazy<(string? Why, string Version)> Runtime = new(() =>
    {
        try { return (null, OrtEnv.Instance().GetVersionString()); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or OnnxRuntimeException or EntryPointNotFoundException)
        {
            return ($"ONNX Runtime's native library could not be loaded on {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}: {e.GetBaseException().Message}", "?");
        }
    });

    public string Name => "onnxruntime";
    public string? Availability => Runtime.Value.Why;
    public IReadOnlyDictionary<string, string> Notes => new Dictionary<string, string>
    {
        ["version"] = Runtime.Value.Version,
        ["model"] = "one Gemm node (transB = 1), W and B initializers",
        ["session"] = "CPU provider, intra_op_num_threads 1, sequential, ORT_ENABLE_ALL, IoBinding to pre-allocated buffers",
    };

    public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n)
    {
        if (Availability is { } why) throw new InvalidOperationException(why);
        return new Prepared(OnnxModel.Gemm(w, bias, m, k, n), m, k, n);
    }

    /// <summary>A session of this peer's options over any model whose only input is X [M×K] and only output Y [M×N], fp32.</summary>
    public static IPreparedProjection Open(byte[] model, int m, int k, int n)
    {
        if (Runtime.Value.Why is { } why) throw new InvalidOperationException(why);
        return new Prepared(model, m, k, n);
    }

    /// <summary>A session over one model whose only input is X [M×K] and only output Y [M×N] (fp32); reused by the int8 peer.</summary>
    private sealed class Prepared : IPreparedProjection
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _run = new();
        private readonly int _m, _k, _n;
        private OrtIoBinding? _binding;
        private OrtValue? _x, _y;
        private float[]? _boundX, _boundY;

        public Prepared(byte[] model, int m, int k, int n)
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            _session = new InferenceSession(model, options);
            (_m, _k, _n) = (m, k, n);
        }

        public void Run(float[] x, float[] y)
        {
            // Bound on the first call and whenever the caller's arrays change (they don't in a benchmark).
            if (!ReferenceEquals(x, _boundX) || !ReferenceEquals(y, _boundY)) Bind(x, y);
            _session.RunWithBinding(_run, _binding!);
        }

        private void Bind(float[] x, float[] y)
        {
            _binding?.Dispose(); _x?.Dispose(); _y?.Dispose();
            _x = OrtValue.CreateTensorValueFromMemory(x, [_m, _k]);
            _y = OrtValue.CreateTensorValueFromMemory(y, [_m, _n]);
            _binding = _session.CreateIoBinding();
            _binding.BindInput("X", _x);
            _binding.BindOutput("Y", _y);
            (_boundX, _boundY) = (x, y);
        }

        public void Dispose()
        {
            _binding?.Dispose(); _x?.Dispose(); _y?.Dispose();
            _run.Dispose();
            _session.Dispose();
        }
    }
}
