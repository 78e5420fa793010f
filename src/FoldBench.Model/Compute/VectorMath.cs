using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FoldBench.Model.Compute;

/// <summary>
/// The element-wise work around the projections (activations, LayerNorm), written once over
/// <see cref="Vector{T}"/> so that it runs as AVX2 on x86-64 and NEON on ARM64, with a scalar
/// loop for tails and for machines without vector hardware. Projections are not here: they go
/// through FoldBench.Kernels.
/// </summary>
internal static class VectorMath
{
    private static readonly bool UseVectors = Vector.IsHardwareAccelerated;

    // Abramowitz & Stegun 7.1.26: erf to 1.5e-7 absolute, below float resolution of GELU's output.
    private const float ErfP = 0.3275911f, ErfA1 = 0.254829592f, ErfA2 = -0.284496736f, ErfA3 = 1.421413741f,
        ErfA4 = -1.453152027f, ErfA5 = 1.061405429f;
    private const float InvSqrt2 = 0.70710678118654752f;

    /// <summary>
    /// Exact (erf-based) GELU in place, x·Φ(x) = ½·x·(1 + erf(x/√2)), as PyTorch's
    /// <c>nn.GELU()</c> default that torchaudio's Emformer uses (not the tanh approximation).
    /// </summary>
    public static void Gelu(Span<float> x)
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (UseVectors && n >= Vector<float>.Count)
        {
            var one = Vector<float>.One;
            var half = new Vector<float>(0.5f);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = Vector.LoadUnsafe(ref px, (nuint)i);
                var z = Vector.Abs(v) * new Vector<float>(InvSqrt2);
                var t = one / (one + new Vector<float>(ErfP) * z);
                var poly = Vector.MultiplyAddEstimate(new Vector<float>(ErfA5), t, new Vector<float>(ErfA4));
                poly = Vector.MultiplyAddEstimate(poly, t, new Vector<float>(ErfA3));
                poly = Vector.MultiplyAddEstimate(poly, t, new Vector<float>(ErfA2));
                poly = Vector.MultiplyAddEstimate(poly, t, new Vector<float>(ErfA1));
                var erfAbs = one - poly * t * Vector.Exp(-(z * z));
                var erf = Vector.ConditionalSelect(Vector.LessThan(v, Vector<float>.Zero), -erfAbs, erfAbs);
                (half * v * (one + erf)).StoreUnsafe(ref px, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            ref float v = ref Unsafe.Add(ref px, i);
            v = 0.5f * v * (1f + Erf(v * InvSqrt2));
        }
    }

