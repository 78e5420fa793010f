using FoldBench.Benchmarks.Correctness;
using FoldBench.Benchmarks.Peers;
using FoldBench.Benchmarks.Suites;
using FoldBench.Benchmarks.Sweep;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Benchmarks.Tests;

/// <summary>
/// The int8 peers: ONNX Runtime's DynamicQuantizeMatMul and FoldBench's int8 path, given the same int8 weights and
/// per-channel scales, agree with each other by exactly what their activation quantizations predict (every shape of the
/// peers suite), and the checks fail a peer that quantizes its weights otherwise. (That every peer, the int8 ones
/// included, passes its own check on those shapes is <see cref="PeerTests"/>.)
/// </summary>
public class Int8PeerTests
{
    /// <summary>
    /// On x64 without VNNI, MLAS's u8×s8 kernel saturates int16 pair sums for full-range weights, so ONNX Runtime's int8
    /// output is not its exact model there and the check rightly fails: tests that need it to pass skip, saying why.
    /// </summary>
    internal static void SkipWhereMlasSaturates() => Assert.SkipWhen(OnnxRuntimeInt8Peer.MaySaturate,
        "onnxruntime-int8: this x64 CPU has no VNNI, so MLAS multiplies u8×s8 with vpmaddubsw, whose int16 pair sums saturate for full-range weights; its output is then not its exact int8 model and the check fails, as it should");

    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (var (m, kn) in new SweepSettings().KernelM.SelectMany(m => new[] { (m, 512), (m, 2048) })
                     .Concat(SuiteCases.PeerShapes(new SweepSettings { KernelM = [], KernelKN = [] }).Select(x => (x.M, x.KN))).Distinct())
            data.Add(m, kn);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OnnxRuntime_and_FoldBench_int8_agree_as_their_activation_quantizations_predict(int m, int kn)
    {
        var ort = new OnnxRuntimeInt8Peer();
        Assert.SkipWhen(ort.Availability is not null, $"onnxruntime-int8: {ort.Availability}");
        SkipWhereMlasSaturates();
        var (x, w, bias) = Inputs(m, kn);
        float[] yo = Run(ort, x, w, bias, m, kn), yf = Run(new FoldBenchInt8Peer(), x, w, bias, m, kn);
        var pair = QuantizedAgreement.Pair(ActivationQuantization.PerTensorAsymmetricU8, yo, ActivationQuantization.PerRowSymmetric, yf,
            x, m, w, kn, kn, bias);
        Assert.True(pair.Agree, $"M={m} K=N={kn}: |Y_ort − Y_fb| up to {pair.MaxDifference:E2}, {pair.MaxDeviation:E2} from the predicted difference");
        // The two differ (different activation quantizations), but far less than their worst case.
        Assert.True(pair.MaxDifference > 0 && pair.MaxDifference < pair.WorstCase,
            $"M={m} K=N={kn}: largest difference {pair.MaxDifference:E2}, worst case {pair.WorstCase:E2}");
    }

    [Fact]
    public void A_peer_whose_weights_carry_one_scale_for_all_channels_fails_the_int8_check()
    {
        var wrong = new PerTensorWeightsPeer();
        Assert.SkipWhen(wrong.Availability is not null, $"onnxruntime-int8: {wrong.Availability}");
        SkipWhereMlasSaturates();
        const int m = 4, kn = 512;
        var (x, w, bias) = Inputs(m, kn);
        var y = Run(wrong, x, w, bias, m, kn);
        var verdict = QuantizedAgreement.Check(wrong.Activations, x, m, w, kn, kn, bias, y);
        // Per-tensor weights are still a fair int8 projection (the fp32 bound may hold), but not FoldBench's weights.
        Assert.False(verdict.MatchesInt8Model, verdict.ToString());
        Assert.False(CaseChecks.Peer(wrong, m, kn));
        // The right peer on the same inputs passes.
        Assert.True(QuantizedAgreement.Check(ActivationQuantization.PerTensorAsymmetricU8, x, m, w, kn, kn, bias,
            Run(new OnnxRuntimeInt8Peer(), x, w, bias, m, kn)).Correct);
    }

    [Fact]
    public void Two_int8_peers_whose_weights_differ_by_one_percent_in_one_channel_do_not_agree()
    {
        var ort = new OnnxRuntimeInt8Peer();
        Assert.SkipWhen(ort.Availability is not null, $"onnxruntime-int8: {ort.Availability}");
        SkipWhereMlasSaturates();
        const int m = 4, kn = 512;
        var (x, w, bias) = Inputs(m, kn);
        float[] yo = Run(ort, x, w, bias, m, kn);
        var off = (float[])w.Clone();
        for (int p = 0; p < kn; p++) off[7 * kn + p] *= 1.01f; // channel 7: same int8 values, scale 1% larger
        float[] yf = Run(new FoldBenchInt8Peer(), x, off, bias, m, kn);
        var pair = QuantizedAgreement.Pair(ActivationQuantization.PerTensorAsymmetricU8, yo, ActivationQuantization.PerRowSymmetric, yf,
            x, m, w, kn, kn, bias);
        Assert.False(pair.Agree, $"largest deviation {pair.MaxDeviation:E2}");
    }

