using System.Text.Json.Serialization;
using FoldBench.Platform;
using FoldBench.Platform.Topology;
using FoldBench.Platform.Emulation;

namespace FoldBench.Results;

/// <summary>
/// FoldBench's own results file, <c>summary.json</c>, schema <c>foldbench/1</c>: one per results folder,
/// rewritten atomically after every finished case so that an interrupted sweep keeps what it finished.
/// </summary>
public sealed class RunSummary
{
    public const string SchemaId = "foldbench/1";

    public string Schema { get; set; } = SchemaId;

    /// <summary>The FoldBench version that wrote the file.</summary>
    public string? Tool { get; set; }

    public DateTimeOffset StartedUtc { get; set; }
    public DateTimeOffset? FinishedUtc { get; set; }

    /// <summary>False while the sweep runs and when it was interrupted: the cases below are the finished ones.</summary>
    public bool Complete { get; set; }

    /// <summary>"quick", "default", "dry", …: the job the sweep ran with.</summary>
    public string? Job { get; set; }

    /// <summary>The command line that produced this run.</summary>
    public string? CommandLine { get; set; }

    public MachineInfo Machine { get; set; } = new();

    /// <summary>This machine's measured roofs, measured once per run.</summary>
    public Calibration? Calibration { get; set; }

    /// <summary>What the run knew about energy: sources, the idle baseline, why energy is missing.</summary>
    public EnergyRunInfo? Energy { get; set; }

    /// <summary>Where the measuring thread ran (`--cpu`): its CPU, that CPU's type and why it was chosen; the workers of `--threads`.</summary>
    public PlacementInfo? Placement { get; set; }

    /// <summary>The peer libraries of the peers suite: whether each could run and what ran (version, core type); null without that suite.</summary>
    public List<PeerInfo>? Peers { get; set; }

    public List<CaseResult> Cases { get; set; } = [];

    /// <summary>Everything a reader must know before trusting the numbers (no energy source, emulation, noise…).</summary>
    public List<string> Caveats { get; set; } = [];
}

public sealed class MachineInfo
{
    /// <summary>Short name used for the results folder (host name, or --machine).</summary>
    public string Name { get; set; } = "";
    public string CpuModel { get; set; } = "";
    /// <summary>
    /// The CPU's identity beyond its marketing name: "AuthenticAMD family 26 model 2 stepping 1" on x86,
    /// "arm implementer 0x41 part 0xd0b" on ARM. Two VMs can both call themselves "AMD EPYC" and be
    /// Zen 3 and Zen 5: timings only compare within one identity. Null when the OS does not say.
    /// </summary>
    public string? CpuId { get; set; }
    public string Architecture { get; set; } = "";
    public List<string> IsaFeatures { get; set; } = [];
    public int Cores { get; set; }
    public string Os { get; set; } = "";
    public string DotnetVersion { get; set; } = "";
    /// <summary>True when the process runs under emulation (qemu-user, Rosetta 2, Windows on ARM's x64 emulation): timings then mean nothing.</summary>
    public bool Emulated { get; set; }
    /// <summary>Which emulator and how the check decided, native or not (null in files written before it was recorded).</summary>
    public EmulationInfo? Emulation { get; set; }
    /// <summary>The energy sources found and their state (usable or why not).</summary>
    public List<EnergySourceInfo> EnergySources { get; set; } = [];
    /// <summary>Each CPU's type (big, mid, little, uniform, unknown) and the facts behind it; null in files written before it was recorded.</summary>
    public CpuTypesInfo? CpuTypes { get; set; }
    /// <summary>
    /// How the JIT was configured in the measuring process (null in files written before it was recorded):
    /// with tiered compilation on, a method starts in unoptimized tier-0 code and is promoted later, so a
    /// measurement can catch tier-0 code.
    /// </summary>
    public JitSettings? Jit { get; set; }

