using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels;

/// <summary>
/// Linear projection <c>Y[M×N] = X[M×K]·Wᵀ + b</c> (or <c>Y += …</c>), dispatched to the path the
/// weights were packed for. No allocation: callers own every buffer. X and Y must not overlap
/// (outputs are written while inputs of later rows and panels are still being read).
/// </summary>
public static unsafe class Linear
{
    /// <summary>Contiguous rows: X is exactly M×K, Y exactly M×N.</summary>
    public static void Project(ReadOnlySpan<float> x, int m, PackedWeights w, Span<float> y, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        int k = w.InputCount, n = w.OutputCount;
        if (m >= 0 && x.Length != (long)m * k)
            throw new ArgumentException($"X has {x.Length} elements but M×K = {m}×{k} = {(long)m * k}", nameof(x));
        if (m >= 0 && y.Length != (long)m * n)
            throw new ArgumentException($"Y has {y.Length} elements but M×N = {m}×{n} = {(long)m * n}", nameof(y));
        Project(x, m, k, w, y, n, accumulate);
    }

    /// <summary>
    /// Strided rows: row i of X starts at <c>i·ldx</c>, row i of Y at <c>i·ldy</c>. Strides let the
    /// block-diagonal folded projection address one sub-position of every token without a copy.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, int ldx, PackedWeights w, Span<float> y, int ldy, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        int k = w.InputCount, n = w.OutputCount;
        Validate(x.Length, y.Length, m, k, n, ldx, ldy);
        if (m == 0) return;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            Dispatch(px, m, ldx, w, k, py, ldy, accumulate);
            if (KernelDiagnostics.SlowdownRequested) KernelDiagnostics.AddSlowdownWork(px, m, ldx, w);
        }
    }

    /// <summary>
    /// M = 1 without any packing: <c>y = W·x + b</c> (or <c>y += …</c>) straight from PyTorch-layout
    /// weights [N×K] — the decode / streaming GEMV case, N dot products that read W exactly once.
    /// </summary>
    public static void ProjectRowMajor(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, int n, int k, ReadOnlySpan<float> bias,
        Span<float> y, KernelPath path, bool accumulate = false)
    {
        if (n <= 0) throw new ArgumentException($"output count N must be positive, got {n}", nameof(n));
        if (k <= 0) throw new ArgumentException($"input count K must be positive, got {k}", nameof(k));
        if (x.Length != k) throw new ArgumentException($"x has {x.Length} elements but K = {k}", nameof(x));
        if (weights.Length != (long)n * k)
            throw new ArgumentException($"weights have {weights.Length} elements but N×K = {n}×{k} = {(long)n * k}", nameof(weights));
        if (!bias.IsEmpty && bias.Length != n) throw new ArgumentException($"bias has {bias.Length} elements but N = {n}", nameof(bias));
        if (y.Length != n) throw new ArgumentException($"y has {y.Length} elements but N = {n}", nameof(y));
        KernelPaths.EnsureSupported(path);
        fixed (float* px = x)
        fixed (float* pw = weights)
        fixed (float* pb = bias)
        fixed (float* py = y)
        {
            DispatchRowMajor(px, pw, n, k, k, bias.IsEmpty ? null : pb, py, accumulate, path);
            if (KernelDiagnostics.SlowdownRequested) KernelDiagnostics.AddSlowdownWork(px, pw, n, k, path);
        }
    }

    /// <summary>
    /// Runs the weights' path over the first <paramref name="k"/> inputs (all of them, except for the
    /// slowdown switch's extra work). Each case is guarded by its own IsSupported check, which the
    /// JIT turns into a constant: the other ISAs' code is dropped, and a path the CPU lacks is an
    /// error, never a silent fallback.
    /// </summary>
    internal static void Dispatch(float* x, int m, int ldx, PackedWeights w, int k, float* y, int ldy, bool accumulate)
    {
        float* pw = w.PackedPointer, bias = w.BiasPointer;
        int ldw = w.WeightStride, n = w.OutputCount;
        switch (w.Path)
        {
            case KernelPath.Avx2 when Avx2.IsSupported && Fma.IsSupported:
                AvxKernel.Run(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate);
                break;
            case KernelPath.Neon when AdvSimd.Arm64.IsSupported:
                NeonKernel.Run(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate);
                break;
            case KernelPath.Portable when Vector128.IsHardwareAccelerated:
                PortableKernel.Run(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate);
                break;
            case KernelPath.Scalar:
                ScalarKernel.Run(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate);
                break;
            default:
                KernelPaths.EnsureSupported(w.Path);
                throw new UnreachableException($"kernel path '{w.Path.Name()}' is supported but has no kernel");
        }
        // The packed storage is only reachable through w; keep it alive until the kernel is done.
        GC.KeepAlive(w);
    }

    internal static void DispatchRowMajor(float* x, float* w, int n, int k, int ldw, float* bias, float* y, bool accumulate, KernelPath path)
    {
        switch (path)
        {
            case KernelPath.Avx2 when Avx2.IsSupported && Fma.IsSupported:
                AvxKernel.RowMajor(x, w, n, k, ldw, bias, y, accumulate);
                break;
            case KernelPath.Neon when AdvSimd.Arm64.IsSupported:
                NeonKernel.RowMajor(x, w, n, k, ldw, bias, y, accumulate);
                break;
            case KernelPath.Portable when Vector128.IsHardwareAccelerated:
                PortableKernel.RowMajor(x, w, n, k, ldw, bias, y, accumulate);
                break;
            case KernelPath.Scalar:
                ScalarKernel.RowMajor(x, w, n, k, ldw, bias, y, accumulate);
                break;
            default:
                KernelPaths.EnsureSupported(path);
                throw new UnreachableException($"kernel path '{path.Name()}' is supported but has no kernel");
        }
    }

    internal static void Validate(int xLength, int yLength, int m, int k, int n, int ldx, int ldy)
    {
        if (m < 0) throw new ArgumentException($"row count M must not be negative, got {m}", nameof(m));
        if (ldx < k) throw new ArgumentException($"X row stride {ldx} is smaller than K = {k}", nameof(ldx));
        if (ldy < n) throw new ArgumentException($"Y row stride {ldy} is smaller than N = {n}", nameof(ldy));
        if (m == 0) return;
        long needX = (long)(m - 1) * ldx + k, needY = (long)(m - 1) * ldy + n;
        if (xLength < needX)
            throw new ArgumentException($"X has {xLength} elements but M×K = {m}×{k} (stride {ldx}) needs {needX}", "x");
        if (yLength < needY)
            throw new ArgumentException($"Y has {yLength} elements but M×N = {m}×{n} (stride {ldy}) needs {needY}", "y");
    }
}
