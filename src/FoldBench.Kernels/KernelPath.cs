using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels;

/// <summary>The implementations of the linear-projection kernel, each selectable and reported by name.</summary>
public enum KernelPath
{
    /// <summary>Plain loops: the ground truth every other path is tested against.</summary>
    Scalar,
    /// <summary>Cross-platform Vector128/Vector256 code.</summary>
    Portable,
    /// <summary>Hand-written AVX2 + FMA register-blocked micro-kernel (x86-64).</summary>
    Avx2,
    /// <summary>Hand-written AdvSimd (NEON) register-blocked micro-kernel (ARM64).</summary>
    Neon,
    /// <summary>Hand-written AVX-512F register-blocked micro-kernel (x86-64, 32 ZMM registers).</summary>
    Avx512,
}

public static class KernelPaths
{
    public static IReadOnlyList<KernelPath> All { get; } = [KernelPath.Scalar, KernelPath.Portable, KernelPath.Avx2, KernelPath.Neon, KernelPath.Avx512];

    /// <summary>Whether this CPU (and the runtime's ISA switches) can run the path.</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Scalar => true,
        // The portable path is written for Vector128; without hardware acceleration it would
        // run as slow software emulation, so it is reported as unsupported instead.
        KernelPath.Portable => Vector128.IsHardwareAccelerated,
        KernelPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        KernelPath.Neon => AdvSimd.Arm64.IsSupported,
        // The instructions alone decide whether the path can run; whether it is preferred is
        // Best's business (see below).
        KernelPath.Avx512 => Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>The fastest path this CPU supports and the runtime is willing to run at full width.</summary>
    /// <remarks>
    /// avx512 is best only where <see cref="Vector512.IsHardwareAccelerated"/>: with
    /// <c>DOTNET_PreferredVectorBitWidth=256</c> (or where the runtime itself prefers 256-bit vectors
    /// on a CPU that throttles under 512-bit code) Avx512F is still supported but the runtime asked
    /// for 256-bit vectors, so best falls back to avx2; an explicit <c>avx512</c> still runs.
    /// Under valgrind (no AVX-512 in its virtual CPU) best is avx2 as well.
    /// </remarks>
    public static KernelPath Best =>
        IsSupported(KernelPath.Avx512) && Vector512.IsHardwareAccelerated ? KernelPath.Avx512 :
        IsSupported(KernelPath.Avx2) ? KernelPath.Avx2 :
        IsSupported(KernelPath.Neon) ? KernelPath.Neon :
        IsSupported(KernelPath.Portable) ? KernelPath.Portable :
        KernelPath.Scalar;

    /// <summary>
    /// What <see cref="Best"/> is on this CPU with AVX-512 taken away: what best resolves to inside
    /// valgrind, whose virtual CPU has AVX2 and FMA but no AVX-512 (AVX-512F implies AVX2 and FMA).
    /// </summary>
    public static KernelPath BestWithoutAvx512 => Best == KernelPath.Avx512 ? KernelPath.Avx2 : Best;

    public static IReadOnlyList<KernelPath> Supported => All.Where(IsSupported).ToArray();

    /// <summary>The lower-case name used on the command line and in results files.</summary>
    public static string Name(this KernelPath path) => path.ToString().ToLowerInvariant();

    /// <summary>Parses a path name ("scalar", "portable", "avx2", "neon", "avx512" or "best").</summary>
    public static KernelPath Parse(string name)
    {
        if (string.Equals(name, "best", StringComparison.OrdinalIgnoreCase)) return Best;
        foreach (var p in All)
            if (string.Equals(p.Name(), name, StringComparison.OrdinalIgnoreCase)) return p;
        throw new ArgumentException($"unknown kernel path '{name}' (expected one of: best, {string.Join(", ", All.Select(Name))})", nameof(name));
    }

    /// <summary>Throws a clear error when a path is asked for that this CPU cannot run; never falls back silently.</summary>
    public static void EnsureSupported(KernelPath path)
    {
        if (!IsSupported(path))
            throw new PlatformNotSupportedException(
                $"kernel path '{path.Name()}' is not supported on this CPU/runtime (supported: {string.Join(", ", Supported.Select(Name))})");
    }
}