    /// <summary>This machine, from FoldBench.Platform's probe; <paramref name="name"/> (--machine) or the host name, made safe for a folder name.</summary>
    public static MachineInfo Describe(string? name = null) => new()
    {
        Name = MachineProbe.Sanitize(name ?? Environment.MachineName),
        CpuModel = MachineProbe.CpuModel(),
        CpuId = MachineProbe.CpuId(),
        Architecture = MachineProbe.ArchitectureName,
        IsaFeatures = MachineProbe.IsaFeatures(),
        Cores = Environment.ProcessorCount,
        Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        DotnetVersion = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        Emulated = EmulationProbe.Detect().Emulated,
        Emulation = EmulationInfo.From(EmulationProbe.Detect()),
        Jit = JitSettingsOf(Environment.GetEnvironmentVariable, AppContext.GetData),
        CpuTypes = CpuTypesInfo.Of(CpuTopology.Current()),
    };

    /// <summary>
    /// The JIT switches as the runtime resolves them: a DOTNET_ (or legacy COMPlus_) environment variable
    /// wins over the runtimeconfig.json property, which wins over the default (all four on since .NET 8).
    /// The readers are parameters so that tests can give their own.
    /// </summary>
    public static JitSettings JitSettingsOf(Func<string, string?> environment, Func<string, object?> runtimeConfig)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(runtimeConfig);
        var overrides = new List<string>();
        bool Read(string variable, string? property)
        {
            foreach (var prefix in (string[])["DOTNET_", "COMPlus_"])
                if (environment(prefix + variable) is { Length: > 0 } v)
                {
                    bool on = v.Trim() != "0";
                    if (!on) overrides.Add($"{prefix}{variable}={v.Trim()}");
                    return on;
                }
            if (property is not null && runtimeConfig(property) is { } value && bool.TryParse(value.ToString(), out bool set))
            {
                if (!set) overrides.Add($"{property}=false");
                return set;
            }
            return true;
        }
        return new JitSettings
        {
            TieredCompilation = Read("TieredCompilation", "System.Runtime.TieredCompilation"),
            TieredPgo = Read("TieredPGO", "System.Runtime.TieredPGO"),
            ReadyToRun = Read("ReadyToRun", null),
            QuickJitForLoops = Read("TC_QuickJitForLoops", "System.Runtime.TieredCompilation.QuickJitForLoops"),
            Overrides = overrides,
        };
    }
}


/// <summary>The JIT switches that change what code a benchmark runs, as the measuring process had them.</summary>
public sealed class JitSettings
{
    /// <summary>Tiered compilation (tier-0 code first, optimized later); off: every method fully optimized at once.</summary>
    public bool TieredCompilation { get; set; }
    /// <summary>Dynamic PGO (an instrumented tier between tier 0 and tier 1).</summary>
    public bool TieredPgo { get; set; }
    /// <summary>Precompiled (ReadyToRun) framework code used where present.</summary>
    public bool ReadyToRun { get; set; }
    /// <summary>Methods with loops start in tier 0 too (then leave it by on-stack replacement).</summary>
    public bool QuickJitForLoops { get; set; }
    /// <summary>The settings that differed from the runtime's defaults and where each came from ("DOTNET_TieredCompilation=0").</summary>
    public List<string> Overrides { get; set; } = [];
}

public sealed class EnergySourceInfo
{
    /// <summary>e.g. "powercap-rapl", "msr-rapl-amd", "battery", "windows-emi", "external-trace".</summary>
    public string Name { get; set; } = "";
    /// <summary>"usable", "absent", "permission-denied", "charging", "malformed", "unsupported-os".</summary>
    public string State { get; set; } = "";
    /// <summary>Why it is (not) usable, in words; for permission-denied, the exact command that grants access.</summary>
    public string? Reason { get; set; }
    public List<string> Domains { get; set; } = [];
    /// <summary>True when the source models power rather than measuring it.</summary>
    public bool Estimated { get; set; }
    /// <summary>"measured", "simulated" or "trace" (<see cref="EnergyProvenance"/>).</summary>
    public string? Provenance { get; set; }
}

public sealed class Calibration
{
    /// <summary>One core's measured FMA throughput peak, fp32 GFLOP/s.</summary>
    public double FmaPeakGflops { get; set; }
    /// <summary>One core's measured streaming-read bandwidth from memory (larger than the last-level cache), GB/s.</summary>
    public double BandwidthGBs { get; set; }
    /// <summary>One core's measured read bandwidth for a cache-resident buffer, GB/s (null if not measured).</summary>
    public double? CacheBandwidthGBs { get; set; }
    public string? Method { get; set; }

