using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels.Quantized;

/// <summary>
/// The int8 linear projection <c>Y[M×N] = dequant(q(X)·q(W)ᵀ) + b</c> (or <c>Y += …</c>) over weights quantized and
/// packed once per path (<see cref="QuantizedWeights"/>). Each call quantizes the rows of X dynamically (one scale per
/// row, <see cref="RowQuantizer"/>) into the caller's <see cref="QuantizedScratch"/>, accumulates exact int32 dot
/// products, and the epilogue writes <c>(float)acc · (scaleₓ[i] · scale_w[n]) + b[n]</c> (plus the old Y when
/// accumulating), as the fp32 kernels do. No allocation; X and Y must not overlap.
/// </summary>
/// <remarks>
/// Same shape as <see cref="Linear"/>: one panel driver (<see cref="RunPanels{TStep, TOut}"/>) generic over a step struct
/// per ISA (<see cref="IQuantizedStep"/>, in <c>QuantizedLinear.&lt;Isa&gt;.cs</c>), and a dispatch whose every case is
/// guarded by its own IsSupported check, so a path the CPU lacks is an error, never a fallback. Every path computes the
/// same int32 accumulators and the same epilogue operations in the same order, so their fp32 outputs agree bit for bit.
/// </remarks>
public static unsafe partial class QuantizedLinear
{
    /// <summary>
    /// Contiguous rows: X is exactly M×K, Y exactly M×N. With a <paramref name="pool"/> of several threads the output
    /// panels are split across them (null or one thread: this thread alone); the bits are the same either way.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, QuantizedWeights w, Span<float> y, QuantizedScratch scratch, bool accumulate = false,
        ProjectionPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        int k = w.InputCount, n = w.OutputCount;
        if (m >= 0 && x.Length != (long)m * k)
            throw new ArgumentException($"X has {x.Length} elements but M×K = {m}×{k} = {(long)m * k}", nameof(x));
        if (m >= 0 && y.Length != (long)m * n)
            throw new ArgumentException($"Y has {y.Length} elements but M×N = {m}×{n} = {(long)m * n}", nameof(y));
        Project(x, m, k, w, y, n, scratch, accumulate, pool);
    }

    /// <summary>
    /// Strided rows: row i of X starts at <c>i·ldx</c>, row i of Y at <c>i·ldy</c>. With a <paramref name="pool"/>, the
    /// calling thread quantizes every row of X once, then each thread runs a contiguous run of the output panels over
    /// those rows: every column is computed from the same int32 sums by the same epilogue, so the output is bit for bit
    /// the one-thread output.
    /// </summary>
    public static void Project(ReadOnlySpan<float> x, int m, int ldx, QuantizedWeights w, Span<float> y, int ldy, QuantizedScratch scratch,
        bool accumulate = false, ProjectionPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        Linear.Validate(x.Length, y.Length, m, w.InputCount, w.OutputCount, ldx, ldy);
        CheckScratch(scratch, m, w);
        if (m == 0) return;
        fixed (float* px = x)
        fixed (float* py = y)
            Run(px, m, ldx, w, py, ldy, scratch, accumulate, raw: false, pool);
    }

    /// <summary>
    /// The int32 accumulators Σₖ qx[i,k]·qw[n,k] themselves (row i of <paramref name="accumulators"/> at <c>i·N</c>),
    /// from the same quantization and the same tiles as <see cref="Project(ReadOnlySpan{float}, int, int, QuantizedWeights, Span{float}, int, QuantizedScratch, bool, ProjectionPool?)"/>:
    /// what the tests compare exactly with <see cref="QuantizedReference"/>.
    /// </summary>
    internal static void Accumulators(ReadOnlySpan<float> x, int m, int ldx, QuantizedWeights w, Span<int> accumulators, QuantizedScratch scratch,
        ProjectionPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        int n = w.OutputCount;
        Linear.Validate(x.Length, accumulators.Length, m, w.InputCount, n, ldx, n);
        CheckScratch(scratch, m, w);
        if (m == 0) return;
        fixed (float* px = x)
        fixed (int* pa = accumulators)
            Run(px, m, ldx, w, (float*)pa, n, scratch, false, raw: true, pool);
    }

    private static void CheckScratch(QuantizedScratch scratch, int m, QuantizedWeights w)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        if (scratch.InputCount != w.InputCount)
            throw new ArgumentException($"the scratch was made for K = {scratch.InputCount} but the weights have K = {w.InputCount}", nameof(scratch));
        if (m > scratch.MaxRows)
            throw new ArgumentException($"M = {m} rows exceed the scratch's capacity of {scratch.MaxRows}", nameof(scratch));
    }

    /// <summary>
    /// Quantizes the rows on the calling thread, then runs the weights' path over all the panels, or splits them across
    /// <paramref name="pool"/>'s threads, which then only read the scratch. <paramref name="raw"/>: write the int32
    /// accumulators instead of Y (<see cref="Accumulators"/>).
    /// </summary>
    private static void Run(float* x, int m, int ldx, QuantizedWeights w, float* y, int ldy, QuantizedScratch scratch, bool accumulate, bool raw,
        ProjectionPool? pool)
    {
        QuantizedPath path = w.Path;
        // The same IsSupported guard as the dispatch, before any work and before any worker starts.
        QuantizedPaths.EnsureSupported(path);
        int k = w.InputCount, kp = path == QuantizedPath.Scalar ? k : w.PaddedInputCount;
        byte* rows = scratch.Rows;
        float* xs = scratch.Scales;
        RowQuantizer.QuantizeRows(x, m, ldx, k, rows, kp, xs, w.UnsignedActivations);
        if (pool is null || pool.Threads == 1) Dispatch(rows, m, kp, xs, w, y, ldy, accumulate, raw, 0, 1);
        else pool.Run(rows, m, kp, xs, w, y, ldy, accumulate, raw);
        w.KeepAlive();
        scratch.KeepAlive();
    }

    /// <summary>
    /// Runs share <paramref name="share"/> of <paramref name="shares"/> of the output panels (0 of 1: all of them) over
    /// rows already quantized (<paramref name="kp"/> bytes apart, their scales at <paramref name="xs"/>); every case
    /// guarded by its own IsSupported check. <see cref="ProjectionPool"/> runs one share per thread.
    /// </summary>
    internal static void Dispatch(byte* rows, int m, int kp, float* xs, QuantizedWeights w, float* y, int ldy, bool accumulate, bool raw,
        int share, int shares)
    {
        if (raw) Dispatch<RawAccumulators>(rows, m, kp, xs, w, y, ldy, accumulate, share, shares);
        else Dispatch<Dequantized>(rows, m, kp, xs, w, y, ldy, accumulate, share, shares);
        w.KeepAlive();
    }

    private static void Dispatch<TOut>(byte* rows, int m, int kp, float* xs, QuantizedWeights w, float* y, int ldy, bool accumulate,
        int share, int shares)
        where TOut : struct, IQuantizedOutput
    {
        QuantizedPath path = w.Path;
        if (path == QuantizedPath.AvxVnni && AvxVnni.IsSupported)
            RunPanels<AvxVnniStep, TOut>(rows, m, kp, xs, w, y, ldy, accumulate, share, shares);
        else if (path == QuantizedPath.Avx2 && Avx2.IsSupported)
            RunPanels<Avx2Step, TOut>(rows, m, kp, xs, w, y, ldy, accumulate, share, shares);
        else if (path == QuantizedPath.NeonDot && AdvSimd.Arm64.IsSupported && Dp.IsSupported)
            RunPanels<NeonDotStep, TOut>(rows, m, kp, xs, w, y, ldy, accumulate, share, shares);
        else if (path == QuantizedPath.Neon && AdvSimd.Arm64.IsSupported)
            RunPanels<NeonStep, TOut>(rows, m, kp, xs, w, y, ldy, accumulate, share, shares);
        else if (path == QuantizedPath.Scalar)
            RunScalar<TOut>((sbyte*)rows, m, kp, xs, w, y, ldy, accumulate, share, shares);
        else
        {
            QuantizedPaths.EnsureSupported(path);
            throw new UnreachableException($"int8 kernel path '{path.Name()}' is supported but has no kernel");
        }
    }

    /// <summary>
    /// Where slot k of a K-phased tile (<see cref="ITileShape.Phases"/>; the avxvnni tile) reads its activations: row
    /// k % Rows, k / Rows groups in (its phase's first group; each round of the K loop then steps Phases groups).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* Slot<T>(byte* x, nint ldx, int k) where T : struct, ITileShape =>
        x + (k % T.Rows) * ldx + (k / T.Rows) * RowQuantizer.Group;

    /// <summary>
    /// The panel driver of every int8 vector path, as <c>Linear.RunPanels</c>: panels outside (one panel, 16·kp bytes,
    /// is read from memory once per call), row blocks of at most <c>TStep.MaxRows</c> inside.
    /// </summary>
    /// <remarks>
    /// With more than one row block, block 0 streams each panel from memory and the later blocks re-read it from L1, so
    /// block 0 also prefetches the next panel into L2, a line per K group, and that panel's memory latency overlaps the
    /// later blocks' compute (as in the fp32 driver). When the caller says the weights stream
    /// (<see cref="QuantizedWeights.Residency"/>), every block issues those prefetches: measured on Zen 5 (kernels README),
    /// the repeats lifted streamed M = 12 / 16 / 24 a further 1.08 / 1.14 / 1.12× over block 0 alone, while on cached
    /// weights they only take load slots. One row block has no later block to hide the next panel's latency behind: when
    /// the caller says the weights stream, it prefetches its own panel a fixed distance ahead instead
    /// (<see cref="OwnPanelAheadBytes"/>; the panels are contiguous, so the lines it reaches run on into the next panels).
    /// With more than one share, share s runs the s-th contiguous run of panels (<see cref="Linear.ShareOf"/>) with the
    /// tiles above (the four-panel row tile over its own full panels), and its block 0 prefetches no further than its
    /// own last panel (the next one is another thread's).
    /// </remarks>
    private static void RunPanels<TStep, TOut>(byte* x, int m, int kp, float* xs, QuantizedWeights w, float* y, int ldy, bool accumulate,
        int share, int shares)
        where TStep : struct, IQuantizedStep
        where TOut : struct, IQuantizedOutput
    {
        var blocks = new RowBlocks(m, TStep.MaxRows);
        int n = w.OutputCount, panels = PackLayout.PanelCount(n), groups = kp / RowQuantizer.Group;
        nint panelBytes = (nint)PackLayout.PanelWidth * kp;
        sbyte* pw = w.PackedPointer;
        float* scales = w.ScalePointer, bias = w.BiasPointer;
        int* start = w.StartPointer;
        int prefetchingBlocks = w.Residency == WeightResidency.Memory ? blocks.Count : 1;
        // One row block over weights that stream: it prefetches its own panel ahead, by a distance that depends on its
        // height; more blocks prefetch the next panel, one panel on.
        bool ahead = TStep.Prefetches && blocks.Count == 1 && w.Residency == WeightResidency.Memory;
        nint distance = ahead ? OwnPanelAheadBytes(m) : panelBytes;
        // One row of cached weights: the four-panel row tile (FourPanelRow) issues fewer loads per vpdpbusd than the
        // one-panel tile (9 per 8 against 18 per 12); measured 1.26–1.60× at K = N = 512 / 256 / 128 on Zen 5. On weights
        // that stream from memory it read 0.86–1.05× the one-panel tile, so the hint keeps that one there.
        // With shares, each share runs it over its own full panels (the arrangement of tiles changes with the split, but a
        // column's int32 sums are exact and its epilogue the same in either tile, so the bits do not).
        var (firstPanel, end) = Linear.ShareOf(panels, share, shares);
        int quarter = (Math.Min(end, n / PackLayout.PanelWidth) - firstPanel) / 4;   // full panels of the share in each of the four parts
        if (TStep.FourPanels && m == 1 && quarter > 0 && start != null && w.Residency == WeightResidency.Cache)
        {
            for (int i = firstPanel; i < firstPanel + quarter; i++)
            {
                int col = i * PackLayout.PanelWidth;
                TStep.FourPanelRow<TOut>(x, xs, pw + i * panelBytes, quarter * panelBytes, groups, scales + col,
                    bias == null ? null : bias + col, start + col, y + col, quarter * PackLayout.PanelWidth, accumulate);
            }
            firstPanel += 4 * quarter;
        }
        for (int p = firstPanel; p < end; p++)
        {
            int col = p * PackLayout.PanelWidth, cols = Math.Min(PackLayout.PanelWidth, n - col);
            sbyte* wp = pw + p * panelBytes;
            float* bp = bias == null ? null : bias + col;
            int* sp = start == null ? null : start + col;
            byte* xb = x;
            float* xsb = xs, yb = y + col;
            bool next = TStep.Prefetches && blocks.Count > 1 && p + 1 < end;
            for (int b = 0; b < blocks.Count; b++)
            {
                int rows = blocks.Size(b);
                bool fetch = next && b < prefetchingBlocks || ahead;
                switch (rows)
                {
                    case 8 when TStep.MaxRows >= 8: Tile<TStep, Rows8, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                    case 7 when TStep.MaxRows >= 7: Tile<TStep, Rows7, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                    case 6 when TStep.MaxRows >= 6: Tile<TStep, Rows6, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                    case 5 when TStep.MaxRows >= 5: Tile<TStep, Rows5, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                    case 4 when TStep.MaxRows >= 4: Tile<TStep, Rows4, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                    case 3 when TStep.MaxRows >= 3: Tile<TStep, Rows3, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                    case 2: Tile<TStep, Rows2, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                    default: Tile<TStep, Rows1, TOut>(fetch, xb, kp, xsb, wp, groups, scales + col, bp, sp, yb, ldy, cols, accumulate, distance); break;
                }
                xb += (nint)rows * kp;
                xsb += rows;
                yb += (nint)rows * ldy;
            }
        }
    }

    /// <summary>
    /// How far ahead of its loads a single row block of <paramref name="rows"/> rows prefetches weights that stream from
    /// memory (<c>prefetcht1</c>, one line per line it loads). Measured on Zen 5 (kernels README), K = N = 512, in-process
    /// with the variants alternating: int8-avxvnni M = 1 and 2 read memory best at 4–6 KiB (1.03–1.14× over none; 12 KiB
    /// and more fell back to 0.96–1.07× at M = 1), M = 4–6 at 12–16 KiB (1.09–1.17×; 6 KiB 1.08–1.13×). int8-avx2
    /// gained 1.01–1.12× at the same distances.
    /// </summary>
    internal static nint OwnPanelAheadBytes(int rows) => rows <= 3 ? 6 * 1024 : 12 * 1024;

    /// <summary>
    /// One tile, prefetching the line <paramref name="distance"/> bytes on from each line it loads (the next panel's, or
    /// a single block's own panel ahead) or not: each its own
    /// instantiation, so the tile without it carries no trace of it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TStep, TShape, TOut>(bool prefetch, byte* x, nint ldx, float* xScale, sbyte* w, int groups, float* wScale,
        float* bias, int* start, float* y, nint ldy, int cols, bool accumulate, nint distance)
        where TStep : struct, IQuantizedStep
        where TShape : struct, ITileShape
        where TOut : struct, IQuantizedOutput
    {
        if (prefetch) TStep.Tile<TShape, TOut, Prefetch>(x, ldx, xScale, w, groups, wScale, bias, start, y, ldy, cols, accumulate, distance);
        else TStep.Tile<TShape, TOut, NoPrefetch>(x, ldx, xScale, w, groups, wScale, bias, start, y, ldy, cols, accumulate, 0);
    }

    /// <summary>
    /// One prefetch of the line at <paramref name="p"/> into L2 (<c>prefetcht1</c>; x86 only: .NET has no prefetch
    /// intrinsic for NEON).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchLine<TF>(sbyte* p) where TF : struct, IPrefetch
    {
        if (TF.On) Sse.Prefetch1(p);
    }
}

