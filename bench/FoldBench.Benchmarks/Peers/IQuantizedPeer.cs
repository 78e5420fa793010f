namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// An int8 peer: it quantizes W with FoldBench's rule (symmetric int8, one fp32 scale per output channel:
/// <see cref="Kernels.Quantized.QuantizedWeights"/>'s values and scales) and its activations at run time by
/// <see cref="Activations"/>, so the check (<see cref="Correctness.QuantizedAgreement"/>) can model its integer
/// arithmetic exactly and bound it against the fp32 reference.
/// </summary>
public interface IQuantizedPeer : IProjectionPeer
{
    /// <summary>How the peer quantizes X on every call.</summary>
    ActivationQuantization Activations { get; }
}

/// <summary>The dynamic activation quantizations the int8 peers use.</summary>
public enum ActivationQuantization
{
    /// <summary>
    /// FoldBench's: each row of X by itself, symmetric int8, <c>scale = max|row| / 127</c>, q = round(x·127/max) to
    /// even, ±127 (<see cref="Kernels.Quantized.RowQuantizer"/>).
    /// </summary>
    PerRowSymmetric,

    /// <summary>
    /// ONNX's DynamicQuantizeLinear, which ONNX Runtime's DynamicQuantizeMatMul runs on A: all of X as one tensor,
    /// asymmetric u8: the range [min(0, min X), max(0, max X)], <c>scale = range / 255</c> (1 for an all-zero X),
    /// <c>zp = round(clamp(−min/scale, 0, 255))</c>, <c>q = clamp(round(x / scale) + zp, 0, 255)</c>, rounding half to
    /// even; the dequantized value is scale·(q − zp).
    /// </summary>
    PerTensorAsymmetricU8,
}
