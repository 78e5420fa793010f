using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// This machine's roofs, measured on one core: the FMA throughput peak of every vector width the CPU has
/// (scalar, 128, 256 and 512 bits on x64; scalar and 128 on arm64) and the read bandwidth of every memory
/// level (each cache level from the CPU's cache description, then memory). Every kernel result is then
/// reported as % of these, not just as GFLOP/s. One case per roof: <see cref="Fma"/> with <see cref="Width"/>,
/// <see cref="Read"/> with <see cref="BufferBytes"/> and <see cref="Passes"/>; the sweep sets them per case.
/// </summary>
public class CalibrationBenchmarks
{
    /// <summary>FMA loop trips per invocation.</summary>
    public const int FmaTrips = 1 << 18;

    /// <summary>Bytes one <see cref="Read"/> call reads at least: small buffers are read in several passes.</summary>
    public const long BytesPerRead = 16L << 20;

    /// <summary>"scalar", "128", "256" or "512" (for <see cref="Fma"/>).</summary>
    public string Width { get; set; } = "scalar";

    /// <summary>Buffer read by <see cref="Read"/>, bytes (0 for the FMA cases).</summary>
    public long BufferBytes { get; set; }

    /// <summary>
    /// Reads start on a 64-byte boundary, as the kernels' packed weights do: a 64-byte load that straddles two
    /// cache lines costs two, and the unaligned buffer read 220 instead of 445 GB/s from L1 and 28 instead of 43 GB/s
    /// from memory on the Zen 5 VM, roofs the aligned kernels then exceeded.
    /// </summary>
    public const int Alignment = 64;

    /// <summary>An int8 path ("int8-avxvnni", "int8-avx2", "int8-neondot", "int8-neon") for <see cref="Int8"/>; empty otherwise.</summary>
    public string Int8Path { get; set; } = "";

    /// <summary>Loop trips of one <see cref="Int8"/> call.</summary>
    public const int Int8Trips = 1 << 16;

    /// <summary>Bytes of the L1-resident operands the int8 sequences load from: 16 groups of 64 weight bytes, 16 × 4 rows of 4 activation bytes.</summary>
    private const int Int8WeightBytes = 16 * 64, Int8ActivationBytes = 16 * 4 * 4;

    private byte[] _int8 = [];
    private float[] _buffer = [];
    private int _offset;
    private float _sink;

    /// <summary>The widths this CPU and runtime compute with, narrowest first.</summary>
    public static IReadOnlyList<string> Widths()
    {
        var w = new List<string> { "scalar" };
        if (Vector128.IsHardwareAccelerated) w.Add("128");
        if (Vector256.IsHardwareAccelerated) w.Add("256");
        if (Vector512.IsHardwareAccelerated || Avx512F.IsSupported) w.Add("512");
        return w;
    }

    /// <summary>Independent chains per width: more than FMA latency × pipes (4 × 2 on Zen 3–5, 4 × 4 on Neoverse V2).</summary>
    public static int Chains(string width) => width switch { "scalar" or "128" or "256" => 12, "512" => 16, _ => throw new ArgumentException(width) };

    public static int Lanes(string width) => width switch { "scalar" => 1, "128" => 4, "256" => 8, "512" => 16, _ => throw new ArgumentException(width) };

    /// <summary>FLOPs one <see cref="Fma"/> call performs at a width: trips × chains × lanes × 2.</summary>
    public static long FmaFlopsPerInvoke(string width) => (long)FmaTrips * Chains(width) * Lanes(width) * 2;

    /// <summary>Passes over a buffer per <see cref="Read"/> call.</summary>
    public static int Passes(long bufferBytes) => (int)Math.Max(1, BytesPerRead / Math.Max(1, bufferBytes));

    /// <summary>Bytes one <see cref="Read"/> call reads.</summary>
    public static long BytesPerInvoke(long bufferBytes) => bufferBytes / sizeof(float) * sizeof(float) * Passes(bufferBytes);