    /// <summary>FMA peak per vector width ("scalar", "128", "256", "512"), fp32 GFLOP/s: the best of the start and end measurements.</summary>
    public Dictionary<string, double>? FmaPeakGflopsByWidth { get; set; }
    /// <summary>Read bandwidth per memory level ("L1", "L2", "L3", …, "memory"), GB/s: the best of the start and end measurements.</summary>
    public Dictionary<string, double>? BandwidthGBsByLevel { get; set; }
    /// <summary>Buffer size read to measure each level, bytes.</summary>
    public Dictionary<string, long>? BufferBytesByLevel { get; set; }
    /// <summary>
    /// Read bandwidth of a buffer exactly as large as a case's weights, keyed by its size in bytes (invariant decimal), GB/s:
    /// the best of the start and end measurements. A case that re-reads the same weights every operation is bound by
    /// this, not by the level its size falls in: a footprint just over a cache still hits it in part.
    /// </summary>
    public Dictionary<string, double>? BandwidthGBsByFootprint { get; set; }
    /// <summary>Capacity of each cache level (data or unified, per core's view), bytes; "memory" has none.</summary>
    public Dictionary<string, long>? CacheBytesByLevel { get; set; }
    /// <summary>Where the cache sizes came from: "sysfs", "cpuid", or "size sweep" (levels then named by buffer size).</summary>
    public string? CacheSource { get; set; }
    /// <summary>
    /// One core's measured peak of each int8 path's instructions ("int8-avxvnni": vpdpbusd chains; "int8-avx2": the
    /// vpsignb, vpmaddubsw, vpmaddwd, vpaddd sequence of that kernel; "int8-neondot": sdot; "int8-neon": smull, sadalp),
    /// GOP/s (one multiply-accumulate = 2 operations): the best of the start and end measurements. Null when the run had
    /// no int8 case; a path without a measured peak (int8-scalar) has no int8 roofline.
    /// </summary>
    public Dictionary<string, double>? Int8PeakGopsByPath { get; set; }
    /// <summary>The roofs measured before the first case.</summary>
    public RoofSet? Start { get; set; }
    /// <summary>The roofs measured again after the last case (null when the run stopped before).</summary>
    public RoofSet? End { get; set; }
    /// <summary>
    /// The run's own noise: the largest relative spread of any roof's rounds, (best − median) / best, over both measurements
    /// (at least <see cref="Roofline.NoiseFloor"/>).
    /// </summary>
    public double? NoiseFraction { get; set; }
    /// <summary>The largest relative disagreement between a roof's start and end value, |start − end| / max.</summary>
    public double? DriftFraction { get; set; }
    /// <summary>False when start and end disagree by more than the noise, or a case exceeds 100% of its roof; null before judged.</summary>
    public bool? Stable { get; set; }
    public string? UnstableReason { get; set; }
}

/// <summary>One measurement of every roof: the best round of each, and the spread of its rounds.</summary>
public sealed class RoofSet
{
    public Dictionary<string, double> FmaPeakGflopsByWidth { get; set; } = [];
    /// <summary>Int8 instruction peaks per int8 path, GOP/s; see <see cref="Calibration.Int8PeakGopsByPath"/>.</summary>
    public Dictionary<string, double> Int8PeakGopsByPath { get; set; } = [];
    public Dictionary<string, double> BandwidthGBsByLevel { get; set; } = [];
    /// <summary>Read bandwidth per weight footprint (bytes, invariant decimal), GB/s; see <see cref="Calibration.BandwidthGBsByFootprint"/>.</summary>
    public Dictionary<string, double> BandwidthGBsByFootprint { get; set; } = [];
    /// <summary>Per roof ("fma-256", "read-L2", …): (best − median) / best over its rounds (rates).</summary>
    public Dictionary<string, double> SpreadByRoof { get; set; } = [];
}

