using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels.Quantized;

/// <summary>
/// The implementations of the int8 projection (<see cref="QuantizedLinear"/>), each selectable and reported by name.
/// </summary>
/// <remarks>
/// A type of its own rather than more <see cref="KernelPath"/> values: the int8 paths are a different set (the fp32
/// paths have no VNNI or dot-product variant, the int8 ones no portable one), and a shared enum would make every fp32
/// caller (`--paths`, results rows, the regression gate) accept names that have no fp32 kernel. Their names carry an
/// <c>int8-</c> prefix so a results row never confuses <c>avx2</c> (fp32 FMA) with <c>int8-avx2</c>.
/// </remarks>
public enum QuantizedPath
{
    /// <summary>Plain loops in exact integer arithmetic over the PyTorch layout: the reference of the other paths.</summary>
    Scalar,
    /// <summary>AVX2 without VNNI: <c>vpmaddubsw</c> + <c>vpmaddwd</c> with the sign trick (x86-64).</summary>
    Avx2,
    /// <summary>AVX-VNNI <c>vpdpbusd</c> on 256-bit vectors, u8 activations × s8 weights (x86-64).</summary>
    AvxVnni,
    /// <summary>AdvSimd widening multiplies (<c>smull</c> + <c>sadalp</c>) for ARM64 cores without the dot-product extension.</summary>
    Neon,
    /// <summary>AdvSimd with the dot-product extension (<c>sdot</c>, <see cref="Dp"/>), ARM64.</summary>
    NeonDot,
}

public static class QuantizedPaths
{
    public static IReadOnlyList<QuantizedPath> All { get; } =
        [QuantizedPath.Scalar, QuantizedPath.Avx2, QuantizedPath.AvxVnni, QuantizedPath.Neon, QuantizedPath.NeonDot];

    /// <summary>Whether this CPU (and the runtime's ISA switches, e.g. <c>DOTNET_EnableAVXVNNI=0</c>, <c>DOTNET_EnableArm64Dp=0</c>) can run the path.</summary>
    public static bool IsSupported(QuantizedPath path) => path switch
    {
        QuantizedPath.Scalar => true,
        QuantizedPath.Avx2 => Avx2.IsSupported,
        QuantizedPath.AvxVnni => AvxVnni.IsSupported,
        QuantizedPath.Neon => AdvSimd.Arm64.IsSupported,
        QuantizedPath.NeonDot => AdvSimd.Arm64.IsSupported && Dp.IsSupported,
        _ => false,
    };

    /// <summary>The fastest supported path: avxvnni, then avx2; neondot, then neon; else scalar.</summary>
    public static QuantizedPath Best =>
        IsSupported(QuantizedPath.AvxVnni) ? QuantizedPath.AvxVnni :
        IsSupported(QuantizedPath.Avx2) ? QuantizedPath.Avx2 :
        IsSupported(QuantizedPath.NeonDot) ? QuantizedPath.NeonDot :
        IsSupported(QuantizedPath.Neon) ? QuantizedPath.Neon :
        QuantizedPath.Scalar;

    public static IReadOnlyList<QuantizedPath> Supported => All.Where(IsSupported).ToArray();

    /// <summary>The name used on the command line and in results files: <c>int8-</c> and the lower-case path.</summary>
    public static string Name(this QuantizedPath path) => "int8-" + path.ToString().ToLowerInvariant();

    /// <summary>Parses a path name ("int8-scalar", "int8-avx2", "int8-avxvnni", "int8-neon", "int8-neondot" or "int8-best").</summary>
    public static QuantizedPath Parse(string name)
    {
        if (string.Equals(name, "int8-best", StringComparison.OrdinalIgnoreCase)) return Best;
        foreach (var p in All)
            if (string.Equals(p.Name(), name, StringComparison.OrdinalIgnoreCase)) return p;
        throw new ArgumentException($"unknown int8 kernel path '{name}' (expected one of: int8-best, {string.Join(", ", All.Select(Name))})", nameof(name));
    }

    /// <summary>Throws a clear error when a path is asked for that this CPU cannot run; never falls back silently.</summary>
    public static void EnsureSupported(QuantizedPath path)
    {
        if (!IsSupported(path))
            throw new PlatformNotSupportedException(
                $"int8 kernel path '{path.Name()}' is not supported on this CPU/runtime (supported: {string.Join(", ", Supported.Select(Name))})");
    }
}
