using BenchmarkDotNet.Attributes;
using FoldBench.Benchmarks.Peers;
using FoldBench.Kernels;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Suites;

/// <summary>
/// The kernel suite's operation, Y[M×N] = X[M×K]·Wᵀ + b (K = N, one thread; fp32, or int8 weights for the int8
/// peers, <see cref="IProjectionPeer.Precision"/>), run by each of the libraries a user would pick instead of
/// FoldBench (<see cref="PeerRegistry"/>) and by FoldBench's own best fp32 and int8 paths, at the kernel suite's shapes and in its two weight regimes (cache-resident, and streamed
/// through rotated weight sets larger than the LLC: <see cref="KernelBenchmarks.StreamedSetCount"/>), and at the
/// projections suite's folded kernel calls (<see cref="Sweep.SuiteCases.PeerShapes"/>).
/// A peer that cannot run here is not run: the sweep records why (<see cref="WhyNot"/>).
/// </summary>
public class PeerBenchmarks
{
    public string Peer { get; set; } = "foldbench";
    public int M { get; set; } = 1;
    public int KN { get; set; } = 16;
    public string Regime { get; set; } = RegimeNames.Cache;

    private IPreparedProjection[] _sets = [];
    private float[] _x = [], _y = [];
    private int _next;

    /// <summary>Why <paramref name="peer"/> cannot run in this process, or null.</summary>
    public static string? WhyNot(string peer) => PeerRegistry.Create(peer).Availability;

    [GlobalSetup]
    public void Setup()
    {
        var peer = PeerRegistry.Create(Peer);
        if (peer.Availability is { } why) throw new InvalidOperationException(why);
        var rng = new Random(1234);
        float[] w = Inputs.Uniform(rng, KN * KN), bias = Inputs.Uniform(rng, KN);
        _x = Inputs.Uniform(rng, M * KN);
        _y = new float[M * KN];
        _sets = PrepareSets(peer, w, bias, M, KN, SetCount(peer.Precision, KN, Regime, KernelBenchmarks.StreamedWorkingSetBytes), _x, _y);
        _next = 0;
    }

    /// <summary>
    /// The case's <paramref name="count"/> weight sets, each with distinct contents (as in the kernel suite: set i changes
    /// one more weight of <paramref name="w"/>), prepared by <paramref name="peer"/> (streamed when there are several),
    /// and each run once on <paramref name="x"/> before it is returned.
    /// </summary>
    /// <remarks>
    /// Every set runs once before anything is timed, as every layer of a model has run before the steady state a user
    /// measures. A library may do work on a set's first call that later calls skip (ONNX Runtime: each session's first
    /// Run sets up its execution state). With thousands of streamed sets (8192 int8 sets of 128×128) BenchmarkDotNet's
    /// warm-up does not reach them all, and the timed calls were mostly first calls: onnxruntime-int8 read 4.2 GOP/s at
    /// M = 20, K = N = 128 and 8.3 at M = 10, K = N = 256, then 42.7 and 83.1 with every set run first (Zen 5 VM).
    /// </remarks>
    public static IPreparedProjection[] PrepareSets(IProjectionPeer peer, float[] w, float[] bias, int m, int kn, int count, float[] x, float[] y)
    {
        var sets = new IPreparedProjection[count];
        for (int i = 0; i < count; i++)
        {
            if (i > 0) w[i % w.Length] += 1e-3f;
            sets[i] = count > 1 ? peer.PrepareStreamed(w, bias, m, kn, kn) : peer.Prepare(w, bias, m, kn, kn);
        }
        foreach (var set in sets) set.Run(x, y);
        return sets;
    }

    /// <summary>
    /// Bytes one weight set takes in the peer's own storage: K·N weights of its precision, and for int8 the fp32 scale of
    /// each of the N output channels (the fp32 bias, the same for every peer, is left out as in the kernel suite).
    /// </summary>
    /// <summary>A peer's precision by name, without loading its library ("foldbench-int8", "onnxruntime-int8": int8).</summary>
    public static Precision PrecisionOf(string peer) => PeerRegistry.Create(peer).Precision;

    public static long WeightSetBytes(Precision precision, int kn) =>
        (long)kn * kn * precision.WeightBytes() + (precision == Precision.Int8 ? (long)kn * sizeof(float) : 0);

    /// <summary>
    /// How many distinct weight sets a case rotates through: one cache-resident, or enough to exceed the streamed
    /// working set in the peer's own storage (an int8 peer needs about four times as many sets as an fp32 one).
    /// </summary>
    public static int SetCount(Precision precision, int kn, string regime, long streamedWorkingSetBytes) =>
        regime == RegimeNames.Streamed ? KernelBenchmarks.StreamedSetCount(WeightSetBytes(precision, kn), streamedWorkingSetBytes) : 1;

    [Benchmark]
    public void Project()
    {
        var set = _sets[_next];
        _next = _next + 1 == _sets.Length ? 0 : _next + 1;
        set.Run(_x, _y);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var s in _sets) s.Dispose();
        _sets = [];
    }
}