/// <summary>
/// What an int8 vector path contributes to <see cref="QuantizedLinear"/>'s panel driver: its register tile of
/// <c>TShape.Rows</c> quantized rows × one 16-wide panel over all K groups, finished by <see cref="QuantizedEpilogue"/>.
/// </summary>
internal unsafe interface IQuantizedStep
{
    /// <summary>Most rows one tile holds (the register budget decides it); at most 8.</summary>
    static abstract int MaxRows { get; }

    /// <summary>Whether the tile acts on a prefetch distance (x86 has prefetch instructions; .NET has none for NEON).</summary>
    static virtual bool Prefetches => false;

    /// <summary>Whether the step has a one-row tile over four panels at once (<see cref="FourPanelRow"/>).</summary>
    static virtual bool FourPanels => false;

    /// <summary>
    /// One row of X against four full panels <paramref name="stream"/> bytes apart in W (their columns, scales, bias and
    /// start values <paramref name="columnStep"/> apart), each written as a 16-column tile would write it.
    /// </summary>
    static virtual void FourPanelRow<TOut>(byte* x, float* xScale, sbyte* w, nint stream, int groups, float* wScale, float* bias,
        int* start, float* y, nint columnStep, bool accumulate)
        where TOut : struct, IQuantizedOutput => throw new NotSupportedException();