public sealed class EnergyRunInfo
{
    /// <summary>The source and domain the cases were measured with; null when none was usable.</summary>
    public string? Source { get; set; }
    public string? Domain { get; set; }
    /// <summary>Why the energy columns are empty, when they are.</summary>
    public string? UnavailableReason { get; set; }
    /// <summary>"measured", "simulated" or "trace" (<see cref="EnergyProvenance"/>): every figure of the run comes from this.</summary>
    public string? Provenance { get; set; }
    /// <summary>Idle power that net energy is taken above: the mean of the idle measurements (before and after the sweep).</summary>
    public double? IdleWatts { get; set; }
    /// <summary>
    /// ± bound on <see cref="IdleWatts"/>: the counter's timing and resolution bound, plus the idle's own noise (spread of
    /// its sub-windows) and drift (half the difference between before and after). It is scaled by each case's window
    /// into that case's net bound.
    /// </summary>
    public double? IdleBoundWatts { get; set; }
    /// <summary>Each idle measurement in order ("before", "after"), with its watts and counter bound.</summary>
    public List<IdleMeasurement> IdleMeasurements { get; set; } = [];
    /// <summary>Seconds the machine was left to settle before each idle measurement.</summary>
    public double? IdleSettleSeconds { get; set; }
    /// <summary>What every ± energy bound covers, and what it does not.</summary>
    public string? BoundCovers { get; set; }
    public double? UpdatePeriodSeconds { get; set; }
    /// <summary>Sampler cost: fraction of measured time spent sampling (0.003 = 0.3%).</summary>
    public double? SamplerOverheadFraction { get; set; }
    /// <summary>The CPUs the sampler thread ran on (kept off the benchmark's), e.g. "CPUs 0-6"; null when not placed.</summary>
    public string? SamplerPlacement { get; set; }
    /// <summary>Reads that failed without ending the source (gaps in the samples), the first ones with their reason.</summary>
    public int? SamplerGaps { get; set; }
    public List<string> SamplerGapReasons { get; set; } = [];
    /// <summary>Raw sample files, relative to the results folder.</summary>
    public List<string> SampleFiles { get; set; } = [];
}

/// <summary>One idle measurement: the process idle and the sampler running, after the machine settled.</summary>
public sealed class IdleMeasurement
{
    /// <summary>"before" (the sweep) or "after".</summary>
    public string When { get; set; } = "";
    public double Seconds { get; set; }
    public double Watts { get; set; }
    /// <summary>The counter's timing and resolution bound on <see cref="Watts"/>.</summary>
    public double BoundWatts { get; set; }
    /// <summary>Half the range of the watts of its sub-windows (null when too short to split).</summary>
    public double? NoiseWatts { get; set; }
}

public sealed class CaseResult
{
    /// <summary>"kernels", "projections", "attention", "encoder", "rnnt", "peers", "calibration".</summary>
    public string Suite { get; set; } = "";
    /// <summary>A short readable name, e.g. "avx2 M=16 K=512 N=512 cache".</summary>
    public string Name { get; set; } = "";
    /// <summary>BenchmarkDotNet's full benchmark name: the key `compare` matches cases by.</summary>
    public string FullName { get; set; } = "";
    /// <summary>The ISA path actually used ("scalar", "portable", "avx2", "avx512", "neon").</summary>
    public string Path { get; set; } = "";
    public string? Preset { get; set; }
    public int Fold { get; set; } = 1;
    /// <summary>
    /// Head policy of a folded case: "keep" (H heads of width D/(N·H)) or "reduce" (H/N heads of width D/H). Null where
    /// it changes nothing: unfolded cases (fold 1), suites without attention scores (projections, kernels), older results.
    /// </summary>
    public string? Heads { get; set; }
    /// <summary>Weight sharing of a folded case: "shared" (one (D/N)² block) or "block-diagonal" (one per sub-position); null unfolded.</summary>
    public string? Sharing { get; set; }
    /// <summary>Projections a folded case folds: "qkvo", or "qkv" (the output projection stays D×D); null unfolded.</summary>
    public string? Projections { get; set; }
    /// <summary>Whether a folded encoder case folds the FFN too; null unfolded and for suites without an FFN.</summary>
    public bool? FoldFfn { get; set; }
    public int? ChunkTokens { get; set; }
    public int? M { get; set; }
    public int? K { get; set; }
    public int? N { get; set; }
    /// <summary>"cache" (weights stay in cache) or "streamed" (rotated weight sets larger than the LLC).</summary>
    public string? Regime { get; set; }
    /// <summary>An <c>rnnt</c> case's part (<see cref="RnntPartNames"/>): "step", "encoder", "predictor" or "joiner".</summary>
    public string? Part { get; set; }
    /// <summary>An <c>rnnt</c> case's fixed symbol steps per frame: joiner and predictor calls for every encoder frame.</summary>
    public int? SymbolStepsPerFrame { get; set; }

