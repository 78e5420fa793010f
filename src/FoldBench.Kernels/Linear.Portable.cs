using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoldBench.Kernels;

/// <remarks>
/// The cross-platform path: the same 16-wide packed panels as the hand-written paths, but written
/// only with the portable <see cref="Vector256"/>/<see cref="Vector128"/> APIs, as a developer
/// would without per-ISA code. It shows what the hand-written register blocking adds on top.
/// Tiles keep 8 accumulators and no K phases: 4 rows × 2 Vector256 where Vector256 is accelerated
/// (x64 with AVX2), else 2 rows × 4 Vector128 (SSE-only x64, ARM64), which also fits SSE's 16
/// registers. MultiplyAddEstimate becomes one FMA where the CPU has it, else a multiply and an add.
/// </remarks>
public static unsafe partial class Linear
{
    /// <summary>Up to 4 rows × 16 columns in Vector256 registers (only T.Rows is used; no K phases).</summary>
    private readonly struct Portable256Step : IPanelStep
    {
        public static int MaxRows => 4;

        public static bool SplitFourRows => false;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch, bool ahead, nint second)
            where T : struct, ITileShape
        {
            float* x0 = x, x1 = x + ldx, x2 = x + 2 * ldx, x3 = x + 3 * ldx;
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
            for (nint kk = 0; kk < k; kk++)
            {
                Vector256<float> b0 = Vector256.Load(w), b1 = Vector256.Load(w + 8);
                Vector256<float> a = Vector256.Create(x0[kk]);
                c00 = Vector256.MultiplyAddEstimate(a, b0, c00);
                c01 = Vector256.MultiplyAddEstimate(a, b1, c01);
                if (T.Rows > 1)
                {
                    a = Vector256.Create(x1[kk]);
                    c10 = Vector256.MultiplyAddEstimate(a, b0, c10);
                    c11 = Vector256.MultiplyAddEstimate(a, b1, c11);
                }
                if (T.Rows > 2)
                {
                    a = Vector256.Create(x2[kk]);
                    c20 = Vector256.MultiplyAddEstimate(a, b0, c20);
                    c21 = Vector256.MultiplyAddEstimate(a, b1, c21);
                }
                if (T.Rows > 3)
                {
                    a = Vector256.Create(x3[kk]);
                    c30 = Vector256.MultiplyAddEstimate(a, b0, c30);
                    c31 = Vector256.MultiplyAddEstimate(a, b1, c31);
                }
                w += PackLayout.PanelWidth;
            }
            Epilogue.Store(c00, c01, bias, y, accumulate, cols);
            if (T.Rows > 1) Epilogue.Store(c10, c11, bias, y + ldy, accumulate, cols);
            if (T.Rows > 2) Epilogue.Store(c20, c21, bias, y + 2 * ldy, accumulate, cols);
            if (T.Rows > 3) Epilogue.Store(c30, c31, bias, y + 3 * ldy, accumulate, cols);
        }
    }

    /// <summary>Up to 2 rows × 16 columns in Vector128 registers (only T.Rows is used).</summary>
    private readonly struct Portable128Step : IPanelStep
    {
        public static int MaxRows => 2;

        public static bool SplitFourRows => false;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<T>(float* x, nint ldx, float* w, int k, float* bias, float* y, nint ldy, int cols, bool accumulate, nint prefetch, bool ahead, nint second)
            where T : struct, ITileShape
        {
            float* x0 = x, x1 = x + ldx;
            Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default;
            for (nint kk = 0; kk < k; kk++)
            {
                Vector128<float> a0 = Vector128.Create(x0[kk]);
                Vector128<float> a1 = T.Rows > 1 ? Vector128.Create(x1[kk]) : default;
                Vector128<float> b = Vector128.Load(w);
                c00 = Vector128.MultiplyAddEstimate(a0, b, c00);
                if (T.Rows > 1) c10 = Vector128.MultiplyAddEstimate(a1, b, c10);
                b = Vector128.Load(w + 4);
                c01 = Vector128.MultiplyAddEstimate(a0, b, c01);
                if (T.Rows > 1) c11 = Vector128.MultiplyAddEstimate(a1, b, c11);
                b = Vector128.Load(w + 8);
                c02 = Vector128.MultiplyAddEstimate(a0, b, c02);
                if (T.Rows > 1) c12 = Vector128.MultiplyAddEstimate(a1, b, c12);
                b = Vector128.Load(w + 12);
                c03 = Vector128.MultiplyAddEstimate(a0, b, c03);
                if (T.Rows > 1) c13 = Vector128.MultiplyAddEstimate(a1, b, c13);
                w += PackLayout.PanelWidth;
            }
            Epilogue.Store(c00, c01, c02, c03, bias, y, accumulate, cols);
            if (T.Rows > 1) Epilogue.Store(c10, c11, c12, c13, bias, y + ldy, accumulate, cols);
        }
    }
}
