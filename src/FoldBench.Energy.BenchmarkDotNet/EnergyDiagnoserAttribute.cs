using BenchmarkDotNet.Configs;

namespace FoldBench.Energy.BenchmarkDotNet;

/// <summary>
/// <c>[EnergyDiagnoser]</c> on a benchmark class (or its assembly) adds the energy columns to its summary. Sources are
/// found as <see cref="EnergyOptions.FromEnvironment"/> says (FOLDBENCH_SYSFS_ROOT, FOLDBENCH_ENERGY_TRACE, …, else /sys).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly)]
public sealed class EnergyDiagnoserAttribute : Attribute, IConfigSource
{
    /// <param name="idleSeconds">Idle baseline measured before the first benchmark (at least 100 counter update periods).</param>
    public EnergyDiagnoserAttribute(double idleSeconds = 1) =>
        Config = ManualConfig.CreateEmpty().AddDiagnoser(new EnergyDiagnoser(EnergyOptions.FromEnvironment(), TimeSpan.FromSeconds(idleSeconds)));

    public IConfig Config { get; }
}
