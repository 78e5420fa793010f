using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoldBench.Kernels;

public static unsafe partial class Linear
{
    /// <summary>Largest K for one block of 14–16 rows: its packed X (16·K floats, 128 KiB at K = 2048) lives on the stack.</summary>
    internal const int SixteenRowMaxK = 2048;

    /// <summary>
    /// Largest K for 8–12 rows (one block) and 17–32 rows (two blocks) over packed X. Two blocks: block 1 re-reads each
    /// panel (64·K bytes) after block 0, and the panel and both blocks' packed X (2 × 64·K bytes) stay within a 48 KiB L1
    /// only up to K = 256. One block of 8–12 rows: the 12-row tiles (two panels, two streams, their own prefetch) are as
    /// fast from K = 256 on and faster at 512. Measured on Zen 5 (kernels README), streamed, packed blocks against the
    /// 12-row tiles: 8–12 rows 1.78–2.03× at K = 64, 1.19–1.35× at 128, 1.05–1.08× at 192, 0.98–1.06× at 256, 0.89–0.97×
    /// at 512; 17–32 rows 1.08–1.25× at K = 128, 0.99–1.06× at 256, 0.89–0.98× at 512.
    /// </summary>
    internal const int PackedRowsSmallMaxK = 256;

    /// <summary>
    /// How far ahead of its loads the sixteen-row tile prefetches the weights (prefetcht0): 8 KiB. Measured on Zen 5,
    /// M = 16, K = N = 512, streamed, in three in-process runs with the variants alternating: 4, 8 and 16 KiB within 2% of
    /// each other.
    /// </summary>
    private const int SixteenRowAheadFloats = 2048;

    /// <summary>
    /// Whether an AVX-512 call runs as row blocks of at most 16 over packed X (<see cref="RunSixteenRows"/>) instead of the
    /// 12-row tiles: weights that stream from memory (<see cref="WeightResidency.Memory"/>) and 14–16 rows up to
    /// K = <see cref="SixteenRowMaxK"/>, or 8–12 and 17–32 rows up to K = <see cref="PackedRowsSmallMaxK"/>.
    /// </summary>
    /// <remarks>
    /// The 12-row tiles cut 14–16 rows into two blocks of 7–8. Block 0 then reads each tile's two panels from memory at
    /// twice the rate the whole call needs, and the next tile's prefetch cannot even that out. One block of 16 rows reads
    /// every weight line once, as one sequential stream, at the call's own rate: 8 FLOP per byte at M = 16, which the
    /// core's FMA peak turns into about 30 GB/s. Measured on Zen 5, K = N = 512, in-process with the variants
    /// alternating: streamed M = 16 1.15–1.24× (M = 13 only 1.04–1.09×, and it would change bits, below), cache-resident
    /// 0.97–0.99×, so the hint decides. At K = 128 (a folded projection's width) M = 16 read 1.36–1.46×, 8–12 rows as one
    /// block 1.19–1.35× and 17–32 rows as two blocks 1.08–1.25×.
    /// Blocks of 7 or more rows run one K phase, like these tiles, so both sum every output over K in the same order: the
    /// bits do not depend on the hint. A 6-row block splits K into two phases, which is why M = 13 (7 + 6) stays with the
    /// 12-row tiles; M = 7 would keep its bits but has too few rows for the FMA latency, and fewer rows split K.
    /// </remarks>
    private static bool TakesSixteenRows(int m, int k) => m switch
    {
        >= 14 and <= 16 => k <= SixteenRowMaxK,
        >= 8 and <= 12 or >= 17 and <= 32 => k <= PackedRowsSmallMaxK,
        _ => false,
    };

