using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime's dynamically quantized MatMul: one <c>com.microsoft DynamicQuantizeMatMul</c> node
/// (<see cref="OnnxModel.DynamicQuantizeMatMul"/>) whose int8 weights and per-column scales are exactly FoldBench's
/// (<see cref="QuantizedWeights.Quantized"/>, <see cref="QuantizedWeights.Scales"/>), in the session of
/// <see cref="OnnxRuntimePeer"/> (CPU provider, one intra-op thread, IoBinding). This is what ONNX Runtime's
/// <c>quantize_dynamic</c> makes of a linear layer, with the weights quantized per channel.
/// </summary>
/// <remarks>
/// The operator (ONNX Runtime 1.32, <c>contrib_ops/cpu/quantization/dynamic_quantize_matmul.cc</c>) quantizes X as one
/// tensor to u8 with a zero point (<see cref="ActivationQuantization.PerTensorAsymmetricU8"/>), multiplies u8 by s8 in
/// MLAS (int32 accumulators, the B matrix prepacked at session creation because it is an initializer) and writes
/// <c>acc·(scale_X·scale_W[j]) + bias[j]</c>. On x64 without VNNI MLAS's u8×s8 kernel uses <c>vpmaddubsw</c>, whose
/// int16 pair sums saturate for full-range weights (ONNX Runtime's quantization guide advises 7-bit weights,
/// <c>reduce_range</c>, there); the check then fails, as it should, and <see cref="Notes"/> says which kernel family
/// the CPU's flags lead MLAS to.
/// </remarks>
public sealed class OnnxRuntimeInt8Peer : IQuantizedPeer
{
    public string Name => "onnxruntime-int8";
    public string? Availability => OnnxRuntimePeer.Runtime.Value.Why;
    public Precision Precision => Precision.Int8;
    public ActivationQuantization Activations => ActivationQuantization.PerTensorAsymmetricU8;
    public IReadOnlyDictionary<string, string> Notes => new Dictionary<string, string>
    {
        ["version"] = OnnxRuntimePeer.Runtime.Value.Version,
        ["model"] = "one com.microsoft DynamicQuantizeMatMul node: B int8 [K×N] initializer with FoldBench's values, per-column b_scale, no zero point, bias",
        ["activations"] = "whole X as one tensor, asymmetric u8 with a zero point (DynamicQuantizeLinear's rule), on every call",
        ["session"] = "CPU provider, intra_op_num_threads 1, sequential, ORT_ENABLE_ALL, IoBinding to pre-allocated buffers",
        ["mlas u8s8 kernel (expected from the CPU flags)"] = MlasKernelFamily(),
    };

    public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n)
    {
        if (Availability is { } why) throw new InvalidOperationException(why);
        // FoldBench's quantization of W, in the PyTorch layout (the scalar packing keeps it; any path's values are the same).
        var q = QuantizedWeights.Pack(w, n, k, QuantizedPath.Scalar);
        return OnnxRuntimePeer.Open(OnnxModel.DynamicQuantizeMatMul(q.Quantized, q.Scales, bias, m, k, n), m, k, n);
    }

    /// <summary>
    /// Which family of u8×s8 kernel MLAS's own CPU dispatch should pick here — an expectation from the CPU's flags, not
    /// read from ONNX Runtime, which does not report it: VNNI (<c>vpdpbusd</c>/<c>vpdpbusds</c>, no int16 step) where the
    /// CPU has AVX-VNNI or AVX-512 VNNI, else <c>vpmaddubsw</c> (may saturate). Read from /proc/cpuinfo on Linux x64, so
    /// that .NET's own ISA switches do not hide what the native library sees.
    /// </summary>
    private static string MlasKernelFamily() => Family.Value switch
    {
        MlasFamily.NotX64 => "not x64: integer dot-product or widening kernels (no int16 saturation)",
        MlasFamily.Unknown => "unknown (no /proc/cpuinfo)",
        MlasFamily.Vnni => "VNNI (vpdpbusd/vpdpbusds: no int16 step)",
        _ => "AVX2 vpmaddubsw (int16 pair sums may saturate with full-range int8 weights)",
    };

    /// <summary>
    /// Whether the CPU's flags lead MLAS to its <c>vpmaddubsw</c> kernel (x64 without AVX-VNNI or AVX-512 VNNI), whose int16
    /// pair sums saturate for full-range weights: there this peer's output is not its exact int8 model, its check fails
    /// (truthfully), and tests that require it to pass skip, saying so.
    /// </summary>
    public static bool MaySaturate => Family.Value == MlasFamily.Avx2;

    private enum MlasFamily { NotX64, Unknown, Vnni, Avx2 }

    private static readonly Lazy<MlasFamily> Family = new(() =>
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return MlasFamily.NotX64;
        string? flags = null;
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        }
        catch (IOException) { }
        if (flags is null) return MlasFamily.Unknown;
        var set = flags[(flags.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return set.Contains("avx512_vnni") || set.Contains("avx_vnni") ? MlasFamily.Vnni : MlasFamily.Avx2;
    });
}
