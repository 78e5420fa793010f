using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// This machine's roofs, measured once per run on one core: the FMA throughput peak and the
/// streaming-read bandwidth (from memory, and from a last-level-cache-resident buffer). Every
/// kernel result is then reported as % of these, not just as GFLOP/s.
/// </summary>
public class CalibrationBenchmarks
{
    /// <summary>FMA loop trips per invocation; 12 chains × lanes × 2 FLOP each.</summary>
    public const int FmaTrips = 1 << 18;

    private float[] _memory = [];
    private float[] _cache = [];
    private float _sink;

    public static int FmaLanes => Fma.IsSupported ? 8 : 4;

    /// <summary>FLOPs one <see cref="FmaPeak"/> call performs.</summary>
    public static long FmaFlopsPerInvoke => (long)FmaTrips * 12 * FmaLanes * 2;

    public static long MemoryBytes => Math.Max(256L << 20, 4 * CacheInfo.LastLevelCacheBytes());

    /// <summary>
    /// Cache-resident buffer: 1 MiB, the size of the kernel suite's cache-resident weights
    /// (512×512 fp32) and of a folded layer's projections, read 64 times per call. Sized like the
    /// kernels' working set so "% bandwidth" compares reads from the same cache level: a 4 MiB
    /// buffer spills a 2 MiB L2 and measured L3, which put L2-resident kernels at 300%.
    /// </summary>
    public const long CacheBytes = 1L << 20;
    public const int CachePasses = 64;

    [GlobalSetup]
    public void Setup()
    {
        _memory = GC.AllocateUninitializedArray<float>((int)(MemoryBytes / sizeof(float)), pinned: true);
        _cache = GC.AllocateUninitializedArray<float>((int)(CacheBytes / sizeof(float)), pinned: true);
        // Touch every page so the measurement reads memory, not page faults.
        _memory.AsSpan().Fill(1f);
        _cache.AsSpan().Fill(1f);
    }

    [Benchmark(OperationsPerInvoke = 1)]
    public float FmaPeak() => _sink = FmaLoop(FmaTrips);

    [Benchmark]
    public float MemoryRead() => _sink = ReadSum(_memory);

    [Benchmark]
    public float CacheRead()
    {
        float s = 0;
        for (int i = 0; i < CachePasses; i++) s += ReadSum(_cache);
        return _sink = s;
    }

