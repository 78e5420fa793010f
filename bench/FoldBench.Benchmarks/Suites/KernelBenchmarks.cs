using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Diagnostics;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// One linear projection Y[M×N] = X[M×K]·Wᵀ + b per operation (K = N), per kernel path, in two
/// weight regimes: "cache" (one weight set, stays cache-resident) and "streamed" (a rotation of
/// weight sets larger than the last-level cache, so weights come from memory as on a phone).
/// At int8 (<see cref="Precision"/>) the same shape runs the path's int8 counterpart over int8 weight sets.
/// The parameters are set per case from the sweep's settings (see <see cref="SuiteCases"/>).
/// </summary>
public class KernelBenchmarks
{
    public string Path { get; set; } = "scalar";
    public int M { get; set; } = 1;
    public int KN { get; set; } = 16;
    public string Regime { get; set; } = RegimeNames.Cache;
    /// <summary>"fp32" or "int8": at int8 the case runs its path's int8 counterpart (<see cref="Precisions.Int8Counterpart"/>).</summary>
    public string Precision { get; set; } = Kernels.Precision.Fp32.Name();

    /// <summary>
    /// Bytes the streamed regime's rotating weight sets must exceed: the calibration's memory buffer, 4× the last-level
    /// cache and at least 256 MiB. Twice the LLC was not enough: on the Zen 5 VM (LLC unknown, 16 MiB assumed) part of a
    /// 32 MiB rotation still hit its 32 MiB L3 and read above the memory roof.
    /// </summary>
    public static long StreamedWorkingSetBytes => CacheInfo.MemoryBuffer(CacheInfo.LastLevelCacheBytes());

    private PackedWeights[] _sets = [];
    private QuantizedWeights[] _int8Sets = [];
    private QuantizedScratch? _scratch;
    private float[] _x = [], _y = [];
    private int _next;
    private SlowdownWork? _slowdown; // the regression gate's test-only extra work, null unless asked for

    [GlobalSetup]
    public void Setup()
    {
        var path = KernelPaths.Parse(Path);
        var rng = new Random(1234);
        float[] w = Inputs.Uniform(rng, KN * KN), bias = Inputs.Uniform(rng, KN);
        _x = Inputs.Uniform(rng, M * KN);
        _y = new float[M * KN];
        var precision = Precisions.Parse(Precision);
        // int8 sets are a quarter of the bytes: the streamed regime rotates four times as many to exceed the same working set.
        long setBytes = SetBytes(KN, precision);
        int count = Regime == RegimeNames.Streamed ? StreamedSetCount(setBytes, StreamedWorkingSetBytes) : 1;
        _sets = [];
        _int8Sets = [];
        _scratch = null;
        if (precision == Kernels.Precision.Int8)
        {
            var q = Precisions.Int8Counterpart(path) ?? throw new ArgumentException($"path '{path.Name()}' has no int8 counterpart");
            _int8Sets = new QuantizedWeights[count];
            for (int i = 0; i < count; i++)
            {
                if (i > 0) w[i % w.Length] += 1e-3f;
                _int8Sets[i] = QuantizedWeights.Pack(w, KN, KN, bias, q);
                // As for fp32 below: the rotation exceeds the last-level cache, and the kernel is told so.
                if (count > 1) _int8Sets[i].Residency = WeightResidency.Memory;
            }
            // Made once here: a call quantizes X into it and allocates nothing.
            _scratch = QuantizedScratch.For(_int8Sets[0], M);
        }
        else
        {
            _sets = new PackedWeights[count];
            for (int i = 0; i < count; i++)
            {
                // Distinct contents per set so no two sets share cache lines or pages.
                if (i > 0) w[i % w.Length] += 1e-3f;
                _sets[i] = PackedWeights.Pack(w, KN, KN, bias, path);
                // The rotation exceeds the last-level cache, and the kernel is told so, as a model whose layers exceed it
                // tells it (WeightResidency: single-block tiles then prefetch their own panels; int8 multi-block tiles
                // then prefetch the next panel from every block).
                if (count > 1) _sets[i].Residency = WeightResidency.Memory;
            }
        }
        _slowdown = SlowdownSwitch.For(_x, M, w, KN, KN, path);
        _next = 0;
    }

    [Benchmark]
    public void Project()
    {
        int i = _next;
        if (_scratch is { } scratch)
        {
            _next = i + 1 == _int8Sets.Length ? 0 : i + 1;
            QuantizedLinear.Project(_x, M, _int8Sets[i], _y, scratch);
        }
        else
        {
            _next = i + 1 == _sets.Length ? 0 : i + 1;
            Linear.Project(_x, M, _sets[i], _y);
        }
        _slowdown?.Run();
    }

    /// <summary>Bytes of one K×N weight set in a precision, as the streamed regime counts them: the weights alone (4 or 1 byte each).</summary>
    public static long SetBytes(int kn, Precision precision) => (long)kn * kn * precision.WeightBytes();

    /// <summary>
    /// Enough weight sets to exceed the target working set, capped so tiny shapes don't create
    /// millions of objects (a shape that small cannot leave the cache in any meaningful way).
    /// </summary>
    public static int StreamedSetCount(long setBytes, long targetBytes) => (int)Math.Clamp((targetBytes + setBytes - 1) / setBytes, 2, 65536);
}
