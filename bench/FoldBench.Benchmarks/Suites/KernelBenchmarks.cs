using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Diagnostics;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// One linear projection Y[M×N] = X[M×K]·Wᵀ + b per operation (K = N), per kernel path, in two
/// weight regimes: "cache" (one weight set, stays cache-resident) and "streamed" (a rotation of
/// weight sets larger than the last-level cache, so weights come from memory as on a phone).
/// </summary>
public class KernelBenchmarks
{
    [ParamsSource(nameof(PathValues))] public string Path { get; set; } = "scalar";
    [ParamsSource(nameof(MValues))] public int M { get; set; }
    [ParamsSource(nameof(KNValues))] public int KN { get; set; }
    [ParamsSource(nameof(RegimeValues))] public string Regime { get; set; } = "cache";

    public static IEnumerable<string> PathValues => SweepSettings.Current.KernelPaths.Select(p => KernelPaths.Parse(p).Name()).Distinct();
    public static IEnumerable<int> MValues => SweepSettings.Current.KernelM;
    public static IEnumerable<int> KNValues => SweepSettings.Current.KernelKN;
    public static IEnumerable<string> RegimeValues => SweepSettings.Current.Regimes;

    private PackedWeights[] _sets = [];
    private float[] _x = [], _y = [];
    private int _next;
    private SlowdownWork? _slowdown; // the regression gate's test-only extra work, null unless asked for

    [GlobalSetup]
    public void Setup()
    {
        var path = KernelPaths.Parse(Path);
        var rng = new Random(1234);
        float[] w = CaseCheck.RandomData(rng, KN * KN), bias = CaseCheck.RandomData(rng, KN);
        _x = CaseCheck.RandomData(rng, M * KN);
        _y = new float[M * KN];
        long setBytes = (long)KN * KN * sizeof(float);
        int count = Regime == "streamed" ? StreamedSetCount(setBytes, SweepSettings.Current.StreamedWorkingSetBytes) : 1;
        _sets = new PackedWeights[count];
        for (int i = 0; i < count; i++)
        {
            // Distinct contents per set so no two sets share cache lines or pages.
            if (i > 0) w[i % w.Length] += 1e-3f;
            _sets[i] = PackedWeights.Pack(w, KN, KN, bias, path);
        }
        CaseCheck.Record(CheckAgainstScalar(w, bias, path));
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

    private bool CheckAgainstScalar(float[] w, float[] bias, KernelPath path)
    {
        var last = _sets[^1];
        var reference = PackedWeights.Pack(w, KN, KN, bias, KernelPath.Scalar);
        float[] expected = new float[M * KN], actual = new float[M * KN];
        Linear.Project(_x, M, reference, expected);
        Linear.Project(_x, M, last, actual);
        return CaseCheck.Close(expected, actual, KN);
    }

    /// <summary>
    /// Enough weight sets to exceed the target working set, capped so tiny shapes don't create
    /// millions of objects (a shape that small cannot leave the cache in any meaningful way).
    /// </summary>
    public static int StreamedSetCount(long setBytes, long targetBytes) => (int)Math.Clamp((targetBytes + setBytes - 1) / setBytes, 2, 4096);

}
