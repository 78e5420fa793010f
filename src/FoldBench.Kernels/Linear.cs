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
/// <remarks>
/// This file holds the public entry points, the dispatch and the one panel driver every vector
/// path shares (<see cref="RunPanels{TStep}"/>). Each ISA brings only its register tile, as a
/// struct implementing <see cref="IPanelStep"/>, in its own partial file: <c>Linear.Avx2.cs</c>,
/// <c>Linear.Avx512.cs</c>, <c>Linear.Neon.cs</c>, <c>Linear.Portable.cs</c>; the scalar reference is in
/// <c>Linear.Scalar.cs</c>. The finishing of a tile row (bias, accumulate, N tail) is shared in
/// <see cref="Epilogue"/>.
/// </remarks>
public static unsafe partial class Linear
{
    /// <summary>Contiguous rows: X is exactly M×K, Y exactly M×N.</summary>
    public static void Project(ReadOnlySpan<float> x, int m, PackedWeights w, Span<float> y, bool accumulate = false) =>
        Project(x, m, w, y, accumulate, null);

    /// <summary>
    /// Contiguous rows, the output panels split across <paramref name="pool"/>'s threads (null or one thread: this
    /// thread alone). The result is bit for bit the single-threaded one: each thread runs the same tiles over its panels.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, PackedWeights w, Span<float> y, bool accumulate, ProjectionPool? pool)
    {
        ArgumentNullException.ThrowIfNull(w);
        int k = w.InputCount, n = w.OutputCount;
        if (m >= 0 && x.Length != (long)m * k)
            throw new ArgumentException($"X has {x.Length} elements but M×K = {m}×{k} = {(long)m * k}", nameof(x));
        if (m >= 0 && y.Length != (long)m * n)
            throw new ArgumentException($"Y has {y.Length} elements but M×N = {m}×{n} = {(long)m * n}", nameof(y));
        Project(x, m, k, w, y, n, accumulate, pool);
    }

    /// <summary>
    /// Strided rows: row i of X starts at <c>i·ldx</c>, row i of Y at <c>i·ldy</c>. Strides let a
    /// block-diagonal folded projection address one sub-position of every token without a copy.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, int ldx, PackedWeights w, Span<float> y, int ldy, bool accumulate = false) =>
        Project(x, m, ldx, w, y, ldy, accumulate, null);