    /// <summary>
    /// 8–32 rows as one or two blocks of at most 16 (<see cref="RowBlocks"/>): each block's X packed K-major into 16-row
    /// slices of a stack buffer (<see cref="PackSixteenRows"/>), then per 16-wide panel, in order, one tile per block.
    /// Block 0 streams the panel from memory, prefetching ahead; block 1 re-reads it from L1 (8–32 KiB at K = 128–512).
    /// Share s of <paramref name="shares"/> runs its contiguous run of panels, which changes nothing in any column's
    /// arithmetic.
    /// </summary>
    [SkipLocalsInit]
    private static void RunSixteenRows(float* x, int m, int ldx, float* w, int k, int ldw, int n, float* bias, float* y, int ldy, bool accumulate,
        int share, int shares)
    {
        Debug.Assert(TakesSixteenRows(m, k));
        var blocks = new RowBlocks(m, 16);
        nint slice = 16 * (nint)k;
        float* buffer = stackalloc float[blocks.Count * 16 * k + 16];
        float* xp = (float*)(((nint)buffer + 63) & ~(nint)63);
        for (int b = 0, row = 0; b < blocks.Count; row += blocks.Size(b), b++)
            PackSixteenRows(x + (nint)row * ldx, ldx, blocks.Size(b), k, xp + b * slice);
        var (first, end) = ShareOf(PackLayout.PanelCount(n), share, shares);
        for (int p = first; p < end; p++)
        {
            int col = p * PackLayout.PanelWidth, cols = Math.Min(PackLayout.PanelWidth, n - col);
            float* wp = w + (nint)p * ldw, bp = bias == null ? null : bias + col, yb = y + col;
            for (int b = 0; b < blocks.Count; b++)
            {
                bool ahead = b == 0;
                float* xb = xp + b * slice;
                switch (blocks.Size(b))
                {
                    case 16: SixteenRowTile<Rows16>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    case 15: SixteenRowTile<Rows15>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    case 14: SixteenRowTile<Rows14>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    case 13: SixteenRowTile<Rows13>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    case 12: SixteenRowTile<Rows12>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    case 11: SixteenRowTile<Rows11>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    case 10: SixteenRowTile<Rows10>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    case 9: SixteenRowTile<Rows9>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                    default: SixteenRowTile<Rows8>(xb, wp, k, bp, yb, ldy, cols, accumulate, ahead); break;
                }
                yb += (nint)blocks.Size(b) * ldy;
            }
        }
    }