    public double MedianNs { get; set; }
    public double? MeanNs { get; set; }
    public double? StdDevNs { get; set; }
    /// <summary>Standard deviation over mean of the iteration measurements.</summary>
    public double? CoefficientOfVariation { get; set; }
    /// <summary>Per-operation times of each measured iteration (ns): what `compare` tests statistically.</summary>
    public List<double>? SamplesNs { get; set; }

    /// <summary>
    /// Throughput in 10⁹ operations per second, one multiply-accumulate counting as 2: GFLOP/s for an fp32 case, GOP/s
    /// (integer operations) for an int8 case (<see cref="Precision"/>).
    /// </summary>
    public double? Gflops { get; set; }
    /// <summary>% of the widest width's fp32 FMA peak; null for int8 cases (their peak is <see cref="Calibration.Int8PeakGopsByPath"/>).</summary>
    public double? PctFmaPeak { get; set; }
    public double? GbPerS { get; set; }
    public double? PctBandwidth { get; set; }
    /// <summary>
    /// The case's roofline bound: min(peak of its path, intensity × bandwidth of the level its weights live in), GFLOP/s;
    /// for an int8 case the peak is its int8 instruction's (GOP/s) and the intensity counts int8 bytes.
    /// </summary>
    public double? RooflineGflops { get; set; }
    public double? PctRoofline { get; set; }
    /// <summary>
    /// One core's memory read rate measured right before and right after this case, GB/s: the better of the two probes,
    /// each the best of a few passes of the calibration's read loop over a buffer larger than the last-level cache. Only for
    /// cases whose weights rotate through memory (the <c>streamed</c> regime of the kernels and peers suites) in a run that
    /// calibrates; null otherwise. On a shared machine memory can be slower during a case than at the calibration: this says
    /// how fast it was then.
    /// </summary>
    public double? MemoryBesideGBs { get; set; }
    /// <summary>
    /// % of the roofline bound recomputed with <see cref="MemoryBesideGBs"/> for memory's bandwidth: min(peak, intensity ×
    /// the rate beside the case). Null without that rate. Above 100% it marks the calibration unstable as
    /// <see cref="PctRoofline"/> does.
    /// </summary>
    public double? PctRooflineBeside { get; set; }
    /// <summary>
    /// Throughput as % of the machine's peak in the case's precision: the widest width's FMA peak (fp32), the fastest
    /// measured int8 instruction's peak (int8), whatever path the case used.
    /// </summary>
    public double? PctMachinePeak { get; set; }
    /// <summary>
    /// The peak the roofline bound used — an FMA width ("scalar", "128", "256", "512") or, for int8, the int8 path
    /// ("int8-avxvnni", …) — and the memory level ("L2", "memory", …).
    /// </summary>
    public string? RoofWidth { get; set; }
    public string? RoofLevel { get; set; }
    public long? WeightBytes { get; set; }
    public double? BytesPerToken { get; set; }
    public double? TokensPerS { get; set; }
    /// <summary>Processing time over audio time (40 ms per token after 4× reduction of 10 ms frames); &lt; 1 keeps up.</summary>
    public double? RealTimeFactor { get; set; }
    public long? AllocatedBytes { get; set; }
    public long? PeakWorkingSetBytes { get; set; }
    /// <summary>Instructions executed per operation (deterministic mode), when measured.</summary>
    public double? Instructions { get; set; }
    /// <summary>The peers suite's library: "openblas", "tensorprimitives", "onnxruntime" or "foldbench".</summary>
    public string? Peer { get; set; }
    /// <summary>Why the case did not run here (a peer library that is not installed); its figures are then empty.</summary>
    public string? Unavailable { get; set; }
    /// <summary>Threads the case's projections were split across (`--threads`); 1 single-threaded, null in files written before it was recorded.</summary>
    public int? Threads { get; set; }
    /// <summary>Whether the case's output matched its double-precision reference (null when not checked).</summary>
    public bool? CorrectnessOk { get; set; }
    /// <summary>
    /// The number format the case's projections ran in: "fp32" or "int8" (int8 weights, one fp32 scale per output
    /// channel, activations quantized per row). Null in files written before int8 existed: fp32.
    /// </summary>
    public string? Precision { get; set; }
    /// <summary>An int8 case's fp32 path, whose int8 counterpart it ran (<see cref="Path"/> is then the int8 path); null for fp32 cases.</summary>
    public string? Fp32Path { get; set; }
    /// <summary>An int8 case's accuracy cost: its output against the fp32 projection in double precision; null for fp32 cases and unchecked ones.</summary>
    public QuantizationError? QuantizationError { get; set; }

