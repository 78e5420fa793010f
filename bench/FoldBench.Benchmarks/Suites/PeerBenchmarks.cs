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
        int count = SetCount(peer.Precision, KN, Regime, KernelBenchmarks.StreamedWorkingSetBytes);
        _sets = new IPreparedProjection[count];
        for (int i = 0; i < count; i++)
        {
            // Distinct contents per set, as in the kernel suite.
            if (i > 0) w[i % w.Length] += 1e-3f;
            _sets[i] = count > 1 ? peer.PrepareStreamed(w, bias, M, KN, KN) : peer.Prepare(w, bias, M, KN, KN);
        }
        _next = 0;
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
