using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Diagnostics;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// One linear projection Y[M×N] = X[M×K]·Wᵀ + b per operation (K = N), per kernel path, in two
/// weight regimes: "cache" (one weight set, stays cache-resident) and "streamed" (a rotation of
/// weight sets larger than the last-level cache, so weights come from memory as on a phone).
/// The parameters are set per case from the sweep's settings (see <see cref="SuiteCases"/>).
/// </summary>
public class KernelBenchmarks
{
    public string Path { get; set; } = "scalar";
    public int M { get; set; } = 1;
    public int KN { get; set; } = 16;
    public string Regime { get; set; } = RegimeNames.Cache;

    /// <summary>
    /// Bytes the streamed regime's rotating weight sets must exceed: the calibration's memory buffer, 4× the last-level
    /// cache and at least 256 MiB. Twice the LLC was not enough: on the Zen 5 VM (LLC unknown, 16 MiB assumed) part of a
    /// 32 MiB rotation still hit its 32 MiB L3 and read above the memory roof.
    /// </summary>
    public static long StreamedWorkingSetBytes => CacheInfo.MemoryBuffer(CacheInfo.LastLevelCacheBytes());

    private PackedWeights[] _sets = [];
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
        long setBytes = (long)KN * KN * sizeof(float);
        int count = Regime == RegimeNames.Streamed ? StreamedSetCount(setBytes, StreamedWorkingSetBytes) : 1;
        _sets = new PackedWeights[count];
        for (int i = 0; i < count; i++)
        {
            // Distinct contents per set so no two sets share cache lines or pages.
            if (i > 0) w[i % w.Length] += 1e-3f;
            _sets[i] = PackedWeights.Pack(w, KN, KN, bias, path);
            // The rotation exceeds the last-level cache, and the kernel is told so, as a model whose layers exceed it
            // tells it (WeightResidency: single-block tiles then prefetch their own panels).
            if (count > 1) _sets[i].Residency = WeightResidency.Memory;
        }
        _slowdown = SlowdownSwitch.For(_x, M, w, KN, KN, path);
        _next = 0;
    }

    [Benchmark]
    public void Project()
    {
        var set = _sets[_next];
        _next = _next + 1 == _sets.Length ? 0 : _next + 1;
        Linear.Project(_x, M, set, _y);
        _slowdown?.Run();
    }

    /// <summary>
    /// Enough weight sets to exceed the target working set, capped so tiny shapes don't create
    /// millions of objects (a shape that small cannot leave the cache in any meaningful way).
    /// </summary>
    public static int StreamedSetCount(long setBytes, long targetBytes) => (int)Math.Clamp((targetBytes + setBytes - 1) / setBytes, 2, 65536);
}