    /// <summary>Energy attributed to this case; null when no source was usable (never zeros).</summary>
    public EnergyResult? Energy { get; set; }
}

/// <summary>
/// How far an int8 case's output lies from the fp32 projection computed in double precision, on the case's own seeded
/// inputs: the accuracy int8 costs.
/// </summary>
public sealed class QuantizationError
{
    /// <summary>max |Y_int8 − Y_fp32| over every output.</summary>
    public double MaxAbs { get; set; }
    /// <summary>√(mean (Y_int8 − Y_fp32)²) over every output.</summary>
    public double Rms { get; set; }
    /// <summary>max |Y_fp32|: the scale the errors are relative to.</summary>
    public double MaxAbsReference { get; set; }
    /// <summary><see cref="MaxAbs"/> / <see cref="MaxAbsReference"/> (0 when the reference is all zeros).</summary>
    public double RelativeMax => MaxAbsReference > 0 ? MaxAbs / MaxAbsReference : 0;
    /// <summary><see cref="Rms"/> / <see cref="MaxAbsReference"/>.</summary>
    public double RelativeRms => MaxAbsReference > 0 ? Rms / MaxAbsReference : 0;
}

public sealed class EnergyResult
{
    public string Source { get; set; } = "";
    public string Domain { get; set; } = "";
    /// <summary>False when the window was too short for the counter's update period: then the joule fields are null.</summary>
    public bool Attributable { get; set; }
    public string? Reason { get; set; }
    /// <summary>True when the figures come from a model rather than a meter (simulated counters included).</summary>
    public bool Estimated { get; set; }
    /// <summary>"measured", "simulated" or "trace" (<see cref="EnergyProvenance"/>); null in results older than the field.</summary>
    public string? Provenance { get; set; }
    public double WindowSeconds { get; set; }
    /// <summary>Operations run inside the windows (what the per-op figures divide by).</summary>
    public long? Operations { get; set; }
    /// <summary>Tokens one operation processes (null: no per-token figures).</summary>
    public double? TokensPerOp { get; set; }
    /// <summary>± bound on the gross joules per op: the counter's timing at the window edges and its resolution.</summary>
    public double? GrossUncertaintyJoulesPerOp { get; set; }
    public double? GrossJoulesPerOp { get; set; }
    public double? NetJoulesPerOp { get; set; }
    public double? GrossJoulesPerToken { get; set; }
    public double? NetJoulesPerToken { get; set; }
    /// <summary>Average power over the window (gross).</summary>
    public double? AverageWatts { get; set; }
    /// <summary>Average power above the idle baseline.</summary>
    public double? NetWatts { get; set; }
    public double? IdleWatts { get; set; }
    /// <summary>
    /// ± bound on the per-op joules: the net bound when an idle baseline exists (counter timing and resolution, plus the
    /// idle's noise and drift over the window), else the gross one. Not covered: the counter's own model error.
    /// </summary>
    public double? UncertaintyJoulesPerOp { get; set; }
    /// <summary>± bound on the per-token joules.</summary>
    public double? UncertaintyJoulesPerToken { get; set; }
}