    /// <summary>Strided rows, the output panels split across <paramref name="pool"/>'s threads (see the contiguous overload).</summary>
    public static void Project(ReadOnlySpan<float> x, int m, int ldx, PackedWeights w, Span<float> y, int ldy, bool accumulate, ProjectionPool? pool)
    {
        ArgumentNullException.ThrowIfNull(w);
        int k = w.InputCount, n = w.OutputCount;
        Validate(x.Length, y.Length, m, k, n, ldx, ldy);
        if (m == 0) return;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            if (pool is null || pool.Threads == 1) Dispatch(px, m, ldx, w, py, ldy, accumulate, 0, 1);
            else
            {
                // A path the CPU lacks fails here, on the caller's thread, before any worker starts.
                KernelPaths.EnsureSupported(w.Path);
                pool.Run(px, m, ldx, w, py, ldy, accumulate);
            }
        }
    }

    /// <summary>
    /// Runs the weights' path. Each case is guarded by its own IsSupported check, which the JIT
    /// turns into a constant: the other ISAs' code is dropped, and a path the CPU lacks is an
    /// error, never a silent fallback.
    /// </summary>
    /// <remarks>
    /// <paramref name="share"/> of <paramref name="shares"/>: the part of the output panels this call computes (0 of 1:
    /// all of them). <see cref="ProjectionPool"/> runs one share per thread.
    /// </remarks>
    internal static void Dispatch(float* x, int m, int ldx, PackedWeights w, float* y, int ldy, bool accumulate, int share, int shares)
    {
        float* pw = w.PackedPointer, bias = w.BiasPointer;
        int k = w.InputCount, ldw = w.WeightStride, n = w.OutputCount;
        KernelPath path = w.Path;
        bool fromMemory = w.Residency == WeightResidency.Memory;
        if (path == KernelPath.Avx512 && Avx512F.IsSupported)
        {
            if (fromMemory && TakesSixteenRows(m, k)) RunSixteenRows(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate, share, shares);
            else RunPanels<Avx512Step>(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate, fromMemory, share, shares);
        }
        else if (path == KernelPath.Avx2 && Avx2.IsSupported && Fma.IsSupported)
            RunPanels<Avx2Step>(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate, fromMemory, share, shares);
        else if (path == KernelPath.Neon && AdvSimd.Arm64.IsSupported)
            RunPanels<NeonStep>(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate, fromMemory, share, shares);
        else if (path == KernelPath.Portable && Vector256.IsHardwareAccelerated)
            RunPanels<Portable256Step>(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate, fromMemory, share, shares);
        else if (path == KernelPath.Portable && Vector128.IsHardwareAccelerated)
            RunPanels<Portable128Step>(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate, fromMemory, share, shares);
        else if (path == KernelPath.Scalar)
            RunScalar(x, m, ldx, pw, k, ldw, n, bias, y, ldy, accumulate, share, shares);
        else
        {
            KernelPaths.EnsureSupported(path);
            throw new UnreachableException($"kernel path '{path.Name()}' is supported but has no kernel");
        }
        // The packed storage is only reachable through w; keep it alive until the kernel is done.
        GC.KeepAlive(w);
    }

    /// <summary>
    /// The panel driver of every vector path: panels outside, row blocks inside. One panel
    /// (16·K floats, 32 KiB at K = 512) is then read from memory once per call and re-used from
    /// L1/L2 by every row block; X (M×K) stays in L2. M is cut into blocks of at most
    /// <c>TStep.MaxRows</c> rows (<see cref="RowBlocks"/>) and each block runs the step type's
    /// register tile for its height. <typeparamref name="TStep"/> is a struct, so this method is
    /// compiled once per path with every <c>TStep</c> member a constant or a direct call.
    /// With more than one share, share s runs the s-th contiguous run of whole tiles (<see cref="ShareOf"/>): the
    /// same tiles over the same panels as one share would, so the bits are the same.
    /// <paramref name="fromMemory"/>: the weights were packed with <see cref="WeightResidency.Memory"/>.
    /// </summary>
    private static void RunPanels<TStep>(float* x, int m, int ldx, float* w, int k, int ldw, int n, float* bias, float* y, int ldy, bool accumulate,
        bool fromMemory, int share, int shares)
        where TStep : struct, IPanelStep
    {
        var blocks = new RowBlocks(m, TStep.MaxRows);
        int panels = PackLayout.PanelCount(n);
        // A two-panel tile pairs panel t with panel t + tiles, not with its neighbour: the tiles then read the weights as
        // two long sequential streams (the first half of the panels and the second), which the hardware prefetchers
        // follow across tiles, instead of restarting a stream at every tile. Measured on Zen 5, a read loop shaped like
        // the tiles ran at 34.4 GB/s over two long streams against 22.7 over adjacent pairs (see the kernels README).
        // The arithmetic of each column is the same either way, so the bits are too.
        int tiles = TStep.PanelsPerTile == 2 ? (panels + 1) / 2 : panels;
        nint second = TStep.PanelsPerTile == 2 ? tiles : 0; // panels from a tile's first panel to its second
        var (first, end) = ShareOf(tiles, share, shares);
        for (int t = first; t < end; t++)
        {
            // Only the last panel can be partial, and it is always a tile's second (or, with one panel in all, its only)
            // one; a tile without a second panel gets cols ≤ 16, which tells the step it has one panel only.
            int col = t * PackLayout.PanelWidth;
            bool two = second != 0 && t + second < panels;
            int cols = two ? PackLayout.PanelWidth + Math.Min(PackLayout.PanelWidth, n - (int)(t + second) * PackLayout.PanelWidth)
                : Math.Min(PackLayout.PanelWidth, n - col);
            float* wp = w + (nint)t * ldw;
            float* bp = bias == null ? null : bias + col;
            float* xb = x, yb = y + col;
            // With more than one row block, the first block streams this tile's panels from memory and the later
            // ones re-read them from L2. Meanwhile the next tile's panels are prefetched into L2, one panel per block
            // (block 0 the first, block 1 the second), a line per K step, so their memory latency overlaps this
            // tile's compute. One row block has no compute to hide it behind: there it measured slower.
            bool prefetch = TStep.Prefetches && blocks.Count > 1 && t + 1 < end;
            // One row block whose weights stream from memory: no later block can hide the panels' latency, so the tile
            // prefetches its own panels ahead of its loads (see WeightResidency for why this is a hint).
            bool ahead = fromMemory && TStep.Prefetches && blocks.Count == 1;
            for (int b = 0; b < blocks.Count; b++)
            {
                // The next tile's first panel is one panel on; its second, 1 + second panels on.
                nint pf = prefetch && b < TStep.PanelsPerTile ? (1 + b * second) * (nint)ldw : 0;
                int rows = blocks.Size(b);
                // Heights above MaxRows never occur; the guards drop their code.
                switch (rows)
                {
                    case 12 when TStep.MaxRows >= 12: TStep.Tile<Rows12>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 11 when TStep.MaxRows >= 11: TStep.Tile<Rows11>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 10 when TStep.MaxRows >= 10: TStep.Tile<Rows10>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 9 when TStep.MaxRows >= 9: TStep.Tile<Rows9>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 8 when TStep.MaxRows >= 8: TStep.Tile<Rows8>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 7 when TStep.MaxRows >= 7: TStep.Tile<Rows7>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 6 when TStep.MaxRows >= 6: TStep.Tile<Rows6>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 5 when TStep.MaxRows >= 5: TStep.Tile<Rows5>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 4 when TStep.MaxRows >= 4:
                        if (TStep.SplitFourRows)
                        {
                            TStep.Tile<Rows2>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second);
                            TStep.Tile<Rows2>(xb + 2 * (nint)ldx, ldx, wp, k, bp, yb + 2 * (nint)ldy, ldy, cols, accumulate, 0, false, second);
                        }
                        else TStep.Tile<Rows4>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second);
                        break;
                    case 3 when TStep.MaxRows >= 3: TStep.Tile<Rows3>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    case 2: TStep.Tile<Rows2>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                    default: TStep.Tile<Rows1>(xb, ldx, wp, k, bp, yb, ldy, cols, accumulate, pf, ahead, second); break;
                }
                xb += (nint)rows * ldx;
                yb += (nint)rows * ldy;
            }
        }
    }

    /// <summary>
    /// The tiles [first, end) of share <paramref name="share"/> of <paramref name="shares"/>, as evenly spread as they
    /// divide (a share may be empty).
    /// </summary>
    internal static (int First, int End) ShareOf(int tiles, int share, int shares)
    {
        if (shares == 1) return (0, tiles);
        return ((int)((long)tiles * share / shares), (int)((long)tiles * (share + 1) / shares));
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

/// <summary>
/// What a vector path contributes to <see cref="Linear"/>'s panel driver: its register tile, i.e.
/// <c>TShape.Rows</c> rows of X times one 16-wide packed panel (<see cref="PackLayout"/>) into up
/// to 16 columns of Y, finished with <see cref="Epilogue"/>. Implemented by a struct per ISA (the
/// operator-struct pattern of dotnet/runtime's TensorPrimitives): the driver is generic over it, so
/// each path gets its own compiled driver with no interface call left in it.
/// </summary>
/// <remarks>
/// A new ISA is a new partial file (like <c>Linear.Avx512.cs</c>) with a struct implementing this
/// interface, one <see cref="KernelPath"/> value, and one <c>if</c> line in <c>Linear.Dispatch</c>.
/// </remarks>
internal unsafe interface IPanelStep
{
    /// <summary>Most rows one tile holds (the register budget decides it).</summary>
    static abstract int MaxRows { get; }

    /// <summary>Whether a block of 4 rows runs as two 2-row tiles instead of one 4-row tile.</summary>
    static abstract bool SplitFourRows { get; }

    /// <summary>
    /// 16-wide panels one tile covers (1, or 2 for AVX-512's 32-column tile). A two-panel tile t covers panel t and panel
    /// t + ⌈P/2⌉ (<c>second</c> panels on: 16·K·second floats later in W, 16·second columns later in Y and the bias);
    /// without that second panel it gets ≤ 16 columns.
    /// </summary>
    static virtual int PanelsPerTile => 1;

    /// <summary>Whether the tile acts on a prefetch distance (x86 has prefetcht1; NEON and Vector128 have no intrinsic).</summary>
    static virtual bool Prefetches => false;

    /// <summary>
    /// One tile: <c>TShape.Rows</c> rows of X (row stride <paramref name="ldx"/>) times the panel(s) at
    /// <paramref name="w"/> over <paramref name="k"/> steps, into <paramref name="cols"/>
    /// (≤ 16·<see cref="PanelsPerTile"/>) columns of Y, adding the panel's <paramref name="bias"/> (or null) and, when
    /// <paramref name="accumulate"/>, the old Y.
    /// </summary>
    /// <param name="prefetch">
    /// Floats from each weight line the tile loads to a line it prefetches into L2 (the next tile's panels at the same K
    /// step), or 0 for none. Paths without a prefetch instruction (.NET has none for NEON or Vector128) ignore it.
    /// </param>
    /// <param name="ahead">
    /// The tile is the only row block and its weights come from memory (<see cref="WeightResidency.Memory"/>): it
    /// prefetches its own panels a fixed distance ahead of its loads (tiles of 2 rows or more; x86 only).
    /// </param>
    /// <param name="second">Panels from the tile's first panel to its second (two-panel tiles; the others ignore it).</param>
    static abstract void Tile<TShape>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch,
        bool ahead, nint second)
        where TShape : struct, ITileShape;
}

/// <summary>Whether a tile prefetches: a type argument, so the tile without it has no trace of it.</summary>
internal interface IPrefetch
{
    static abstract bool On { get; }

    /// <summary>
    /// The tile prefetches its own panels ahead (every panel it reads, into L1) rather than the next tile's first
    /// panel into L2.
    /// </summary>
    static virtual bool OwnPanels => false;
}

internal readonly struct Prefetch : IPrefetch { public static bool On => true; }

internal readonly struct PrefetchOwnPanels : IPrefetch { public static bool On => true; public static bool OwnPanels => true; }

internal readonly struct NoPrefetch : IPrefetch { public static bool On => false; }
