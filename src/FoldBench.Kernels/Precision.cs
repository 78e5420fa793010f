using FoldBench.Kernels.Quantized;

namespace FoldBench.Kernels;

/// <summary>The number format a projection's weights are stored and multiplied in.</summary>
public enum Precision
{
    /// <summary>fp32 weights and activations, fp32 FMA (<see cref="Linear"/>).</summary>
    Fp32,
    /// <summary>int8 weights with one fp32 scale per output channel, activations quantized per row at run time, int32 accumulators (<see cref="QuantizedLinear"/>).</summary>
    Int8,
}

public static class Precisions
{
    public static IReadOnlyList<Precision> All { get; } = [Precision.Fp32, Precision.Int8];

    /// <summary>The lower-case name used on the command line and in results files: "fp32" or "int8".</summary>
    public static string Name(this Precision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>Parses "fp32" or "int8".</summary>
    public static Precision Parse(string name)
    {
        foreach (var p in All)
            if (string.Equals(p.Name(), name, StringComparison.OrdinalIgnoreCase)) return p;
        throw new ArgumentException($"unknown precision '{name}' (expected one of: {string.Join(", ", All.Select(Name))})", nameof(name));
    }

    /// <summary>Bytes one stored weight takes (the per-channel scales of int8 are counted apart).</summary>
    public static int WeightBytes(this Precision precision) => precision == Precision.Int8 ? sizeof(sbyte) : sizeof(float);

    /// <summary>
    /// The int8 path that runs where a suite asks for an fp32 path at int8: the same ISA family, its best
    /// int8 instructions. avx512 maps to avxvnni (256-bit vpdpbusd): .NET 10 has no 512-bit VNNI intrinsic, so on
    /// an AVX-512 machine that is the widest int8 kernel there is. Portable has no int8 counterpart (null).
    /// </summary>
    public static QuantizedPath? Int8Counterpart(KernelPath path) => path switch
    {
        KernelPath.Scalar => QuantizedPath.Scalar,
        KernelPath.Avx2 => QuantizedPath.Avx2,
        KernelPath.Avx512 => QuantizedPaths.IsSupported(QuantizedPath.AvxVnni) ? QuantizedPath.AvxVnni : QuantizedPath.Avx2,
        KernelPath.Neon => QuantizedPaths.IsSupported(QuantizedPath.NeonDot) ? QuantizedPath.NeonDot : QuantizedPath.Neon,
        _ => null,
    };
}
