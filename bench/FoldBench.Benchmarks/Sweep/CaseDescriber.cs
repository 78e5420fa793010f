using System.Globalization;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FoldBench.Benchmarks.Suites;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
using FoldBench.Model;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// Turns one BenchmarkDotNet report into a FoldBench case: the raw timing plus what it means on
/// this machine (GFLOP/s and % of the measured FMA peak, GB/s and % of the measured bandwidth,
/// bytes per token, tokens/s), from the exact work accounting of the case.
/// </summary>
public static class CaseDescriber
{
    /// <summary>Audio per token: 10 ms frames, time reduction 4 (emformer_rnnt_base).</summary>
    public const double SecondsPerToken = 0.040;

    public static T Param<T>(BenchmarkCase bc, string name)
    {
        object? v = bc.Parameters[name];
        return v is T t ? t : (T)Convert.ChangeType(v!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The case's label: kernels and peers by their shape (`K=N=512`: N is the output width), model suites by chunk
    /// and fold factor (`T=4 fold=2`), so N never means the fold.
    /// </summary>
    public static string ShortName(string suite, BenchmarkCase bc) => suite switch
    {
        SuiteNames.Kernels => $"{Param<string>(bc, "Path")} M={Param<int>(bc, "M")} K=N={Param<int>(bc, "KN")} {Param<string>(bc, "Regime")}{PrecisionLabel(bc)}",
        SuiteNames.Peers => $"{Param<string>(bc, "Peer")} M={Param<int>(bc, "M")} K=N={Param<int>(bc, "KN")} {Param<string>(bc, "Regime")}",
        SuiteNames.Rnnt => $"{suite} {Param<string>(bc, "Preset")} T={Param<int>(bc, "ChunkTokens")} fold={Param<int>(bc, "Fold")} {RnntPart(bc)}{ThreadsLabel(bc)}{PrecisionLabel(bc)}",
        _ => $"{suite} {Param<string>(bc, "Preset")} T={Param<int>(bc, "ChunkTokens")} fold={Param<int>(bc, "Fold")}{VariantLabel(bc)}{ThreadsLabel(bc)}{PrecisionLabel(bc)}",
    };

    /// <summary>" int8" for an int8 case; nothing for fp32, so fp32 cases keep the names of runs before int8 existed.</summary>
    private static string PrecisionLabel(BenchmarkCase bc) => SuiteCases.PrecisionOf(bc) == Precision.Int8 ? " int8" : "";

    /// <summary>
    /// Bytes of one linear layer's stored parameters, N×K weights and N biases, in a precision: fp32 weights and bias;
    /// or int8 weights, one fp32 scale per output channel and the fp32 bias.
    /// </summary>
    public static long LinearWeightBytes(long n, long k, Precision precision) => precision == Precision.Int8
        ? n * k * sizeof(sbyte) + n * sizeof(float) + n * sizeof(float)
        : (n * k + n) * sizeof(float);

    /// <summary>
    /// Bytes of every layer's four attention projections as the projections suite lays them out: Q, K, V with the
    /// fold's blocks of (D/N)², the output projection with its own (unfolded when only QKV fold), each block with its bias
    /// (and, at int8, its per-channel scales).
    /// </summary>
    public static long ProjectionWeightBytes(FoldGeometry g, int layers, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(g);
        int outSub = g.Width / g.OutputFold;
        long perLayer = (ProjectionBenchmarks.ProjectionsPerLayer - 1) * g.AttentionBlocks * LinearWeightBytes(g.SubWidth, g.SubWidth, precision)
                        + g.OutputBlocks * LinearWeightBytes(outSub, outSub, precision);
        return layers * perLayer;
    }

    /// <summary>The threads a case's projections ran on: its "Threads" parameter, 1 for suites and runs without one.</summary>
    public static int ThreadsOf(BenchmarkCase bc) =>
        bc.Parameters.Items.Any(p => p.Name == nameof(ModelSuiteBase.Threads)) ? Param<int>(bc, nameof(ModelSuiteBase.Threads)) : 1;

    /// <summary>" threads=2" where the run varies the thread count; nothing otherwise, as before threads existed.</summary>
    private static string ThreadsLabel(BenchmarkCase bc) =>
        bc.Parameters.Items.Any(p => p.Name == nameof(ModelSuiteBase.Threads)) ? $" threads={ThreadsOf(bc)}" : "";

    /// <summary>" reduce block-diagonal qkv ffn": the folding options of a folded case that differ from the paper's defaults.</summary>
    private static string VariantLabel(BenchmarkCase bc)
    {
        var o = OptionsOf(bc);
        if (o.Fold == 1) return "";
        var d = FoldingOptions.Unfolded;
        var parts = new List<string>();
        if (o.Heads != d.Heads) parts.Add(FoldingOptions.Names.Of(o.Heads) + " heads");
        if (o.Sharing != d.Sharing) parts.Add(FoldingOptions.Names.Of(o.Sharing));
        if (o.Projections != d.Projections) parts.Add(FoldingOptions.Names.Of(o.Projections));
        if (o.FoldFfn != d.FoldFfn) parts.Add("folded FFN");
        return parts.Count == 0 ? "" : " " + string.Join(" ", parts);
    }

    /// <summary>The folding options a model-suite case runs with: its parameters, the paper's defaults for those it lacks.</summary>
    public static FoldingOptions OptionsOf(BenchmarkCase bc)
    {
        bool Has(string name) => bc.Parameters.Items.Any(p => p.Name == name);
        var d = FoldingOptions.Unfolded;
        return new FoldingOptions(
            Has("Fold") ? Param<int>(bc, "Fold") : 1,
            Has(nameof(ModelSuiteBase.Heads)) ? FoldingOptions.Names.ParseHeads(Param<string>(bc, nameof(ModelSuiteBase.Heads))) : d.Heads,
            Has(nameof(ModelSuiteBase.Sharing)) ? FoldingOptions.Names.ParseSharing(Param<string>(bc, nameof(ModelSuiteBase.Sharing))) : d.Sharing,
            Has(nameof(ModelSuiteBase.Projections)) ? FoldingOptions.Names.ParseProjections(Param<string>(bc, nameof(ModelSuiteBase.Projections))) : d.Projections,
            Has(nameof(ModelSuiteBase.FoldFfn)) && Param<bool>(bc, nameof(ModelSuiteBase.FoldFfn)));
    }

    /// <summary>Tokens one benchmark operation processes: a model step's chunk; null where tokens don't apply (kernels).</summary>
    public static double? TokensPerOp(BenchmarkCase bc) => bc.Parameters.Items.Any(p => p.Name == "ChunkTokens") ? Param<int>(bc, "ChunkTokens") : null;

    /// <summary>The case's figures; correctness, peak memory and energy come from the diagnosers.</summary>
    public static CaseResult Describe(string suite, BenchmarkCase bc, BenchmarkReport report, Calibration? cal)
    {
        var stats = report.ResultStatistics!;
        var samples = report.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Result)
            .Select(m => m.GetAverageTime().Nanoseconds)
            .ToList();
        var result = new CaseResult
        {
            Suite = suite,
            Name = ShortName(suite, bc),
            FullName = FullNameProvider.GetBenchmarkName(bc),
            MedianNs = stats.Median,
            MeanNs = stats.Mean,
            StdDevNs = stats.StandardDeviation,
            CoefficientOfVariation = stats.Mean > 0 ? stats.StandardDeviation / stats.Mean : null,
            SamplesNs = samples,
            AllocatedBytes = report.GcStats.GetBytesAllocatedPerOperation(bc),
            Path = suite == SuiteNames.Peers ? PeerPath(bc) : Param<string>(bc, "Path"),
            Threads = ThreadsOf(bc),
        };
        Precise(suite, bc, result);
        Fill(suite, bc, result, cal);
        return result;
    }

    /// <summary>
    /// The bytes a case re-reads every operation (<see cref="Roofline.FootprintOf"/>), known before it runs, so that the
    /// calibration can measure the read bandwidth of exactly that footprint; null when the case rotates through memory.
    /// </summary>
    public static long? Footprint(string suite, BenchmarkCase bc)
    {
        var shape = Accounting(suite, bc);
        return Roofline.FootprintOf(suite, shape.Regime, shape.WeightBytes);
    }

    /// <summary>
    /// A case's accounting before it runs: shape, regime, precision and weight bytes, with a nominal 1 ns median, so that
    /// <see cref="CaseResult.Gflops"/> reads as operations per op (10⁹) and <see cref="CaseResult.GbPerS"/> as bytes moved
    /// per op (10⁹); their ratio is the arithmetic intensity.
    /// </summary>
    public static CaseResult Accounting(string suite, BenchmarkCase bc)
    {
        var shape = new CaseResult { Suite = suite, MedianNs = 1, Path = suite == SuiteNames.Peers ? "" : Param<string>(bc, "Path") };
        Precise(suite, bc, shape);
        Fill(suite, bc, shape, cal: null);
        return shape;
    }

    private static void Fill(string suite, BenchmarkCase bc, CaseResult result, Calibration? cal)
    {
        switch (suite)
        {
            case SuiteNames.Kernels: DescribeKernel(bc, result, cal); break;
            case SuiteNames.Peers: DescribePeer(bc, result, cal); break;
            case SuiteNames.Projections: DescribeProjections(bc, result, cal); break;
            case SuiteNames.Attention: DescribeModelStep(bc, result, cal, wholeEncoder: false); break;
            case SuiteNames.Encoder: DescribeModelStep(bc, result, cal, wholeEncoder: true); break;
            case SuiteNames.Rnnt: DescribeRnnt(bc, result, cal); break;
            default: throw new ArgumentException($"no describer for suite '{suite}'");
        }
    }

    /// <summary>
    /// Records the case's precision where it has one: fp32 cases of the suites that run int8 say "fp32"; an int8 case
    /// names the int8 path it ran as its path and keeps its fp32 path beside it (what the int8-against-fp32 table pairs by).
    /// </summary>
    private static void Precise(string suite, BenchmarkCase bc, CaseResult r)
    {
        if (!SweepSettings.PrecisionSuites.Contains(suite)) return;
        var precision = SuiteCases.PrecisionOf(bc);
        r.Precision = precision.Name();
        if (precision != Precision.Int8) return;
        var path = KernelPaths.Parse(Param<string>(bc, "Path"));
        r.Fp32Path = path.Name();
        if (Precisions.Int8Counterpart(path) is { } q) r.Path = q.Name();
    }

    /// <summary>
    /// A peers case's path: FoldBench's best fp32 path by its ISA name, FoldBench's int8 peer by its int8 path's name (so its
    /// roof is that path's measured int8 peak), a library by its peer name.
    /// </summary>
    private static string PeerPath(BenchmarkCase bc) => Param<string>(bc, "Peer") switch
    {
        "foldbench" => KernelPaths.Best.Name(),
        "foldbench-int8" => QuantizedPaths.Best.Name(),
        var peer => peer,
    };

    /// <summary>
    /// A peers case: the kernel shape, with an int8 peer's weights counted as stored (int8, scales, bias) and its precision
    /// recorded. An int8 library gets no roof: its instructions may be wider than any FoldBench can issue and so measure
    /// (ONNX Runtime's MLAS uses 512-bit <c>vpdpbusd</c> on AVX-512 VNNI; .NET 10 has no intrinsic for it), and a roof
    /// below what it reaches would be a wrong roof, not a fast library.
    /// </summary>
    private static void DescribePeer(BenchmarkCase bc, CaseResult r, Calibration? cal)
    {
        string peer = Param<string>(bc, "Peer");
        var precision = PeerBenchmarks.PrecisionOf(peer);
        if (precision == Precision.Int8) r.Precision = precision.Name();
        int m = Param<int>(bc, "M"), kn = Param<int>(bc, "KN");
        r.M = m; r.K = kn; r.N = kn;
        r.Regime = Param<string>(bc, "Regime");
        r.Fold = 1;
        r.Peer = peer;
        long weightBytes = LinearWeightBytes(kn, kn, precision);
        r.WeightBytes = weightBytes;
        Rates(r, 2.0 * m * kn * kn, weightBytes + (double)m * kn * sizeof(float) * 2, cal);
    }

    /// <summary>A case that could not run here (a peer library that is not installed): its name and why, no figures.</summary>
    public static CaseResult Unavailable(string suite, BenchmarkCase bc, string why)
    {
        var r = new CaseResult
        {
            Suite = suite,
            Name = ShortName(suite, bc),
            FullName = FullNameProvider.GetBenchmarkName(bc),
            Path = suite == SuiteNames.Peers ? PeerPath(bc) : Param<string>(bc, "Path"),
            Unavailable = why,
        };
        Precise(suite, bc, r);
        if (suite == SuiteNames.Peers)
        {
            r.Peer = Param<string>(bc, "Peer");
            r.M = Param<int>(bc, "M"); r.K = r.N = Param<int>(bc, "KN");
            r.Regime = Param<string>(bc, "Regime");
        }
        return r;
    }

    private static void DescribeKernel(BenchmarkCase bc, CaseResult r, Calibration? cal)
    {
        int m = Param<int>(bc, "M"), kn = Param<int>(bc, "KN");
        string regime = Param<string>(bc, "Regime");
        r.M = m; r.K = kn; r.N = kn;
        r.Regime = regime;
        r.Fold = 1;
        // Operations: 2 per multiply-accumulate, fp32 or int8.
        double flops = 2.0 * m * kn * kn;
        // Bytes a kernel must move at least once per call: weights and bias (int8: weights, scales, bias), X in, Y out.
        long weightBytes = LinearWeightBytes(kn, kn, SuiteCases.PrecisionOf(bc));
        double bytes = weightBytes + (double)m * kn * sizeof(float) * 2;
        r.WeightBytes = weightBytes;
        Rates(r, flops, bytes, cal);
    }

    private static ModelConfig ModelOf(BenchmarkCase bc) => ModelPresets.Get(Param<string>(bc, "Preset")).WithChunk(Param<int>(bc, "ChunkTokens"));

    private static void ModelFields(BenchmarkCase bc, CaseResult r, ModelConfig c)
    {
        r.Preset = c.Name;
        r.Fold = Param<int>(bc, "Fold");
        // The options the case ran with, each where it means something: folded cases of suites that have it.
        if (r.Fold > 1)
        {
            var o = OptionsOf(bc);
            bool Has(string name) => bc.Parameters.Items.Any(p => p.Name == name);
            r.Heads = Has(nameof(ModelSuiteBase.Heads)) ? FoldingOptions.Names.Of(o.Heads) : null;
            r.Sharing = Has(nameof(ModelSuiteBase.Sharing)) ? FoldingOptions.Names.Of(o.Sharing) : null;
            r.Projections = Has(nameof(ModelSuiteBase.Projections)) ? FoldingOptions.Names.Of(o.Projections) : null;
            r.FoldFfn = Has(nameof(ModelSuiteBase.FoldFfn)) ? o.FoldFfn : null;
        }
        r.ChunkTokens = c.ChunkTokens;
        double seconds = r.MedianNs * 1e-9;
        r.TokensPerS = c.ChunkTokens / seconds;
        r.RealTimeFactor = seconds / (c.ChunkTokens * (c.TokenSeconds ?? SecondsPerToken));
    }

    private static void DescribeProjections(BenchmarkCase bc, CaseResult r, Calibration? cal)
    {
        var c = ModelOf(bc);
        ModelFields(bc, r, c);
        var g = new FoldGeometry(c, OptionsOf(bc));
        var acct = ModelAccounting.Compute(c, g.Options);
        int n = r.Fold, sub = g.SubWidth, rows = ProjectionBenchmarks.Rows(c);
        int projections = c.Layers * ProjectionBenchmarks.ProjectionsPerLayer;
        // The query/key/value kernel call: M = N·rows with shared weights, M = rows per block when block-diagonal; K = N = D/N.
        r.M = g.AttentionBlocks == 1 ? n * rows : rows; r.K = sub; r.N = sub;
        var precision = SuiteCases.PrecisionOf(bc);
        long weightBytes = precision == Precision.Int8 ? ProjectionWeightBytes(g, c.Layers, precision) : acct.Parameters.AttentionProjections.BytesFp32;
        double activationBytes = (double)projections * rows * c.Width * sizeof(float) * 2;
        r.WeightBytes = weightBytes;
        r.BytesPerToken = (weightBytes + activationBytes) / c.ChunkTokens;
        r.Regime = weightBytes > CacheInfo.LastLevelCacheBytes() ? RegimeNames.Streamed : RegimeNames.Cache;
        Rates(r, 2.0 * acct.ProjectionMacs, weightBytes + activationBytes, cal);
    }

    /// <summary>Attention block (one layer) or encoder step (L layers): work and traffic from the model accounting.</summary>
    private static void DescribeModelStep(BenchmarkCase bc, CaseResult r, Calibration? cal, bool wholeEncoder)
    {
        var c = ModelOf(bc);
        ModelFields(bc, r, c);
        // At int8 the accounting counts the weights as stored (a byte each, fp32 scales and bias) and the quantized rows.
        var acct = ModelAccounting.Compute(c, OptionsOf(bc), SuiteCases.PrecisionOf(bc));
        StepCost step = wholeEncoder ? acct.EncoderStep : acct.AttentionBlock;
        r.WeightBytes = step.WeightBytesReadPerStep;
        r.BytesPerToken = step.BytesMovedPerToken;
        r.Regime = step.WeightBytesReadPerStep > CacheInfo.LastLevelCacheBytes() ? RegimeNames.Streamed : RegimeNames.Cache;
        Rates(r, step.Flops, step.BytesMovedPerStep, cal);
    }

    /// <summary>An rnnt case's part, from its benchmark method.</summary>
    public static string RnntPart(BenchmarkCase bc) => RnntStepBenchmarks.PartOf(bc.Descriptor.WorkloadMethod.Name);

    /// <summary>
    /// One part of an RNN-T chunk step: work and traffic from <see cref="RnntStepCost"/> at the case's precision (at int8 the
    /// linear layers' weights as stored, a byte each with fp32 scales and bias, and their quantized rows).
    /// </summary>
    private static void DescribeRnnt(BenchmarkCase bc, CaseResult r, Calibration? cal)
    {
        var c = ModelOf(bc);
        ModelFields(bc, r, c);
        r.Part = RnntPart(bc);
        r.SymbolStepsPerFrame = Param<int>(bc, "SymbolStepsPerFrame");
        var cost = RnntStepCost.Compute(c, new FoldingOptions(r.Fold), r.SymbolStepsPerFrame.Value, SuiteCases.PrecisionOf(bc)).Part(r.Part);
        r.WeightBytes = cost.WeightBytes;
        r.BytesPerToken = (double)cost.BytesMovedPerStep / c.ChunkTokens;
        r.Regime = cost.WeightBytes > CacheInfo.LastLevelCacheBytes() ? RegimeNames.Streamed : RegimeNames.Cache;
        Rates(r, cost.Flops, cost.BytesMovedPerStep, cal);
    }

    /// <summary>The vector width the portable path computes with on this machine (see Linear.Portable).</summary>
    public static int PortableBits => System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>GFLOP/s, GB/s and their share of this machine's roofs.</summary>
    internal static void Rates(CaseResult r, double flops, double bytes, Calibration? cal)
    {
        r.Gflops = flops / r.MedianNs;
        r.GbPerS = bytes / r.MedianNs;
        if (cal is not null) Rerate(r, cal);
    }

    /// <summary>
    /// A case's share of the roofs: % FMA peak (the widest width) and % bandwidth (streamed against memory, the rest
    /// against the cache bandwidth), and its roofline bound (<see cref="Roofline.Describe"/>). Run again with the final roofs.
    /// </summary>
    public static void Rerate(CaseResult r, Calibration cal)
    {
        // An int8 library (not one of FoldBench's int8 paths) has no measured roof: see DescribePeer.
        if (r.Threads is > 1 || (r.Precision == PrecisionNames.Int8 && !PrecisionNames.IsInt8Path(r.Path)))
        {
            // The roofs are one core's; several cores have no measured roof, and one core's would read above 100%.
            // An int8 library's instructions may be wider than any FoldBench can issue and measure.
            r.PctFmaPeak = r.PctBandwidth = r.PctMachinePeak = r.RooflineGflops = r.PctRoofline = null;
            r.RoofWidth = r.RoofLevel = null;
            return;
        }
        // An int8 case has no fp32 FMA share: its peak is its int8 instruction's (the roofline and % machine peak below).
        r.PctFmaPeak = r.Gflops is double g && cal.FmaPeakGflops > 0 && !PrecisionNames.IsInt8Path(r.Path) ? 100 * g / cal.FmaPeakGflops : null;
        double? roof = r.Regime == RegimeNames.Streamed ? cal.BandwidthGBs : cal.CacheBandwidthGBs;
        r.PctBandwidth = r.GbPerS is double gb && roof is > 0 ? 100 * gb / roof : null;
        Roofline.Describe(r, cal, PortableBits);
    }
}