    /// <summary>
    /// One tile. <paramref name="x"/>: the tile's quantized rows (stride <paramref name="ldx"/> = kp bytes), their scales
    /// at <paramref name="xScale"/>; <paramref name="w"/>: the panel, <paramref name="groups"/> groups of 64 bytes;
    /// <paramref name="wScale"/>, <paramref name="bias"/> (or null) and <paramref name="start"/> (accumulator start values,
    /// or null for zero): 16 padded values of the panel's columns; Y: <paramref name="cols"/> ≤ 16 columns.
    /// <typeparamref name="TF"/> and <paramref name="prefetch"/>: whether and how far ahead of each weight line it loads the
    /// tile prefetches one (bytes; see <c>RunPanels</c>). Paths without a prefetch instruction ignore them.
    /// </summary>
    static abstract void Tile<TShape, TOut, TF>(byte* x, nint ldx, float* xScale, sbyte* w, int groups, float* wScale, float* bias, int* start,
        float* y, nint ldy, int cols, bool accumulate, nint prefetch)
        where TShape : struct, ITileShape
        where TOut : struct, IQuantizedOutput
        where TF : struct, IPrefetch;
}

/// <summary>Whether a tile writes dequantized fp32 Y or (for the exactness tests) the raw int32 accumulators.</summary>
internal interface IQuantizedOutput
{
    static abstract bool Raw { get; }
}