/// <summary>One library of the peers suite, as found in this process.</summary>
public sealed class PeerInfo
{
    public string Name { get; set; } = "";
    public bool Available { get; set; }
    /// <summary>Why it cannot run (and how to fix that); null when available.</summary>
    public string? Reason { get; set; }
    /// <summary>What ran: version, core type and configuration, formulation, session options.</summary>
    public Dictionary<string, string> Notes { get; set; } = [];
}

/// <summary>The machine's core types, from FoldBench.Platform's topology probe (<see cref="CpuTopology"/>).</summary>
public sealed class CpuTypesInfo
{
    /// <summary>What told the types apart ("cpu_capacity", "Intel hybrid core type …", "MIDR part", …) or why all are one type.</summary>
    public string Basis { get; set; } = "";
    /// <summary>More than one type of core.</summary>
    public bool Hybrid { get; set; }
    /// <summary>"big: CPUs 4-7 (Cortex-A76), little: CPUs 0-3 (Cortex-A55); cpu_capacity".</summary>
    public string Summary { get; set; } = "";
    /// <summary>Every online CPU; empty where the OS does not number them by type (macOS: see <see cref="Summary"/>).</summary>
    public List<CpuTypeInfo> Cpus { get; set; } = [];

    public static CpuTypesInfo Of(CpuTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return new CpuTypesInfo
        {
            Basis = topology.Basis,
            Hybrid = topology.IsHybrid,
            Summary = topology.Describe(),
            Cpus = [.. topology.Cores.Select(c => new CpuTypeInfo
            {
                Cpu = c.Cpu, Type = c.Type, Capacity = c.Capacity, MaxFrequencyKHz = c.MaxFrequencyKHz, Implementer = c.Implementer,
                Part = c.Part, PartName = c.PartName, HybridType = c.HybridType, EfficiencyClass = c.EfficiencyClass,
            })],
        };
    }
}

/// <summary>One CPU's type and the facts it was decided from (null where the OS does not give them).</summary>
public sealed class CpuTypeInfo
{
    public int Cpu { get; set; }
    /// <summary>"big", "mid", "little", "uniform" or "unknown".</summary>
    public string Type { get; set; } = "";
    /// <summary>Linux cpu_capacity (1024 for the fastest CPU).</summary>
    public int? Capacity { get; set; }
    /// <summary>Linux cpufreq cpuinfo_max_freq, kHz.</summary>
    public long? MaxFrequencyKHz { get; set; }
    /// <summary>ARM MIDR implementer and part number ("0x41", "0xd0b"), and the part's name ("Cortex-A76").</summary>
    public string? Implementer { get; set; }
    public string? Part { get; set; }
    public string? PartName { get; set; }
    /// <summary>Intel hybrid: "core" (P-core) or "atom" (E-core).</summary>
    public string? HybridType { get; set; }
    /// <summary>Windows: the CPU set's efficiency class (higher is faster).</summary>
    public int? EfficiencyClass { get; set; }
}

/// <summary>Where a run's measuring thread and its projection workers ran.</summary>
public sealed class PlacementInfo
{
    /// <summary>The CPU the benchmark thread was pinned to; null when unpinned.</summary>
    public int? Cpu { get; set; }
    /// <summary>That CPU's type ("big", "little", "uniform", …); null when unpinned.</summary>
    public string? CoreType { get; set; }
    /// <summary>Why that CPU, in words (the default on a hybrid machine says which type it chose and why).</summary>
    public string Reason { get; set; } = "";
    /// <summary>x86 hybrid: the core type CPUID leaf 0x1A reported on the pinned thread ("core", "atom"); null where not said.</summary>
    public string? CpuidCoreType { get; set; }
    /// <summary>Per thread count above 1 (invariant decimal): the CPUs of its workers, in worker order.</summary>
    public Dictionary<string, List<int>>? WorkerCpus { get; set; }
}
