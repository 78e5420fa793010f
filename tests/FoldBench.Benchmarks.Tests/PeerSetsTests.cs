using FoldBench.Benchmarks.Peers;
using FoldBench.Benchmarks.Suites;

namespace FoldBench.Benchmarks.Tests;

/// <summary>
/// The peers suite's weight sets (<see cref="PeerBenchmarks.PrepareSets"/>): every set has run once before the case is
/// timed, so that no library's first-call work (ONNX Runtime sets up each session's execution state on its first Run) is
/// timed as if it were the steady state; the sets hold distinct weights; several sets are prepared as streamed.
/// </summary>
public class PeerSetsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public void Every_set_has_run_once_with_the_case_input_before_timing(int count)
    {
        var peer = new CountingPeer();
        float[] w = [1f, 2f, 3f, 4f], bias = [0f, 0f], x = [5f, 6f], y = new float[2];
        var sets = PeerBenchmarks.PrepareSets(peer, w, bias, 1, 2, count, x, y);

        Assert.Equal(count, sets.Length);
        Assert.All(sets.Cast<CountingSet>(), s => Assert.Equal(1, s.Runs));
        Assert.All(sets.Cast<CountingSet>(), s => Assert.Same(x, s.LastX));
        Assert.Equal(count > 1 ? count : 0, peer.StreamedPrepares);
        Assert.Equal(count > 1 ? 0 : 1, peer.CachedPrepares);
        // Distinct contents: no two sets were prepared from the same weights.
        Assert.Equal(count, sets.Cast<CountingSet>().Select(s => string.Join(",", s.Weights)).Distinct().Count());
    }

    private sealed class CountingPeer : IProjectionPeer
    {
        public int CachedPrepares, StreamedPrepares;
        public string Name => "counting";
        public string? Availability => null;
        public IReadOnlyDictionary<string, string> Notes => new Dictionary<string, string>();

        public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n)
        {
            CachedPrepares++;
            return new CountingSet([.. w]);
        }

        public IPreparedProjection PrepareStreamed(float[] w, float[] bias, int m, int k, int n)
        {
            StreamedPrepares++;
            return new CountingSet([.. w]);
        }
    }

    private sealed class CountingSet(float[] weights) : IPreparedProjection
    {
        public float[] Weights { get; } = weights;
        public int Runs { get; private set; }
        public float[]? LastX { get; private set; }

        public void Run(float[] x, float[] y)
        {
            Runs++;
            LastX = x;
        }

        public void Dispose() { }
    }
}