    /// <summary>
    /// The int8 paths whose instruction peak this CPU can measure, fastest instruction first: <c>int8-avxvnni</c>
    /// (vpdpbusd), <c>int8-avx2</c> (vpsignb, vpmaddubsw, vpmaddwd, vpaddd), <c>int8-neondot</c> (sdot), <c>int8-neon</c>
    /// (smull, smull2, sadalp). The scalar int8 path has no vector instruction to measure.
    /// </summary>
    public static IReadOnlyList<string> Int8Paths() =>
        [.. new[] { QuantizedPath.AvxVnni, QuantizedPath.Avx2, QuantizedPath.NeonDot, QuantizedPath.Neon }.Where(QuantizedPaths.IsSupported).Select(QuantizedPaths.Name)];

    /// <summary>Multiply-accumulates one trip of a path's loop performs (each counts as 2 operations).</summary>
    public static int Int8MacsPerTrip(string path) => path switch
    {
        "int8-avxvnni" => Int8Chains * 32,     // 12 vpdpbusd on 32 u8×s8 pairs each
        "int8-avx2" => 4 * 2 * 32,             // 4 rows × 2 weight vectors × 32 pairs, as the kernel's 4-row tile
        "int8-neondot" => Int8Chains * 16,     // 12 sdot on 16 s8×s8 pairs each
        "int8-neon" => 3 * 4 * 16,             // 3 rows × 4 weight vectors × 16 pairs, as the kernel's 3-row tile
        _ => throw new ArgumentException($"no int8 calibration for '{path}'"),
    };

    /// <summary>Independent accumulator chains of the dot-product instructions: more than latency × pipes (4–5 × 2).</summary>
    public const int Int8Chains = 12;

    /// <summary>Integer operations one <see cref="Int8"/> call performs: trips × multiply-accumulates × 2.</summary>
    public static long Int8OpsPerInvoke(string path) => (long)Int8Trips * Int8MacsPerTrip(path) * 2;

    [GlobalSetup]
    public void Setup()
    {
        if (Int8Path.Length > 0)
        {
            // All ones: no chain overflows int32 (nor the avx2 int16 pairs) over a call, and the sum a call returns is the
            // number of multiply-accumulates it performed, which the tests hold against Int8MacsPerTrip. The values do not
            // change these instructions' throughput.
            _int8 = GC.AllocateArray<byte>(Int8WeightBytes + Int8ActivationBytes + Alignment, pinned: true);
            _int8.AsSpan().Fill(1);
        }
        if (BufferBytes <= 0) return;
        _buffer = GC.AllocateUninitializedArray<float>((int)(BufferBytes / sizeof(float)) + Alignment / sizeof(float), pinned: true);
        // Touch every page so the measurement reads memory, not page faults.
        _buffer.AsSpan().Fill(1f);
        _offset = AlignedOffset(_buffer);
    }

    [Benchmark]
    public float Fma() => _sink = Width switch
    {
        "scalar" => FmaScalar(FmaTrips),
        "128" => Fma128(FmaTrips),
        "256" => Fma256(FmaTrips),
        "512" => Fma512(FmaTrips),
        _ => throw new ArgumentException($"unknown width '{Width}'"),
    };

    /// <summary>
    /// The peak of an int8 path's multiply-accumulate instructions on one core. vpdpbusd and sdot: <see cref="Int8Chains"/>
    /// independent chains on register operands. avx2 and neon need several instructions per product, so their loop is the
    /// kernel's tile without its epilogue: weights and activations loaded from an L1-resident buffer (loads the JIT cannot
    /// hoist), the kernel's instruction sequence on them.
    /// </summary>
    [Benchmark]
    public unsafe long Int8()
    {
        fixed (byte* p = _int8)
        {
            byte* w = p + (Alignment - (nint)p % Alignment) % Alignment, x = w + Int8WeightBytes;
            return Int8Path switch
            {
                "int8-avxvnni" => Int8Kernels.Vnni(Int8Trips),
                "int8-avx2" => Int8Kernels.Avx2Sequence(Int8Trips, (sbyte*)w, x),
                "int8-neondot" => Int8Kernels.Sdot(Int8Trips),
                "int8-neon" => Int8Kernels.NeonSequence(Int8Trips, (sbyte*)w, x),
                _ => throw new ArgumentException($"unknown int8 calibration path '{Int8Path}'"),
            };
        }
    }