    [Fact]
    public void FoldBench_int8_peer_runs_the_best_int8_path_and_equals_it_bit_for_bit()
    {
        var peer = new FoldBenchInt8Peer();
        Assert.Equal(QuantizedPaths.Best.Name(), peer.Notes["path"]);
        const int m = 5, k = 40, n = 24;
        var (x, w, bias) = Inputs(m, k, n);
        using var prepared = peer.Prepare(w, bias, m, k, n);
        var y = new float[m * n];
        prepared.Run(x, y);
        var expected = new float[m * n];
        var weights = QuantizedWeights.Pack(w, n, k, bias, QuantizedPaths.Best);
        QuantizedLinear.Project(x, m, weights, expected, QuantizedScratch.For(weights, m));
        Assert.Equal(expected, y);
    }

    [Fact]
    public void Streamed_int8_weights_rotate_through_more_than_the_working_set_in_their_own_storage()
    {
        const long target = 48L << 20; // a 48 MiB streamed working set
        foreach (int kn in new[] { 128, 512, 2048 })
        {
            // What an int8 weight set really occupies: K·N bytes and N fp32 scales (the bias is left out for both precisions).
            long int8Bytes = QuantizedWeights.Pack(new float[kn * kn], kn, kn, QuantizedPath.Scalar).ParameterBytes;
            Assert.Equal(int8Bytes, PeerBenchmarks.WeightSetBytes(Precision.Int8, kn));
            Assert.True(PeerBenchmarks.SetCount(Precision.Int8, kn, "streamed", target) * int8Bytes >= target, $"K=N={kn}");
            Assert.Equal((long)kn * kn * sizeof(float), PeerBenchmarks.WeightSetBytes(Precision.Fp32, kn));
            Assert.True(PeerBenchmarks.SetCount(Precision.Fp32, kn, "streamed", target) * (long)kn * kn * sizeof(float) >= target);
            Assert.Equal(1, PeerBenchmarks.SetCount(Precision.Int8, kn, "cache", target));
        }
    }

    [Fact]
    public void The_per_tensor_u8_model_follows_DynamicQuantizeLinear()
    {
        // X = {−1, 0, 0.5, 2}: range [−1, 2], scale 3/255, zp = round(255/3) = 85; 0.5 → round(42.5) = 42 (to even) + 85.
        float[] x = [-1f, 0f, 0.5f, 2f];
        var a = QuantizedAgreement.Quantize(ActivationQuantization.PerTensorAsymmetricU8, x, 1, 4);
        float scale = 3f / 255f;
        Assert.Equal(scale, a.Step[0]);
        Assert.Equal((double)scale * -85, a.Values[0], 12);
        Assert.Equal(0, a.Values[1]);
        Assert.Equal((double)scale * 42, a.Values[2], 12);
        Assert.Equal((double)scale * 170, a.Values[3], 12);
        Assert.Equal([false, false, true, false], a.NearTie);
    }

    private static (float[] X, float[] W, float[] Bias) Inputs(int m, int kn) => Inputs(m, kn, kn);

    private static (float[] X, float[] W, float[] Bias) Inputs(int m, int k, int n)
    {
        var rng = new Random(m * 7919 + k * 31 + n);
        return (Suites.Inputs.Uniform(rng, m * k), Suites.Inputs.Uniform(rng, n * k), Suites.Inputs.Uniform(rng, n));
    }

    private static float[] Run(IProjectionPeer peer, float[] x, float[] w, float[] bias, int m, int kn)
    {
        var y = new float[m * kn];
        using var prepared = peer.Prepare(w, bias, m, kn, kn);
        prepared.Run(x, y);
        return y;
    }

    /// <summary>The deliberate mistake: ONNX Runtime's operator given W quantized with one scale for the whole matrix.</summary>
    private sealed class PerTensorWeightsPeer : IQuantizedPeer
    {
        private readonly OnnxRuntimeInt8Peer _inner = new();
        public string Name => "onnxruntime-int8-per-tensor-weights";
        public string? Availability => _inner.Availability;
        public Precision Precision => Precision.Int8;
        public ActivationQuantization Activations => ActivationQuantization.PerTensorAsymmetricU8;
        public IReadOnlyDictionary<string, string> Notes => _inner.Notes;

        public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n)
        {
            var q = new sbyte[w.Length];
            float scale = RowQuantizer.Quantize(w, q);
            var scales = Enumerable.Repeat(scale, n).ToArray();
            return OnnxRuntimePeer.Open(OnnxModel.DynamicQuantizeMatMul(q, scales, bias, m, k, n), m, k, n);
        }
    }
}
