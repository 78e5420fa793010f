using FoldBench.Benchmarks.Correctness;
using FoldBench.Benchmarks.Peers;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;

namespace FoldBench.Benchmarks.Tests;

/// <summary>
/// Every peer computes the scalar reference's Y, within its bound, on every shape the peers suite
/// runs (the kernel suite's M and K = N, quick and default) and on shapes with K ≠ N, which a swapped
/// dimension would fail. A peer that cannot run here is skipped with its reason. No test asserts speed.
/// </summary>
public class PeerTests
{
    public static TheoryData<string, int, int> SuiteShapes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var peer in PeerRegistry.Names)
            foreach (int m in new SweepSettings().KernelM)
                foreach (int kn in new[] { 512, 2048 })
                    data.Add(peer, m, kn);
        // The projections suite's kernel calls, as the peers suite runs them by default (every step chunk and fold).
        foreach (var peer in PeerRegistry.Names)
            foreach (var (m, kn) in SuiteCases.PeerShapes(new SweepSettings { KernelM = [], KernelKN = [] }).Select(x => (x.M, x.KN)).Distinct())
                data.Add(peer, m, kn);
        return data;
    }

    [Fact]
    public void The_suite_runs_the_kernel_grid_then_each_folded_projection_call_once()
    {
        // emformer-base: D = 512, right context R = 1, so T + R rows of width D unfolded; fold N gives N·(T + R) rows of D/N.
        // T = 1: 2×512, 4×256, 8×128; T = 4: 5×512, 10×256, 20×128; T = 16: 17×512, 34×256, 68×128; all streamed.
        var settings = new SweepSettings { KernelM = [1, 4], KernelKN = [512], PeerChunkTokens = [1, 4, 16], Folds = [1, 2, 4] };
        var expected = new List<(int, int, string)> { (1, 512, "cache"), (1, 512, "streamed"), (4, 512, "cache"), (4, 512, "streamed") };
        foreach (var (m, kn) in new[] { (2, 512), (4, 256), (8, 128), (5, 512), (10, 256), (20, 128), (17, 512), (34, 256), (68, 128) })
            expected.Add((m, kn, "streamed"));
        Assert.Equal(expected, SuiteCases.PeerShapes(settings));
        // Cache-resident only: no model shapes (the model's projections stream).
        Assert.Equal([(1, 512, "cache"), (4, 512, "cache")], SuiteCases.PeerShapes(settings with { Regimes = ["cache"] }));
        // Each shape runs once per peer, in the order above.
        var cases = SuiteCases.For(FoldBench.Results.SuiteNames.Peers, settings with { Peers = ["foldbench", "tensorprimitives"] },
            BenchmarkDotNet.Configs.DefaultConfig.Instance);
        Assert.Equal(2 * expected.Count, cases.Count);
        Assert.Equal("foldbench M=20 K=N=128 streamed", CaseDescriber.ShortName(FoldBench.Results.SuiteNames.Peers, cases[2 * 9]));
    }

    [Theory]
    [MemberData(nameof(SuiteShapes))]
    public void Peer_matches_the_reference_on_the_suites_shapes(string name, int m, int kn)
    {
        var peer = PeerRegistry.Create(name);
        Assert.SkipWhen(peer.Availability is not null, $"{name}: {peer.Availability}");
        if (peer is OnnxRuntimeInt8Peer) Int8PeerTests.SkipWhereMlasSaturates();
        Assert.True(CaseChecks.Peer(peer, m, kn));
    }

    [Theory]
    [MemberData(nameof(RaggedShapes))]
    public void Peer_matches_the_reference_when_K_differs_from_N(string name, int m, int k, int n)
    {
        var peer = PeerRegistry.Create(name);
        Assert.SkipWhen(peer.Availability is not null, $"{name}: {peer.Availability}");
        if (peer is OnnxRuntimeInt8Peer) Int8PeerTests.SkipWhereMlasSaturates();
        var rng = new Random(7);
        float[] w = Suites.Inputs.Uniform(rng, n * k), bias = Suites.Inputs.Uniform(rng, n), x = Suites.Inputs.Uniform(rng, m * k);
        var y = new float[m * n];
        using var prepared = peer.Prepare(w, bias, m, k, n);
        prepared.Run(x, y);
        prepared.Run(x, y); // a second call on the same buffers gives the same Y (no accumulation into Y)
        var (correct, detail) = CaseChecks.PeerOutput(peer, x, m, w, n, k, bias, y);
        Assert.True(correct, $"{name} {m}×{k}×{n}: {detail}");
    }

    public static TheoryData<string, int, int, int> RaggedShapes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var peer in PeerRegistry.Names)
            foreach (var (m, k, n) in new[] { (1, 17, 5), (3, 40, 24), (5, 24, 40) })
                data.Add(peer, m, k, n);
        return data;
    }

    [Fact]
    public void TensorPrimitives_MultiplyAdd_formulation_matches_the_reference_too()
    {
        var peer = new TensorPrimitivesPeer(TensorPrimitivesPeer.Formulation.MultiplyAdd);
        Assert.True(CaseChecks.Peer(peer, 4, 64));
    }

    [Fact]
    public void Every_peer_says_whether_it_can_run_and_what_ran()
    {
        foreach (var name in PeerRegistry.Names)
        {
            var info = PeerInfos.Describe(name);
            Assert.Equal(name, info.Name);
            Assert.Equal(info.Reason is null, info.Available);
            var peer = PeerRegistry.Create(name);
            Assert.Equal(name.EndsWith("-int8", StringComparison.Ordinal) ? Precision.Int8 : Precision.Fp32, peer.Precision);
            Assert.Equal(peer.Precision == Precision.Int8, peer is IQuantizedPeer);
            Assert.Equal(peer.Precision.Name(), info.Notes["precision"]);
        }
    }

    [Fact]
    public void OpenBlas_records_the_core_type_it_ran_and_the_environment_it_found()
    {
        var peer = new OpenBlasPeer();
        Assert.Contains("environment OPENBLAS_CORETYPE", peer.Notes.Keys);
        Assert.Contains("coretype policy", peer.Notes.Keys);
        Assert.SkipWhen(peer.Availability is not null, $"openblas: {peer.Availability}");
        Assert.False(string.IsNullOrEmpty(peer.Notes["corename"]));
        Assert.StartsWith("OpenBLAS", peer.Notes["config"]);
    }
}