    [Benchmark]
    public float Read()
    {
        float s = 0;
        var data = _buffer.AsSpan(_offset, (int)(BufferBytes / sizeof(float)));
        for (int i = Passes(BufferBytes); i > 0; i--) s += ReadSum(data);
        return _sink = s;
    }

    /// <summary>Elements to skip so that a pinned array's data starts on an <see cref="Alignment"/>-byte boundary.</summary>
    public static unsafe int AlignedOffset(float[] pinned)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((Alignment - address % Alignment) % Alignment) / sizeof(float);
    }

    /// <summary>12 scalar chains (vfmadd…ss / fmadd where FMA exists, else multiply and add: still 2 FLOP).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float FmaScalar(int trips)
    {
        float a = 0.999f, b = 1e-7f;
        float c0 = 1f, c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b, c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (int i = 0; i < trips; i++)
        {
            c0 = float.MultiplyAddEstimate(c0, a, b); c1 = float.MultiplyAddEstimate(c1, a, b); c2 = float.MultiplyAddEstimate(c2, a, b); c3 = float.MultiplyAddEstimate(c3, a, b); c4 = float.MultiplyAddEstimate(c4, a, b); c5 = float.MultiplyAddEstimate(c5, a, b); c6 = float.MultiplyAddEstimate(c6, a, b); c7 = float.MultiplyAddEstimate(c7, a, b); c8 = float.MultiplyAddEstimate(c8, a, b); c9 = float.MultiplyAddEstimate(c9, a, b); c10 = float.MultiplyAddEstimate(c10, a, b); c11 = float.MultiplyAddEstimate(c11, a, b);
        }
        return (((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))) + ((c8 + c9) + (c10 + c11));
    }

    /// <summary>12 chains of 4 lanes (FMA where the CPU has it, else multiply and add).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float Fma128(int trips)
    {
        var a = Vector128.Create(0.999f);
        var b = Vector128.Create(1e-7f);
        Vector128<float> c0 = Vector128.Create(1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b, c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (int i = 0; i < trips; i++)
        {
            c0 = Vector128.MultiplyAddEstimate(c0, a, b); c1 = Vector128.MultiplyAddEstimate(c1, a, b); c2 = Vector128.MultiplyAddEstimate(c2, a, b); c3 = Vector128.MultiplyAddEstimate(c3, a, b); c4 = Vector128.MultiplyAddEstimate(c4, a, b); c5 = Vector128.MultiplyAddEstimate(c5, a, b); c6 = Vector128.MultiplyAddEstimate(c6, a, b); c7 = Vector128.MultiplyAddEstimate(c7, a, b); c8 = Vector128.MultiplyAddEstimate(c8, a, b); c9 = Vector128.MultiplyAddEstimate(c9, a, b); c10 = Vector128.MultiplyAddEstimate(c10, a, b); c11 = Vector128.MultiplyAddEstimate(c11, a, b);
        }
        return Vector128.Sum(((((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))) + ((c8 + c9) + (c10 + c11))));
    }

    /// <summary>12 chains of 8 lanes: fits 16 ymm registers with the two operands.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float Fma256(int trips)
    {
        var a = Vector256.Create(0.999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b, c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (int i = 0; i < trips; i++)
        {
            c0 = Vector256.MultiplyAddEstimate(c0, a, b); c1 = Vector256.MultiplyAddEstimate(c1, a, b); c2 = Vector256.MultiplyAddEstimate(c2, a, b); c3 = Vector256.MultiplyAddEstimate(c3, a, b); c4 = Vector256.MultiplyAddEstimate(c4, a, b); c5 = Vector256.MultiplyAddEstimate(c5, a, b); c6 = Vector256.MultiplyAddEstimate(c6, a, b); c7 = Vector256.MultiplyAddEstimate(c7, a, b); c8 = Vector256.MultiplyAddEstimate(c8, a, b); c9 = Vector256.MultiplyAddEstimate(c9, a, b); c10 = Vector256.MultiplyAddEstimate(c10, a, b); c11 = Vector256.MultiplyAddEstimate(c11, a, b);
        }
        return Vector256.Sum(((((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))) + ((c8 + c9) + (c10 + c11))));
    }

    /// <summary>16 chains of 16 lanes: 32 zmm registers hold them and the two operands.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float Fma512(int trips)
    {
        var a = Vector512.Create(0.999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b, c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b, c12 = c11 + b, c13 = c12 + b, c14 = c13 + b, c15 = c14 + b;
        for (int i = 0; i < trips; i++)
        {
            c0 = Vector512.MultiplyAddEstimate(c0, a, b); c1 = Vector512.MultiplyAddEstimate(c1, a, b); c2 = Vector512.MultiplyAddEstimate(c2, a, b); c3 = Vector512.MultiplyAddEstimate(c3, a, b); c4 = Vector512.MultiplyAddEstimate(c4, a, b); c5 = Vector512.MultiplyAddEstimate(c5, a, b); c6 = Vector512.MultiplyAddEstimate(c6, a, b); c7 = Vector512.MultiplyAddEstimate(c7, a, b); c8 = Vector512.MultiplyAddEstimate(c8, a, b); c9 = Vector512.MultiplyAddEstimate(c9, a, b); c10 = Vector512.MultiplyAddEstimate(c10, a, b); c11 = Vector512.MultiplyAddEstimate(c11, a, b); c12 = Vector512.MultiplyAddEstimate(c12, a, b); c13 = Vector512.MultiplyAddEstimate(c13, a, b); c14 = Vector512.MultiplyAddEstimate(c14, a, b); c15 = Vector512.MultiplyAddEstimate(c15, a, b);
        }
        return Vector512.Sum(((((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))) + (((c8 + c9) + (c10 + c11)) + ((c12 + c13) + (c14 + c15)))));
    }

    /// <summary>
    /// Streaming read of four interleaved quarters with 16 independent accumulators; each quarter starts on a
    /// 64-byte boundary when <paramref name="data"/> does (quarters are whole 16-float lines). Four streams
    /// keep more hardware prefetches in flight than one (memory: 16.5 against 14.5 GB/s on the
    /// development VM), and 16 accumulators of 4 loads per stream per trip keep loop overhead and
    /// add latency off the load path (cache: 85 against 79 GB/s with 8 accumulators).
    /// </summary>
    /// <remarks>
    /// Fully optimized at its first call, so that <see cref="Sweep.MemoryProbe"/>, which calls it outside BenchmarkDotNet's
    /// warm-up, reads memory with the same code the calibration measured.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float ReadSum(ReadOnlySpan<float> data)
    {
        ref float r = ref MemoryMarshal.GetReference(data);
        nuint q = (nuint)data.Length / 64 * 16;
        ref float a = ref r, b = ref Unsafe.Add(ref r, q), c = ref Unsafe.Add(ref r, 2 * q), d = ref Unsafe.Add(ref r, 3 * q);
        float t;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // The widest loads the core has: on a full 512-bit datapath L1 delivers twice what ymm loads reach.
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default, d2 = default, d3 = default;
            for (; i + 64 <= q; i += 64)
            {
                a0 += Vector512.LoadUnsafe(ref a, i); a1 += Vector512.LoadUnsafe(ref a, i + 16);
                a2 += Vector512.LoadUnsafe(ref a, i + 32); a3 += Vector512.LoadUnsafe(ref a, i + 48);
                b0 += Vector512.LoadUnsafe(ref b, i); b1 += Vector512.LoadUnsafe(ref b, i + 16);
                b2 += Vector512.LoadUnsafe(ref b, i + 32); b3 += Vector512.LoadUnsafe(ref b, i + 48);
                c0 += Vector512.LoadUnsafe(ref c, i); c1 += Vector512.LoadUnsafe(ref c, i + 16);
                c2 += Vector512.LoadUnsafe(ref c, i + 32); c3 += Vector512.LoadUnsafe(ref c, i + 48);
                d0 += Vector512.LoadUnsafe(ref d, i); d1 += Vector512.LoadUnsafe(ref d, i + 16);
                d2 += Vector512.LoadUnsafe(ref d, i + 32); d3 += Vector512.LoadUnsafe(ref d, i + 48);
            }
            t = Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((b0 + b1) + (b2 + b3)) + ((c0 + c1) + (c2 + c3)) + ((d0 + d1) + (d2 + d3)));
        }
        else if (Vector256.IsHardwareAccelerated)
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

/// <summary>The int8 instruction loops of <see cref="CalibrationBenchmarks.Int8"/>, one per int8 path; each returns a sum of its accumulators.</summary>
internal static unsafe class Int8Kernels
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Vnni(int trips)
    {
        if (!AvxVnni.IsSupported) throw new PlatformNotSupportedException("AVX-VNNI is not supported");
        var a = Vector256.Create((byte)1);
        var b = Vector256.Create((sbyte)1);
        Vector256<int> c0 = Vector256.Create(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < trips; i++)
        {
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, a, b); c1 = AvxVnni.MultiplyWideningAndAdd(c1, a, b); c2 = AvxVnni.MultiplyWideningAndAdd(c2, a, b);
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, a, b); c4 = AvxVnni.MultiplyWideningAndAdd(c4, a, b); c5 = AvxVnni.MultiplyWideningAndAdd(c5, a, b);
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, a, b); c7 = AvxVnni.MultiplyWideningAndAdd(c7, a, b); c8 = AvxVnni.MultiplyWideningAndAdd(c8, a, b);
            c9 = AvxVnni.MultiplyWideningAndAdd(c9, a, b); c10 = AvxVnni.MultiplyWideningAndAdd(c10, a, b); c11 = AvxVnni.MultiplyWideningAndAdd(c11, a, b);
        }
        return Vector256.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }

    /// <summary>The int8-avx2 kernel's 4-row tile: per group, 4 activation broadcasts and their |a|, 2 weight vectors, 8 × (vpsignb, vpmaddubsw, vpmaddwd, vpaddd).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Avx2Sequence(int trips, sbyte* w, byte* x)
    {
        if (!Avx2.IsSupported) throw new PlatformNotSupportedException("AVX2 is not supported");
        var ones = Vector256.Create((short)1);
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int i = 0; i < trips; i++)
        {
            int g = i & 15;
            Vector256<sbyte> w0 = Vector256.Load(w + g * 64), w1 = Vector256.Load(w + g * 64 + 32);
            byte* xg = x + g * 16;
            Vector256<sbyte> a0 = Vector256.Create(Unsafe.ReadUnaligned<int>(xg)).AsSByte(), a1 = Vector256.Create(Unsafe.ReadUnaligned<int>(xg + 4)).AsSByte();
            Vector256<sbyte> a2 = Vector256.Create(Unsafe.ReadUnaligned<int>(xg + 8)).AsSByte(), a3 = Vector256.Create(Unsafe.ReadUnaligned<int>(xg + 12)).AsSByte();
            Vector256<byte> m0 = Avx2.Abs(a0), m1 = Avx2.Abs(a1), m2 = Avx2.Abs(a2), m3 = Avx2.Abs(a3);
            c00 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m0, Avx2.Sign(w0, a0)), ones);
            c01 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m0, Avx2.Sign(w1, a0)), ones);
            c10 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m1, Avx2.Sign(w0, a1)), ones);
            c11 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m1, Avx2.Sign(w1, a1)), ones);
            c20 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m2, Avx2.Sign(w0, a2)), ones);
            c21 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m2, Avx2.Sign(w1, a2)), ones);
            c30 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m3, Avx2.Sign(w0, a3)), ones);
            c31 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(m3, Avx2.Sign(w1, a3)), ones);
        }
        return Vector256.Sum(((c00 + c01) + (c10 + c11)) + ((c20 + c21) + (c30 + c31)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Sdot(int trips)
    {
        if (!(AdvSimd.Arm64.IsSupported && Dp.IsSupported)) throw new PlatformNotSupportedException("the ARM dot-product extension is not supported");
        var a = Vector128.Create((sbyte)1);
        var b = Vector128.Create((sbyte)1);
        Vector128<int> c0 = Vector128.Create(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < trips; i++)
        {
            c0 = Dp.DotProduct(c0, a, b); c1 = Dp.DotProduct(c1, a, b); c2 = Dp.DotProduct(c2, a, b); c3 = Dp.DotProduct(c3, a, b);
            c4 = Dp.DotProduct(c4, a, b); c5 = Dp.DotProduct(c5, a, b); c6 = Dp.DotProduct(c6, a, b); c7 = Dp.DotProduct(c7, a, b);
            c8 = Dp.DotProduct(c8, a, b); c9 = Dp.DotProduct(c9, a, b); c10 = Dp.DotProduct(c10, a, b); c11 = Dp.DotProduct(c11, a, b);
        }
        return Vector128.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }

    /// <summary>
    /// The int8-neon kernel's 3-row tile: per group, 3 activation quads and 4 weight vectors, 12 × (smull, smull2, 2 sadalp)
    /// into 24 accumulators, as the kernel holds them (fewer would chain the sadalps and measure their latency).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long NeonSequence(int trips, sbyte* w, byte* x)
    {
        if (!AdvSimd.Arm64.IsSupported) throw new PlatformNotSupportedException("ARM64 AdvSimd is not supported");
        Vector128<int> r00a = default, r00b = default, r01a = default, r01b = default, r02a = default, r02b = default, r03a = default, r03b = default;
        Vector128<int> r10a = default, r10b = default, r11a = default, r11b = default, r12a = default, r12b = default, r13a = default, r13b = default;
        Vector128<int> r20a = default, r20b = default, r21a = default, r21b = default, r22a = default, r22b = default, r23a = default, r23b = default;
        for (int i = 0; i < trips; i++)
        {
            int g = i & 15;
            byte* xg = x + g * 16;
            sbyte* wg = w + g * 64;
            Vector128<sbyte> a0 = Vector128.Create(Unsafe.ReadUnaligned<int>(xg)).AsSByte(), a1 = Vector128.Create(Unsafe.ReadUnaligned<int>(xg + 4)).AsSByte();
            Vector128<sbyte> a2 = Vector128.Create(Unsafe.ReadUnaligned<int>(xg + 8)).AsSByte();
            Multiply(AdvSimd.LoadVector128(wg), a0, a1, a2, ref r00a, ref r00b, ref r10a, ref r10b, ref r20a, ref r20b);
            Multiply(AdvSimd.LoadVector128(wg + 16), a0, a1, a2, ref r01a, ref r01b, ref r11a, ref r11b, ref r21a, ref r21b);
            Multiply(AdvSimd.LoadVector128(wg + 32), a0, a1, a2, ref r02a, ref r02b, ref r12a, ref r12b, ref r22a, ref r22b);
            Multiply(AdvSimd.LoadVector128(wg + 48), a0, a1, a2, ref r03a, ref r03b, ref r13a, ref r13b, ref r23a, ref r23b);
        }
        return Vector128.Sum(((r00a + r00b) + (r01a + r01b)) + ((r02a + r02b) + (r03a + r03b)) + ((r10a + r10b) + (r11a + r11b))
            + ((r12a + r12b) + (r13a + r13b)) + ((r20a + r20b) + (r21a + r21b)) + ((r22a + r22b) + (r23a + r23b)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Multiply(Vector128<sbyte> wv, Vector128<sbyte> a0, Vector128<sbyte> a1, Vector128<sbyte> a2,
        ref Vector128<int> r0a, ref Vector128<int> r0b, ref Vector128<int> r1a, ref Vector128<int> r1b, ref Vector128<int> r2a, ref Vector128<int> r2b)
    {
        Vector64<sbyte> wl = wv.GetLower();
        r0a = AdvSimd.AddPairwiseWideningAndAdd(r0a, AdvSimd.MultiplyWideningLower(wl, a0.GetLower()));
        r0b = AdvSimd.AddPairwiseWideningAndAdd(r0b, AdvSimd.MultiplyWideningUpper(wv, a0));
        r1a = AdvSimd.AddPairwiseWideningAndAdd(r1a, AdvSimd.MultiplyWideningLower(wl, a1.GetLower()));
        r1b = AdvSimd.AddPairwiseWideningAndAdd(r1b, AdvSimd.MultiplyWideningUpper(wv, a1));
        r2a = AdvSimd.AddPairwiseWideningAndAdd(r2a, AdvSimd.MultiplyWideningLower(wl, a2.GetLower()));
        r2b = AdvSimd.AddPairwiseWideningAndAdd(r2b, AdvSimd.MultiplyWideningUpper(wv, a2));
    }
}
