using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Running;
using FoldBench.Benchmarks.Suites;
using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;
using FoldBench.Model;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// The BenchmarkDotNet cases of one suite, with parameter values taken from a <see cref="SweepSettings"/>
/// instance: BenchmarkDotNet finds the benchmark methods and the job, and each case gets its parameters
/// explicitly, so nothing is read from a static while the suites run. The model suites run every folding variant the
/// settings ask for at each fold factor above 1 (<see cref="FoldingVariants"/>) and the unfolded model once.
/// </summary>
public static class SuiteCases
{
    public static IReadOnlyDictionary<string, Type> Types { get; } = new Dictionary<string, Type>
    {
        [SuiteNames.Kernels] = typeof(KernelBenchmarks),
        [SuiteNames.Projections] = typeof(ProjectionBenchmarks),
        [SuiteNames.Attention] = typeof(AttentionBlockBenchmarks),
        [SuiteNames.Encoder] = typeof(EncoderStepBenchmarks),
        [SuiteNames.Rnnt] = typeof(RnntStepBenchmarks),
        [SuiteNames.Peers] = typeof(PeerBenchmarks),
    };

    /// <summary>The suite a case belongs to (its benchmark type's name in <see cref="Types"/>).</summary>
    public static string SuiteOf(BenchmarkCase bc) =>
        Types.FirstOrDefault(kv => kv.Value == bc.Descriptor.Type).Key ?? throw new ArgumentException($"'{bc.Descriptor.Type.Name}' is not a sweep suite");

    /// <summary>Every case of <paramref name="suite"/> the settings ask for, in order (first parameter slowest).</summary>
    public static IReadOnlyList<BenchmarkCase> For(string suite, SweepSettings settings, IConfig config)
    {
        if (!Types.TryGetValue(suite, out var type))
            throw new ArgumentException($"unknown suite '{suite}' (expected one of: {string.Join(", ", Types.Keys)})");
        var modelPath = KernelPaths.Parse(settings.ModelPath).Name();
        IReadOnlyList<(string Name, Type Type, object[] Values)> parameters;
        IEnumerable<object[]> rows;
        switch (suite)
        {
            case SuiteNames.Kernels:
                parameters =
                [
                    ("Path", typeof(string), [.. settings.KernelPaths.Select(p => KernelPaths.Parse(p).Name()).Distinct()]),
                    ("M", typeof(int), [.. settings.KernelM.Cast<object>()]),
                    ("KN", typeof(int), [.. settings.KernelKN.Cast<object>()]),
                    ("Regime", typeof(string), [.. settings.Regimes]),
                    .. PrecisionParameter(settings),
                ];
                // Precision innermost: a shape's fp32 and int8 cases run one after another, in the same sitting.
                rows = Product([.. parameters.Select(p => p.Values)]);
                break;
            // Shape first, peer last: the peers of one shape run one after another, in the same sitting.
            case SuiteNames.Peers:
                var shapes = PeerShapes(settings);
                parameters =
                [
                    ("M", typeof(int), [.. shapes.Select(x => (object)x.M).Distinct()]),
                    ("KN", typeof(int), [.. shapes.Select(x => (object)x.KN).Distinct()]),
                    ("Regime", typeof(string), [.. shapes.Select(x => (object)x.Regime).Distinct()]),
                    ("Peer", typeof(string), [.. settings.Peers]),
                ];
                rows = shapes.SelectMany(x => settings.Peers.Select(peer => new object[] { x.M, x.KN, x.Regime, peer }));
                break;
            case SuiteNames.Rnnt:
                parameters =
                [
                    ("Preset", typeof(string), [.. settings.Presets]),
                    ("ChunkTokens", typeof(int), [.. settings.StepChunkTokens.Cast<object>()]),
                    ("Fold", typeof(int), [.. settings.Folds.Cast<object>()]),
                    ("Path", typeof(string), [modelPath]),
                    ("SymbolStepsPerFrame", typeof(int), [settings.RnntSymbolStepsPerFrame]),
                    .. ThreadsParameter(settings),
                    .. PrecisionParameter(settings),
                ];
                // Precision innermost of the parameters (the four parts of a cell still run together, inside each precision).
                rows = Product([.. parameters.Select(p => p.Values)]);
                break;
            default:
                (parameters, rows) = ModelCases(suite, settings, modelPath);
                if (SweepSettings.PrecisionSuites.Contains(suite)) (parameters, rows) = WithPrecisions(parameters, rows, settings);
                break;
        }
        var definitions = parameters.Select((p, i) => new ParameterDefinition(p.Name, isStatic: false, p.Values, isArgument: false, p.Type, i)).ToArray();

        // Parameters outside, methods inside: the parts of one rnnt case (step, encoder, predictor, joiner) run one
        // after another, in the same sitting. (The other suites have one method each.)
        var cases = new List<BenchmarkCase>();
        var methods = BenchmarkConverter.TypeToBenchmarks(type, config).BenchmarksCases;
        foreach (var values in rows.ToList())
            foreach (var bc in methods)
            {
                var instances = definitions.Select((d, i) => new ParameterInstance(d, values[i], bc.Config.SummaryStyle)).ToArray();
                cases.Add(BenchmarkCase.Create(bc.Descriptor, bc.Job, new ParameterInstances(instances), bc.Config));
            }
        return cases;
    }