internal readonly struct Dequantized : IQuantizedOutput { public static bool Raw => false; }

internal readonly struct RawAccumulators : IQuantizedOutput { public static bool Raw => true; }

/// <summary>
/// The end of every int8 tile row: int32 → fp32, times scaleₓ·scale_w (per column), then the fp32 epilogue (bias,
/// accumulate, N tail) — or, for <see cref="RawAccumulators"/>, the int32 values as they are.
/// </summary>
internal static unsafe class QuantizedEpilogue
{
    /// <summary>A row held as columns 0–7 and 8–15 (AVX2 / AVX-VNNI).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TOut>(Vector256<int> lo, Vector256<int> hi, float xScale, float* wScale, float* bias, float* y, bool accumulate, int cols)
        where TOut : struct, IQuantizedOutput
    {
        if (TOut.Raw)
        {
            int* yi = (int*)y;
            if (cols == PackLayout.PanelWidth) { lo.Store(yi); hi.Store(yi + 8); }
            else for (int c = 0; c < cols; c++) yi[c] = c < 8 ? lo.GetElement(c) : hi.GetElement(c - 8);
            return;
        }
        Vector256<float> s = Vector256.Create(xScale);
        Vector256<float> flo = Vector256.ConvertToSingle(lo) * (s * Vector256.Load(wScale));
        Vector256<float> fhi = Vector256.ConvertToSingle(hi) * (s * Vector256.Load(wScale + 8));
        Epilogue.Store(flo, fhi, bias, y, accumulate, cols);
    }