    /// <summary>
    /// Rows 0..<paramref name="m"/>−1 of X (stride <paramref name="ldx"/>) into <paramref name="xp"/> K-major: step kk's 16
    /// values (one per row, zero past M) are the 64 bytes at xp + 16·kk, so the tile broadcasts all 16 rows from one
    /// pointer. Whole 16×16 blocks go through the AVX-512 transpose (unpack, shuffle, two 128-bit-lane shuffles: 64
    /// shuffles per block, about 1% of the tile's time at K = 512), the K tail element by element.
    /// </summary>
    private static void PackSixteenRows(float* x, nint ldx, int m, int k, float* xp)
    {
        int kk = 0;
        for (; kk + 16 <= k; kk += 16)
        {
            float* s = x + kk;
            Vector512<float> r0 = Vector512.Load(s), r1 = m > 1 ? Vector512.Load(s + ldx) : default;
            Vector512<float> r2 = m > 2 ? Vector512.Load(s + 2 * ldx) : default, r3 = m > 3 ? Vector512.Load(s + 3 * ldx) : default;
            Vector512<float> r4 = m > 4 ? Vector512.Load(s + 4 * ldx) : default, r5 = m > 5 ? Vector512.Load(s + 5 * ldx) : default;
            Vector512<float> r6 = m > 6 ? Vector512.Load(s + 6 * ldx) : default, r7 = m > 7 ? Vector512.Load(s + 7 * ldx) : default;
            Vector512<float> r8 = m > 8 ? Vector512.Load(s + 8 * ldx) : default, r9 = m > 9 ? Vector512.Load(s + 9 * ldx) : default;
            Vector512<float> r10 = m > 10 ? Vector512.Load(s + 10 * ldx) : default, r11 = m > 11 ? Vector512.Load(s + 11 * ldx) : default;
            Vector512<float> r12 = m > 12 ? Vector512.Load(s + 12 * ldx) : default, r13 = m > 13 ? Vector512.Load(s + 13 * ldx) : default;
            Vector512<float> r14 = m > 14 ? Vector512.Load(s + 14 * ldx) : default, r15 = m > 15 ? Vector512.Load(s + 15 * ldx) : default;
            // Pairs of rows interleaved, then pairs of pairs: lane group g of u_c holds column 4g + c of rows 4i..4i+3.
            Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
            Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5), t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
            Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9), t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
            Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13), t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);
            Vector512<float> u0 = Avx512F.Shuffle(t0, t2, 0x44), u1 = Avx512F.Shuffle(t0, t2, 0xEE), u2 = Avx512F.Shuffle(t1, t3, 0x44), u3 = Avx512F.Shuffle(t1, t3, 0xEE);
            Vector512<float> u4 = Avx512F.Shuffle(t4, t6, 0x44), u5 = Avx512F.Shuffle(t4, t6, 0xEE), u6 = Avx512F.Shuffle(t5, t7, 0x44), u7 = Avx512F.Shuffle(t5, t7, 0xEE);
            Vector512<float> u8 = Avx512F.Shuffle(t8, t10, 0x44), u9 = Avx512F.Shuffle(t8, t10, 0xEE), u10 = Avx512F.Shuffle(t9, t11, 0x44), u11 = Avx512F.Shuffle(t9, t11, 0xEE);
            Vector512<float> u12 = Avx512F.Shuffle(t12, t14, 0x44), u13 = Avx512F.Shuffle(t12, t14, 0xEE), u14 = Avx512F.Shuffle(t13, t15, 0x44), u15 = Avx512F.Shuffle(t13, t15, 0xEE);
            // Then the 128-bit lane groups: v_c (c < 4) holds columns c and c + 8 of rows 0–7 / 8–15, v_{c+4} columns c + 4 and c + 12.
            Vector512<float> v0 = Avx512F.Shuffle4x128(u0, u4, 0x88), v4 = Avx512F.Shuffle4x128(u0, u4, 0xDD), v1 = Avx512F.Shuffle4x128(u1, u5, 0x88), v5 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
            Vector512<float> v2 = Avx512F.Shuffle4x128(u2, u6, 0x88), v6 = Avx512F.Shuffle4x128(u2, u6, 0xDD), v3 = Avx512F.Shuffle4x128(u3, u7, 0x88), v7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
            Vector512<float> v8 = Avx512F.Shuffle4x128(u8, u12, 0x88), v12 = Avx512F.Shuffle4x128(u8, u12, 0xDD), v9 = Avx512F.Shuffle4x128(u9, u13, 0x88), v13 = Avx512F.Shuffle4x128(u9, u13, 0xDD);
            Vector512<float> v10 = Avx512F.Shuffle4x128(u10, u14, 0x88), v14 = Avx512F.Shuffle4x128(u10, u14, 0xDD), v11 = Avx512F.Shuffle4x128(u11, u15, 0x88), v15 = Avx512F.Shuffle4x128(u11, u15, 0xDD);
            float* d = xp + kk * 16;
            Avx512F.Shuffle4x128(v0, v8, 0x88).Store(d); Avx512F.Shuffle4x128(v0, v8, 0xDD).Store(d + 8 * 16);
            Avx512F.Shuffle4x128(v1, v9, 0x88).Store(d + 1 * 16); Avx512F.Shuffle4x128(v1, v9, 0xDD).Store(d + 9 * 16);
            Avx512F.Shuffle4x128(v2, v10, 0x88).Store(d + 2 * 16); Avx512F.Shuffle4x128(v2, v10, 0xDD).Store(d + 10 * 16);
            Avx512F.Shuffle4x128(v3, v11, 0x88).Store(d + 3 * 16); Avx512F.Shuffle4x128(v3, v11, 0xDD).Store(d + 11 * 16);
            Avx512F.Shuffle4x128(v4, v12, 0x88).Store(d + 4 * 16); Avx512F.Shuffle4x128(v4, v12, 0xDD).Store(d + 12 * 16);
            Avx512F.Shuffle4x128(v5, v13, 0x88).Store(d + 5 * 16); Avx512F.Shuffle4x128(v5, v13, 0xDD).Store(d + 13 * 16);
            Avx512F.Shuffle4x128(v6, v14, 0x88).Store(d + 6 * 16); Avx512F.Shuffle4x128(v6, v14, 0xDD).Store(d + 14 * 16);
            Avx512F.Shuffle4x128(v7, v15, 0x88).Store(d + 7 * 16); Avx512F.Shuffle4x128(v7, v15, 0xDD).Store(d + 15 * 16);
        }
        for (; kk < k; kk++)
            for (int r = 0; r < 16; r++) xp[kk * 16 + r] = r < m ? x[r * ldx + kk] : 0f;
    }

    /// <summary>
    /// <c>T.Rows</c> (8–16) rows × one 16-wide panel: one accumulator per row, and per K step one weight load and one
    /// broadcast per row from one 64-byte line of packed X (8–16 independent FMA chains: at least the 4-cycle latency × 2
    /// pipes). Rows past <c>T.Rows</c> fold away. <paramref name="ahead"/>: prefetch the weights ahead (the block that
    /// streams them from memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SixteenRowTile<T>(float* xp, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, bool ahead)
        where T : struct, ITileShape
    {
        if (ahead) SixteenRowLoop<T, PrefetchOwnPanels>(xp, w, k, bias, y, ldy, cols, accumulate);
        else SixteenRowLoop<T, NoPrefetch>(xp, w, k, bias, y, ldy, cols, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SixteenRowLoop<T, TF>(float* xp, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate)
        where T : struct, ITileShape
        where TF : struct, IPrefetch
    {
        int rows = T.Rows;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (int kk = 0; kk < k; kk++)
        {
            Vector512<float> wv = Vector512.Load(w);
            if (TF.On) Sse.Prefetch0(w + SixteenRowAheadFloats);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[0]), wv, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[1]), wv, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[2]), wv, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[3]), wv, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[4]), wv, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[5]), wv, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[6]), wv, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[7]), wv, c7);
            if (rows > 8) c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[8]), wv, c8);
            if (rows > 9) c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[9]), wv, c9);
            if (rows > 10) c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[10]), wv, c10);
            if (rows > 11) c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[11]), wv, c11);
            if (rows > 12) c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[12]), wv, c12);
            if (rows > 13) c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[13]), wv, c13);
            if (rows > 14) c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[14]), wv, c14);
            if (rows > 15) c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(xp[15]), wv, c15);
            w += PackLayout.PanelWidth;
            xp += 16;
        }
        // Stored one by one, each under its own guard: the accumulators stay registers (an array of them would not).
        Epilogue.Store(c0, bias, y, accumulate, cols);
        if (rows > 1) Epilogue.Store(c1, bias, y + ldy, accumulate, cols);
        if (rows > 2) Epilogue.Store(c2, bias, y + 2 * ldy, accumulate, cols);
        if (rows > 3) Epilogue.Store(c3, bias, y + 3 * ldy, accumulate, cols);
        if (rows > 4) Epilogue.Store(c4, bias, y + 4 * ldy, accumulate, cols);
        if (rows > 5) Epilogue.Store(c5, bias, y + 5 * ldy, accumulate, cols);
        if (rows > 6) Epilogue.Store(c6, bias, y + 6 * ldy, accumulate, cols);
        if (rows > 7) Epilogue.Store(c7, bias, y + 7 * ldy, accumulate, cols);
        if (rows > 8) Epilogue.Store(c8, bias, y + 8 * ldy, accumulate, cols);
        if (rows > 9) Epilogue.Store(c9, bias, y + 9 * ldy, accumulate, cols);
        if (rows > 10) Epilogue.Store(c10, bias, y + 10 * ldy, accumulate, cols);
        if (rows > 11) Epilogue.Store(c11, bias, y + 11 * ldy, accumulate, cols);
        if (rows > 12) Epilogue.Store(c12, bias, y + 12 * ldy, accumulate, cols);
        if (rows > 13) Epilogue.Store(c13, bias, y + 13 * ldy, accumulate, cols);
        if (rows > 14) Epilogue.Store(c14, bias, y + 14 * ldy, accumulate, cols);
        if (rows > 15) Epilogue.Store(c15, bias, y + 15 * ldy, accumulate, cols);
    }
}