    /// <summary>12 independent FMA chains: more than latency × pipes (4 × 2 on Zen 3) so the pipes stay full.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float FmaLoop(int trips)
    {
        if (Fma.IsSupported)
        {
            var a = Vector256.Create(0.999f);
            var b = Vector256.Create(1e-7f);
            Vector256<float> c0 = Vector256.Create(1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
                c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
            for (int i = 0; i < trips; i++)
            {
                c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b); c2 = Fma.MultiplyAdd(c2, a, b);
                c3 = Fma.MultiplyAdd(c3, a, b); c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
                c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b); c8 = Fma.MultiplyAdd(c8, a, b);
                c9 = Fma.MultiplyAdd(c9, a, b); c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
            }
            var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
            return Vector256.Sum(s);
        }
        if (AdvSimd.IsSupported)
        {
            var a = Vector128.Create(0.999f);
            var b = Vector128.Create(1e-7f);
            Vector128<float> c0 = Vector128.Create(1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
                c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
            for (int i = 0; i < trips; i++)
            {
                c0 = AdvSimd.FusedMultiplyAdd(b, c0, a); c1 = AdvSimd.FusedMultiplyAdd(b, c1, a); c2 = AdvSimd.FusedMultiplyAdd(b, c2, a);
                c3 = AdvSimd.FusedMultiplyAdd(b, c3, a); c4 = AdvSimd.FusedMultiplyAdd(b, c4, a); c5 = AdvSimd.FusedMultiplyAdd(b, c5, a);
                c6 = AdvSimd.FusedMultiplyAdd(b, c6, a); c7 = AdvSimd.FusedMultiplyAdd(b, c7, a); c8 = AdvSimd.FusedMultiplyAdd(b, c8, a);
                c9 = AdvSimd.FusedMultiplyAdd(b, c9, a); c10 = AdvSimd.FusedMultiplyAdd(b, c10, a); c11 = AdvSimd.FusedMultiplyAdd(b, c11, a);
            }
            var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
            return Vector128.Sum(s);
        }
        {
            // No FMA instruction: multiply and add, still 2 FLOP per lane.
            var a = Vector128.Create(0.999f);
            var b = Vector128.Create(1e-7f);
            Vector128<float> c0 = Vector128.Create(1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
                c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
            for (int i = 0; i < trips; i++)
            {
                c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b; c4 = c4 * a + b; c5 = c5 * a + b;
                c6 = c6 * a + b; c7 = c7 * a + b; c8 = c8 * a + b; c9 = c9 * a + b; c10 = c10 * a + b; c11 = c11 * a + b;
            }
            var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
            return Vector128.Sum(s);
        }
    }

    /// <summary>
    /// Streaming read of four interleaved quarters with 16 independent accumulators. Four streams
    /// keep more hardware prefetches in flight than one (memory: 16.5 against 14.5 GB/s on the
    /// development VM), and 16 accumulators of 4 loads per stream per trip keep loop overhead and
    /// add latency off the load path (cache: 85 against 79 GB/s with 8 accumulators).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float ReadSum(float[] data)
    {
        ref float r = ref MemoryMarshal.GetArrayDataReference(data);
        nuint q = (nuint)data.Length / 4;
        ref float a = ref r, b = ref Unsafe.Add(ref r, q), c = ref Unsafe.Add(ref r, 2 * q), d = ref Unsafe.Add(ref r, 3 * q);
        float t;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default, d2 = default, d3 = default;
            for (; i + 32 <= q; i += 32)
            {
                a0 += Vector256.LoadUnsafe(ref a, i); a1 += Vector256.LoadUnsafe(ref a, i + 8);
                a2 += Vector256.LoadUnsafe(ref a, i + 16); a3 += Vector256.LoadUnsafe(ref a, i + 24);
                b0 += Vector256.LoadUnsafe(ref b, i); b1 += Vector256.LoadUnsafe(ref b, i + 8);
                b2 += Vector256.LoadUnsafe(ref b, i + 16); b3 += Vector256.LoadUnsafe(ref b, i + 24);
                c0 += Vector256.LoadUnsafe(ref c, i); c1 += Vector256.LoadUnsafe(ref c, i + 8);
                c2 += Vector256.LoadUnsafe(ref c, i + 16); c3 += Vector256.LoadUnsafe(ref c, i + 24);
                d0 += Vector256.LoadUnsafe(ref d, i); d1 += Vector256.LoadUnsafe(ref d, i + 8);
                d2 += Vector256.LoadUnsafe(ref d, i + 16); d3 += Vector256.LoadUnsafe(ref d, i + 24);
            }
            t = Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((b0 + b1) + (b2 + b3)) + ((c0 + c1) + (c2 + c3)) + ((d0 + d1) + (d2 + d3)));
        }
        else
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default, d2 = default, d3 = default;
            for (; i + 16 <= q; i += 16)
            {
                a0 += Vector128.LoadUnsafe(ref a, i); a1 += Vector128.LoadUnsafe(ref a, i + 4);
                a2 += Vector128.LoadUnsafe(ref a, i + 8); a3 += Vector128.LoadUnsafe(ref a, i + 12);
                b0 += Vector128.LoadUnsafe(ref b, i); b1 += Vector128.LoadUnsafe(ref b, i + 4);
                b2 += Vector128.LoadUnsafe(ref b, i + 8); b3 += Vector128.LoadUnsafe(ref b, i + 12);
                c0 += Vector128.LoadUnsafe(ref c, i); c1 += Vector128.LoadUnsafe(ref c, i + 4);
                c2 += Vector128.LoadUnsafe(ref c, i + 8); c3 += Vector128.LoadUnsafe(ref c, i + 12);
                d0 += Vector128.LoadUnsafe(ref d, i); d1 += Vector128.LoadUnsafe(ref d, i + 4);
                d2 += Vector128.LoadUnsafe(ref d, i + 8); d3 += Vector128.LoadUnsafe(ref d, i + 12);
            }
            t = Vector128.Sum(((a0 + a1) + (a2 + a3)) + ((b0 + b1) + (b2 + b3)) + ((c0 + c1) + (c2 + c3)) + ((d0 + d1) + (d2 + d3)));
        }
        // Tails: what the four quarters' trips left over, then the last (length mod 4) elements.
        for (nuint j = i; j < q; j++) t += Unsafe.Add(ref a, j) + Unsafe.Add(ref b, j) + Unsafe.Add(ref c, j) + Unsafe.Add(ref d, j);
        for (nuint j = 4 * q; j < (nuint)data.Length; j++) t += Unsafe.Add(ref r, j);
        return t;
    }
}