    /// <summary>A row held as columns 0–3, 4–7, 8–11 and 12–15 (NEON).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TOut>(Vector128<int> c0, Vector128<int> c1, Vector128<int> c2, Vector128<int> c3,
        float xScale, float* wScale, float* bias, float* y, bool accumulate, int cols)
        where TOut : struct, IQuantizedOutput
    {
        if (TOut.Raw)
        {
            int* yi = (int*)y;
            if (cols == PackLayout.PanelWidth) { c0.Store(yi); c1.Store(yi + 4); c2.Store(yi + 8); c3.Store(yi + 12); }
            else
                for (int c = 0; c < cols; c++)
                {
                    Vector128<int> v = c < 8 ? (c < 4 ? c0 : c1) : (c < 12 ? c2 : c3);
                    yi[c] = v.GetElement(c & 3);
                }
            return;
        }
        Vector128<float> s = Vector128.Create(xScale);
        Epilogue.Store(
            Vector128.ConvertToSingle(c0) * (s * Vector128.Load(wScale)),
            Vector128.ConvertToSingle(c1) * (s * Vector128.Load(wScale + 4)),
            Vector128.ConvertToSingle(c2) * (s * Vector128.Load(wScale + 8)),
            Vector128.ConvertToSingle(c3) * (s * Vector128.Load(wScale + 12)),
            bias, y, accumulate, cols);
    }

    /// <summary>One output (the scalar path): the same operations in the same order as the vector rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put<TOut>(int acc, float xScale, float* wScale, float* bias, float* y, int j, bool accumulate)
        where TOut : struct, IQuantizedOutput
    {
        if (TOut.Raw) ((int*)y)[j] = acc;
        else Epilogue.Put((float)acc * (xScale * wScale[j]), bias, y, j, accumulate);
    }
}
