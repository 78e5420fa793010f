using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Running;
using FoldBench.Benchmarks.Suites;
using FoldBench.Kernels;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// The BenchmarkDotNet cases of one suite, with parameter values taken from a <see cref="SweepSettings"/>
/// instance: BenchmarkDotNet finds the benchmark methods and the job, and each case gets its parameters
/// explicitly, so nothing is read from a static while the suites run.
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
        IReadOnlyList<(string Name, Type Type, object[] Values)> parameters = suite switch
        {
            SuiteNames.Kernels =>
            [
                ("Path", typeof(string), [.. settings.KernelPaths.Select(p => KernelPaths.Parse(p).Name()).Distinct()]),
                ("M", typeof(int), [.. settings.KernelM.Cast<object>()]),
                ("KN", typeof(int), [.. settings.KernelKN.Cast<object>()]),
                ("Regime", typeof(string), [.. settings.Regimes]),
            ],
            // Shape first, peer last: the peers of one shape run one after another, in the same sitting.
            SuiteNames.Peers =>
            [
                ("M", typeof(int), [.. settings.KernelM.Cast<object>()]),
                ("KN", typeof(int), [.. settings.KernelKN.Cast<object>()]),
                ("Regime", typeof(string), [.. settings.Regimes]),
                ("Peer", typeof(string), [.. settings.Peers]),
            ],
            SuiteNames.Rnnt =>
            [
                ("Preset", typeof(string), [.. settings.Presets]),
                ("ChunkTokens", typeof(int), [.. settings.StepChunkTokens.Cast<object>()]),
                ("Fold", typeof(int), [.. settings.Folds.Cast<object>()]),
                ("Path", typeof(string), [modelPath]),
                ("SymbolStepsPerFrame", typeof(int), [settings.RnntSymbolStepsPerFrame]),
            ],
            _ =>
            [
                ("Preset", typeof(string), [.. settings.Presets]),
                ("ChunkTokens", typeof(int), [.. (suite == SuiteNames.Projections ? settings.ChunkTokens : settings.StepChunkTokens).Cast<object>()]),
                ("Fold", typeof(int), [.. settings.Folds.Cast<object>()]),
                ("Path", typeof(string), [modelPath]),
            ],
        };
        var definitions = parameters.Select((p, i) => new ParameterDefinition(p.Name, isStatic: false, p.Values, isArgument: false, p.Type, i)).ToArray();

        // Parameters outside, methods inside: the parts of one rnnt case (step, encoder, predictor, joiner) run one
        // after another, in the same sitting. (The other suites have one method each.)
        var cases = new List<BenchmarkCase>();
        var methods = BenchmarkConverter.TypeToBenchmarks(type, config).BenchmarksCases;
        foreach (var values in Product(definitions.Select(d => d.Values).ToArray()))
            foreach (var bc in methods)
            {
                var instances = definitions.Select((d, i) => new ParameterInstance(d, values[i], bc.Config.SummaryStyle)).ToArray();
                cases.Add(BenchmarkCase.Create(bc.Descriptor, bc.Job, new ParameterInstances(instances), bc.Config));
            }
        return cases;
    }

    /// <summary>Why the case cannot run in this process (a peer library that is not installed), or null.</summary>
    public static string? Unavailable(string suite, BenchmarkCase bc) =>
        suite == SuiteNames.Peers ? PeerBenchmarks.WhyNot(CaseDescriber.Param<string>(bc, "Peer")) : null;

    private static IEnumerable<object[]> Product(object[][] axes)
    {
        IEnumerable<object[]> rows = [[]];
        foreach (var axis in axes)
            rows = rows.SelectMany(row => axis.Select(v => (object[])[.. row, v])).ToList();
        return rows;
    }
}