    /// <summary>
    /// The peers suite's shapes: the kernel suite's M × K=N × regimes, then the folded projection's kernel call of the
    /// projections suite for each preset × peer chunk × fold (M = fold·(T + R) rows, K = N = D/fold), with weights
    /// streamed as the model's are (a whole encoder's projections, layer after layer, exceed the caches at fold 1) when the
    /// streamed regime is swept; each shape once.
    /// </summary>
    public static IReadOnlyList<(int M, int KN, string Regime)> PeerShapes(SweepSettings settings)
    {
        var shapes = new List<(int M, int KN, string Regime)>();
        foreach (int m in settings.KernelM)
            foreach (int kn in settings.KernelKN)
                foreach (string regime in settings.Regimes)
                    shapes.Add((m, kn, regime));
        foreach (string preset in settings.Regimes.Contains(RegimeNames.Streamed) ? settings.Presets : [])
            foreach (int chunk in settings.PeerChunkTokens)
                foreach (int fold in settings.Folds)
                {
                    var c = ModelPresets.Get(preset).WithChunk(chunk);
                    if (c.Width % fold != 0) continue; // the model suites refuse such a fold with their own message
                    shapes.Add((fold * ProjectionBenchmarks.Rows(c), c.Width / fold, RegimeNames.Streamed));
                }
        return [.. shapes.Distinct()];
    }

    /// <summary>
    /// The folding options a suite's parameters carry: the projections suite runs only projections, so it has no head
    /// policy and no FFN; the attention block has no FFN; the encoder step has all four.
    /// </summary>
    public static IReadOnlyList<string> FoldingParameters(string suite) => suite switch
    {
        SuiteNames.Projections => [nameof(ModelSuiteBase.Sharing), nameof(ModelSuiteBase.Projections)],
        SuiteNames.Attention => [nameof(ModelSuiteBase.Heads), nameof(ModelSuiteBase.Sharing), nameof(ModelSuiteBase.Projections)],
        SuiteNames.Encoder => [nameof(ModelSuiteBase.Heads), nameof(ModelSuiteBase.Sharing), nameof(ModelSuiteBase.Projections), nameof(ModelSuiteBase.FoldFfn)],
        _ => [],
    };

    /// <summary>
    /// Every folding variant <paramref name="suite"/> runs at <paramref name="fold"/>: one per combination of the settings'
    /// options that the suite has (<see cref="FoldingParameters"/>), in the settings' order; at fold 1 only the unfolded
    /// model, which the options do not change.
    /// </summary>
    public static IReadOnlyList<FoldingOptions> FoldingVariants(string suite, SweepSettings settings, int fold)
    {
        if (fold == 1) return [FoldingOptions.Unfolded];
        var has = FoldingParameters(suite);
        IEnumerable<T> Axis<T>(string name, IReadOnlyList<T> values, T unfolded) =>
            has.Contains(name) ? values.Distinct() : [unfolded];
        var d = FoldingOptions.Unfolded;
        return [.. from h in Axis(nameof(ModelSuiteBase.Heads), settings.Heads, d.Heads)
                   from s in Axis(nameof(ModelSuiteBase.Sharing), settings.Sharing, d.Sharing)
                   from p in Axis(nameof(ModelSuiteBase.Projections), settings.Projections, d.Projections)
                   from f in Axis(nameof(ModelSuiteBase.FoldFfn), settings.FoldFfn, d.FoldFfn)
                   select new FoldingOptions(fold, h, s, p, f)];
    }