    /// <summary>The FFN activation <paramref name="activation"/>, in place.</summary>
    public static void Activate(Activation activation, Span<float> x)
    {
        switch (activation)
        {
            case Activation.Gelu: Gelu(x); break;
            case Activation.Relu: Relu(x); break;
            case Activation.Silu: Silu(x); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    /// <summary>max(x, 0) in place, as <c>torch.nn.ReLU()</c>.</summary>
    public static void Relu(Span<float> x)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        if (UseVectors && n >= Vector<float>.Count)
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                Vector.Max(Vector.LoadUnsafe(ref px, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref px, (nuint)i);
        for (; i < n; i++)
        {
            ref float v = ref Unsafe.Add(ref px, i);
            if (v < 0f) v = 0f;   // NaN stays NaN, as in torch
        }
    }

    /// <summary>SiLU in place, x·σ(x) = x / (1 + e^(−x)), as <c>torch.nn.SiLU()</c>.</summary>
    public static void Silu(Span<float> x)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        if (UseVectors && n >= Vector<float>.Count)
        {
            // e^(−x) overflows to +∞ below x ≈ −88.7 and x/∞ = −0, the right limit; no clamp needed.
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = Vector.LoadUnsafe(ref px, (nuint)i);
                (v / (Vector<float>.One + Vector.Exp(-v))).StoreUnsafe(ref px, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            ref float v = ref Unsafe.Add(ref px, i);
            v /= 1f + MathF.Exp(-v);
        }
    }

    public static float Erf(float x)
    {
        float z = MathF.Abs(x);
        float t = 1f / (1f + ErfP * z);
        float poly = ((((ErfA5 * t + ErfA4) * t + ErfA3) * t + ErfA2) * t + ErfA1) * t;
        float y = 1f - poly * MathF.Exp(-z * z);
        return x < 0 ? -y : y;
    }

    /// <summary>
    /// LayerNorm over each of <paramref name="rows"/> rows of <paramref name="width"/> values
    /// (biased variance, as PyTorch). <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    public static void LayerNorm(ReadOnlySpan<float> x, Span<float> y, int rows, int width,
        ReadOnlySpan<float> gain, ReadOnlySpan<float> shift, float epsilon)
    {
        // The two sums: TensorPrimitives from D = 256, the Vector<T> loops below that. Five rows of LayerNorm
        // (2026-12-02, AMD EPYC Zen 5, 2-core VM, .NET 10, one sitting): D = 144 hand 241 ns, TensorPrimitives
        // 316 ns; D = 256 455 → 425 ns; D = 512 930 → 666 ns (its Vector512 path against Vector<T>'s 256 bits).
        // The normalising pass stays one fused hand-written loop: as three TensorPrimitives calls
        // (subtract, multiply, multiply-add) the whole LayerNorm took 392 / 535 / 731 ns.
        bool library = width >= TensorPrimitivesFromWidth;
        Span<float> centred = library ? (width <= 1024 ? stackalloc float[width] : new float[width]) : default;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * width, width);
            var yr = y.Slice(r * width, width);
            float mean, variance;
            if (library)
            {
                mean = TensorPrimitives.Sum(xr) / width;
                TensorPrimitives.Subtract(xr, mean, centred);
                variance = TensorPrimitives.SumOfSquares(centred) / width;
            }
            else
            {
                mean = Sum(xr) / width;
                variance = SumSquaredDeviation(xr, mean) / width;
            }
            float inv = 1f / MathF.Sqrt(variance + epsilon);
            Normalize(xr, yr, mean, inv, gain, shift);
        }
    }

    /// <summary>The width from which <see cref="LayerNorm"/> sums with TensorPrimitives (measured above).</summary>
    internal const int TensorPrimitivesFromWidth = 256;

    private static float Sum(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        float sum = 0f;
        if (UseVectors && n >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count) acc += Vector.LoadUnsafe(ref px, (nuint)i);
            sum = Vector.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref px, i);
        return sum;
    }

    private static float SumSquaredDeviation(ReadOnlySpan<float> x, float mean)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        float sum = 0f;
        if (UseVectors && n >= Vector<float>.Count)
        {
            var vm = new Vector<float>(mean);
            var acc = Vector<float>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var d = Vector.LoadUnsafe(ref px, (nuint)i) - vm;
                acc = Vector.MultiplyAddEstimate(d, d, acc);
            }
            sum = Vector.Sum(acc);
        }
        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref px, i) - mean;
            sum += d * d;
        }
        return sum;
    }

    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, float mean, float inv,
        ReadOnlySpan<float> gain, ReadOnlySpan<float> shift)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pg = ref MemoryMarshal.GetReference(gain);
        ref float ps = ref MemoryMarshal.GetReference(shift);
        if (UseVectors && n >= Vector<float>.Count)
        {
            var vm = new Vector<float>(mean);
            var vi = new Vector<float>(inv);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = (Vector.LoadUnsafe(ref px, (nuint)i) - vm) * vi;
                Vector.MultiplyAddEstimate(v, Vector.LoadUnsafe(ref pg, (nuint)i), Vector.LoadUnsafe(ref ps, (nuint)i))
                    .StoreUnsafe(ref py, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref py, i) = (Unsafe.Add(ref px, i) - mean) * inv * Unsafe.Add(ref pg, i) + Unsafe.Add(ref ps, i);
    }
}
