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
}

public static class KernelPaths
{
    public static IReadOnlyList<KernelPath> All { get; } = [KernelPath.Scalar, KernelPath.Portable, KernelPath.Avx2, KernelPath.Neon];

    /// <summary>Whether this CPU (and the runtime's ISA switches) can run the path.</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Scalar => true,
        // The portable path is written for Vector128; without hardware acceleration it would
        // run as slow software emulation, so it is reported as unsupported instead.
        KernelPath.Portable => Vector128.IsHardwareAccelerated,
        KernelPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        KernelPath.Neon => AdvSimd.Arm64.IsSupported,
        _ => false,
    };

    /// <summary>The fastest path this CPU supports.</summary>
    public static KernelPath Best =>
        IsSupported(KernelPath.Avx2) ? KernelPath.Avx2 :
        IsSupported(KernelPath.Neon) ? KernelPath.Neon :
        IsSupported(KernelPath.Portable) ? KernelPath.Portable :
        KernelPath.Scalar;

    public static IReadOnlyList<KernelPath> Supported => All.Where(IsSupported).ToArray();

    /// <summary>The lower-case name used on the command line and in results files.</summary>
    public static string Name(this KernelPath path) => path.ToString().ToLowerInvariant();

    /// <summary>Parses a path name ("scalar", "portable", "avx2", "neon" or "best").</summary>
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
