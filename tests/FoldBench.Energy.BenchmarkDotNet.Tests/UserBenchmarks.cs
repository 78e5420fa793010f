using BenchmarkDotNet.Attributes;

namespace FoldBench.Energy.BenchmarkDotNet.Tests;

// Benchmarks as a user of the package writes them: nothing FoldBench-specific but the attribute.

public class Summing
{
    private readonly double[] _data = Enumerable.Range(0, 4096).Select(i => i * 0.5).ToArray();

    [Benchmark]
    public double Sum()
    {
        double s = 0;
        foreach (var x in _data) s += x;
        return s;
    }
}

[EnergyDiagnoser]
public class AttributedSumming
{
    [Benchmark]
    public int Count() => Environment.ProcessorCount;
}