    /// <summary>Preset × chunk × fold × the fold's variants, slowest first, then the path; no repeated unfolded case.</summary>
    private static (IReadOnlyList<(string, Type, object[])> Parameters, IEnumerable<object[]> Rows) ModelCases(string suite, SweepSettings settings, string modelPath)
    {
        var chunks = suite == SuiteNames.Projections ? settings.ChunkTokens : settings.StepChunkTokens;
        var folding = FoldingParameters(suite);
        var variants = settings.Folds.Distinct().SelectMany(n => FoldingVariants(suite, settings, n)).ToList();
        object[] Values(FoldingOptions o) => [.. folding.Select(name => ModelSuiteBase.Spelling(o, name))];

        var parameters = new List<(string, Type, object[])>
        {
            ("Preset", typeof(string), [.. settings.Presets]),
            ("ChunkTokens", typeof(int), [.. chunks.Cast<object>()]),
            ("Fold", typeof(int), [.. settings.Folds.Distinct().Cast<object>()]),
        };
        parameters.AddRange(folding.Select((name, i) => (name, name == nameof(ModelSuiteBase.FoldFfn) ? typeof(bool) : typeof(string),
            variants.Select(v => Values(v)[i]).Distinct().ToArray())));
        parameters.Add(("Path", typeof(string), [modelPath]));
        parameters.AddRange(ThreadsParameter(settings));
        IEnumerable<object[]> threads = settings.ThreadsVary ? settings.Threads.Distinct().Select(t => new object[] { t }) : [[]];

        // Thread counts innermost: the counts of one case run one after another, in the same sitting.
        var rows = from preset in settings.Presets
                   from chunk in chunks
                   from o in variants
                   from t in threads
                   select (object[])[preset, chunk, o.Fold, .. Values(o), modelPath, .. t];
        return (parameters, rows);
    }

    /// <summary>The model suites' "Threads" parameter when the settings vary it; none when every case runs on one thread.</summary>
    private static IEnumerable<(string, Type, object[])> ThreadsParameter(SweepSettings settings) =>
        settings.ThreadsVary ? [(nameof(ModelSuiteBase.Threads), typeof(int), [.. settings.Threads.Distinct().Cast<object>()])] : [];

    /// <summary>The name of the precision parameter of the suites that run int8 (<see cref="SweepSettings.PrecisionSuites"/>).</summary>
    public const string PrecisionParameterName = "Precision";

    /// <summary>
    /// The "Precision" parameter ("fp32", "int8") when the settings ask for a precision other than fp32; none when every
    /// case runs in fp32, so the names of fp32-only runs stay those of runs before int8 existed (as <see cref="ThreadsParameter"/>).
    /// </summary>
    public static IEnumerable<(string Name, Type Type, object[] Values)> PrecisionParameter(SweepSettings settings) =>
        settings.PrecisionsVary ? [(PrecisionParameterName, typeof(string), [.. settings.Precisions.Distinct().Select(p => (object)p.Name())])] : [];

    /// <summary>Each row once per precision, innermost (a case's fp32 and int8 runs sit together), when precisions vary.</summary>
    public static (IReadOnlyList<(string, Type, object[])> Parameters, IEnumerable<object[]> Rows) WithPrecisions(
        IReadOnlyList<(string, Type, object[])> parameters, IEnumerable<object[]> rows, SweepSettings settings)
    {
        var precision = PrecisionParameter(settings).ToList();
        if (precision.Count == 0) return (parameters, rows);
        return ([.. parameters, .. precision], rows.SelectMany(r => precision[0].Values.Select(v => (object[])[.. r, v])));
    }

    /// <summary>The precision a case runs in: its "Precision" parameter, fp32 for cases and runs without one.</summary>
    public static Precision PrecisionOf(BenchmarkCase bc) =>
        bc.Parameters.Items.Any(p => p.Name == PrecisionParameterName) ? Precisions.Parse(CaseDescriber.Param<string>(bc, PrecisionParameterName)) : Precision.Fp32;

    /// <summary>
    /// Why the case cannot run in this process, or null: a peer library that is not installed; an int8 case whose fp32
    /// path has no int8 counterpart (portable) or whose counterpart this CPU lacks.
    /// </summary>
    public static string? Unavailable(string suite, BenchmarkCase bc)
    {
        if (suite == SuiteNames.Peers) return PeerBenchmarks.WhyNot(CaseDescriber.Param<string>(bc, "Peer"));
        if (!SweepSettings.PrecisionSuites.Contains(suite) || PrecisionOf(bc) != Precision.Int8) return null;
        var path = KernelPaths.Parse(CaseDescriber.Param<string>(bc, "Path"));
        if (Precisions.Int8Counterpart(path) is not { } q)
            return $"path '{path.Name()}' has no int8 counterpart (int8 paths: {string.Join(", ", QuantizedPaths.All.Select(QuantizedPaths.Name))})";
        if (!QuantizedPaths.IsSupported(q))
            return $"int8 path '{q.Name()}' (the counterpart of '{path.Name()}') is not supported on this CPU/runtime";
        return null;
    }

    private static IEnumerable<object[]> Product(object[][] axes)
    {
        IEnumerable<object[]> rows = [[]];
        foreach (var axis in axes)
            rows = rows.SelectMany(row => axis.Select(v => (object[])[.. row, v])).ToList();
        return rows;
    }
}
