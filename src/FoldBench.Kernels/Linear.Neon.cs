using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace FoldBench.Kernels;

public static unsafe partial class Linear
{
    /// <summary>
    /// The hand-written AdvSimd (NEON, ARM64) tile over the same 16-wide packed panels as AVX2.
    /// One tile is up to 6 rows × 16 columns = 24 Q-register accumulators. X is read four K steps at
    /// a time (one Q register per row holds x[kk..kk+3]) and each weight vector is multiplied by one
    /// selected lane of it (<c>FMLA v.4s, v.4s, v.s[j]</c>): no broadcasts; per K step 4 weight
    /// loads feed 24 FMAs, and 6 X loads serve four K steps. 31 of the 32 vector registers are in
    /// use (24 accumulators + 6 X + 1 weight; checked in the JIT's arm64 output: no spills in the K
    /// loops).
    /// </summary>
    /// <remarks>
    /// As on AVX2, tiles of 1–3 rows split K into phases (<see cref="ITileShape"/>): slot
    /// s = phase·Rows + row owns 4 accumulators and one X register, and each phase covers its own
    /// group of four K steps, so short tiles still run 24 FMA chains. With 24 accumulators a 4-row
    /// tile already has 16 chains, so it is not split.
    /// <para>
    /// Streamed weights: a tile reads one panel, and panel p + 1 follows panel p in memory, so the tiles already walk the
    /// weights as one long stream (the layout the AVX-512 tile gets by pairing panel t with t + ⌈P/2⌉). The
    /// <see cref="WeightResidency.Memory"/> hint's own-panel prefetch is not done here: .NET has no <c>PRFM</c>
    /// intrinsic, and the register budget leaves no room for loading ahead instead (31 of 32 Q registers live). This
    /// path runs only under qemu here, where timing means nothing, so nothing about it is tuned by measurement.
    /// </para>
    /// </remarks>
    private readonly struct NeonStep : IPanelStep
    {
        public static int MaxRows => 6;

        public static bool SplitFourRows => false;

        /// <summary>
        /// One tile. Accumulator c{s}{q} is slot s, columns 4q..4q+3. The main loop eats Phases groups
        /// of 4 K steps; then whole groups of 4 with phase 0 only; then single steps (lane 0 of a
        /// scalar-loaded X register).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch, bool ahead, nint second)
            where T : struct, ITileShape
        {
            const int Group = 4;
            int slots = T.Rows * T.Phases, rows = T.Rows, step = Group * T.Phases;
            float* p0 = x, p1 = SlotX<T>(x, ldx, 1), p2 = SlotX<T>(x, ldx, 2),
                   p3 = SlotX<T>(x, ldx, 3), p4 = SlotX<T>(x, ldx, 4), p5 = SlotX<T>(x, ldx, 5);
            Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector128<float> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector128<float> c30 = default, c31 = default, c32 = default, c33 = default;
            Vector128<float> c40 = default, c41 = default, c42 = default, c43 = default;
            Vector128<float> c50 = default, c51 = default, c52 = default, c53 = default;

            nint kk = 0;
            for (; kk <= k - step; kk += step)
            {
                Vector128<float> x0 = AdvSimd.LoadVector128(p0 + kk), x1 = default, x2 = default, x3 = default, x4 = default, x5 = default;
                if (slots > 1) x1 = AdvSimd.LoadVector128(p1 + kk);
                if (slots > 2) x2 = AdvSimd.LoadVector128(p2 + kk);
                if (slots > 3) x3 = AdvSimd.LoadVector128(p3 + kk);
                if (slots > 4) x4 = AdvSimd.LoadVector128(p4 + kk);
                if (slots > 5) x5 = AdvSimd.LoadVector128(p5 + kk);
                FourSteps<T>(w, slots, x0, x1, x2, x3, x4, x5,
                    ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13, ref c20, ref c21, ref c22, ref c23,
                    ref c30, ref c31, ref c32, ref c33, ref c40, ref c41, ref c42, ref c43, ref c50, ref c51, ref c52, ref c53);
                w += PackLayout.PanelWidth * step;
            }

            // Remaining whole groups of 4 K steps: phase 0 only, so slot r is row r.
            for (; kk <= k - Group; kk += Group)
            {
                Vector128<float> x0 = AdvSimd.LoadVector128(p0 + kk), x1 = default, x2 = default, x3 = default, x4 = default, x5 = default;
                if (rows > 1) x1 = AdvSimd.LoadVector128(p1 + kk);
                if (rows > 2) x2 = AdvSimd.LoadVector128(p2 + kk);
                if (rows > 3) x3 = AdvSimd.LoadVector128(p3 + kk);
                if (rows > 4) x4 = AdvSimd.LoadVector128(p4 + kk);
                if (rows > 5) x5 = AdvSimd.LoadVector128(p5 + kk);
                FourSteps<T>(w, rows, x0, x1, x2, x3, x4, x5,
                    ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13, ref c20, ref c21, ref c22, ref c23,
                    ref c30, ref c31, ref c32, ref c33, ref c40, ref c41, ref c42, ref c43, ref c50, ref c51, ref c52, ref c53);
                w += PackLayout.PanelWidth * Group;
            }

            // Last 0–3 K steps: one X value per row, in lane 0.
            for (; kk < k; kk++)
            {
                Vector128<float> x0 = Vector128.CreateScalarUnsafe(p0[kk]), x1 = default, x2 = default, x3 = default, x4 = default, x5 = default;
                if (rows > 1) x1 = Vector128.CreateScalarUnsafe(p1[kk]);
                if (rows > 2) x2 = Vector128.CreateScalarUnsafe(p2[kk]);
                if (rows > 3) x3 = Vector128.CreateScalarUnsafe(p3[kk]);
                if (rows > 4) x4 = Vector128.CreateScalarUnsafe(p4[kk]);
                if (rows > 5) x5 = Vector128.CreateScalarUnsafe(p5[kk]);
                Column<T>(w, 0, rows, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
                Column<T>(w + 4, 0, rows, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
                Column<T>(w + 8, 0, rows, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
                Column<T>(w + 12, 0, rows, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
                w += PackLayout.PanelWidth;
            }

            // Fold the phases into the row slots.
            if (T.Rows == 1 && T.Phases == 6)
            {
                c00 = (c00 + c10) + (c20 + c30) + (c40 + c50);
                c01 = (c01 + c11) + (c21 + c31) + (c41 + c51);
                c02 = (c02 + c12) + (c22 + c32) + (c42 + c52);
                c03 = (c03 + c13) + (c23 + c33) + (c43 + c53);
            }
            else if (T.Rows == 2 && T.Phases == 3)
            {
                c00 = c00 + c20 + c40; c01 = c01 + c21 + c41; c02 = c02 + c22 + c42; c03 = c03 + c23 + c43;
                c10 = c10 + c30 + c50; c11 = c11 + c31 + c51; c12 = c12 + c32 + c52; c13 = c13 + c33 + c53;
            }
            else if (T.Rows == 3 && T.Phases == 2)
            {
                c00 += c30; c01 += c31; c02 += c32; c03 += c33;
                c10 += c40; c11 += c41; c12 += c42; c13 += c43;
                c20 += c50; c21 += c51; c22 += c52; c23 += c53;
            }

            Epilogue.Store(c00, c01, c02, c03, bias, y, accumulate, cols);
            if (T.Rows > 1) Epilogue.Store(c10, c11, c12, c13, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2) Epilogue.Store(c20, c21, c22, c23, bias, y + 2 * ldy, accumulate, cols);
            if (T.Rows > 3) Epilogue.Store(c30, c31, c32, c33, bias, y + 3 * ldy, accumulate, cols);
            if (T.Rows > 4) Epilogue.Store(c40, c41, c42, c43, bias, y + 4 * ldy, accumulate, cols);
            if (T.Rows > 5) Epilogue.Store(c50, c51, c52, c53, bias, y + 5 * ldy, accumulate, cols);
        }

        /// <summary>
        /// One group of 4 K steps for the first <paramref name="slots"/> slots: each slot's X register holds the group's
        /// 4 X values of its row and phase, K step j of the group is lane j of it, and columns 4q..4q+3 of that step are
        /// the weights at w + 16j + 4q. The one place the 16 column updates are written out
        /// (the lane must be a constant for FMLA by element, hence no loop); unused slots fold away. It takes the X
        /// registers already loaded: given the six row pointers and K instead (33 parameters), the JIT stopped
        /// inlining it (seen in the arm64 disassembly, DOTNET_JitDisasm under qemu-user).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FourSteps<T>(float* w, int slots,
            Vector128<float> x0, Vector128<float> x1, Vector128<float> x2, Vector128<float> x3, Vector128<float> x4, Vector128<float> x5,
            ref Vector128<float> c00, ref Vector128<float> c01, ref Vector128<float> c02, ref Vector128<float> c03,
            ref Vector128<float> c10, ref Vector128<float> c11, ref Vector128<float> c12, ref Vector128<float> c13,
            ref Vector128<float> c20, ref Vector128<float> c21, ref Vector128<float> c22, ref Vector128<float> c23,
            ref Vector128<float> c30, ref Vector128<float> c31, ref Vector128<float> c32, ref Vector128<float> c33,
            ref Vector128<float> c40, ref Vector128<float> c41, ref Vector128<float> c42, ref Vector128<float> c43,
            ref Vector128<float> c50, ref Vector128<float> c51, ref Vector128<float> c52, ref Vector128<float> c53)
            where T : struct, ITileShape
        {
            Column<T>(w, 0, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 4, 0, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 8, 0, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 12, 0, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 16, 1, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 20, 1, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 24, 1, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 28, 1, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 32, 2, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 36, 2, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 40, 2, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 44, 2, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
            Column<T>(w + 48, 3, slots, x0, x1, x2, x3, x4, x5, ref c00, ref c10, ref c20, ref c30, ref c40, ref c50);
            Column<T>(w + 52, 3, slots, x0, x1, x2, x3, x4, x5, ref c01, ref c11, ref c21, ref c31, ref c41, ref c51);
            Column<T>(w + 56, 3, slots, x0, x1, x2, x3, x4, x5, ref c02, ref c12, ref c22, ref c32, ref c42, ref c52);
            Column<T>(w + 60, 3, slots, x0, x1, x2, x3, x4, x5, ref c03, ref c13, ref c23, ref c33, ref c43, ref c53);
        }

        /// <summary>X pointer of slot s: row s mod Rows, shifted by its phase's group of 4 K steps.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float* SlotX<T>(float* x, nint ldx, int slot) where T : struct, ITileShape
            => x + (slot % T.Rows) * ldx + 4 * (slot / T.Rows);

        /// <summary>One 4-column weight vector into one accumulator of each slot; a slot that starts a
        /// new phase loads that phase's weights (16 floats per K step, 4 K steps per phase).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Column<T>(float* w, [ConstantExpected(Min = 0, Max = 3)] byte lane, int slots,
            Vector128<float> x0, Vector128<float> x1, Vector128<float> x2, Vector128<float> x3, Vector128<float> x4, Vector128<float> x5,
            ref Vector128<float> a0, ref Vector128<float> a1, ref Vector128<float> a2,
            ref Vector128<float> a3, ref Vector128<float> a4, ref Vector128<float> a5)
            where T : struct, ITileShape
        {
            const int PhaseStride = PackLayout.PanelWidth * 4;
            Vector128<float> wv = AdvSimd.LoadVector128(w);
            a0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a0, wv, x0, lane);
            if (slots > 1)
            {
                if (1 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (1 / T.Rows));
                a1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a1, wv, x1, lane);
            }
            if (slots > 2)
            {
                if (2 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (2 / T.Rows));
                a2 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a2, wv, x2, lane);
            }
            if (slots > 3)
            {
                if (3 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (3 / T.Rows));
                a3 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a3, wv, x3, lane);
            }
            if (slots > 4)
            {
                if (4 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (4 / T.Rows));
                a4 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a4, wv, x4, lane);
            }
            if (slots > 5)
            {
                if (5 % T.Rows == 0) wv = AdvSimd.LoadVector128(w + PhaseStride * (5 / T.Rows));
                a5 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(a5, wv, x5, lane);
            }
        }
    }
}
