namespace FoldBench.Reporting.Tests;

/// <summary>Generates charts and reports for both fixtures and their comparison once, for all chart tests.</summary>
public sealed class GeneratedRuns : IDisposable
{
    private readonly FixtureCopy _copy = new();

    public string X64Dir { get; }
    public string Arm64Dir { get; }
    public string CompareDir { get; }
    public IReadOnlyList<string> X64Files { get; }
    public IReadOnlyList<string> Arm64Files { get; }
    public IReadOnlyList<string> CompareFiles { get; }

    public GeneratedRuns()
    {
        X64Dir = _copy.Copy(FixtureCopy.X64);
        Arm64Dir = _copy.Copy(FixtureCopy.Arm64);
        CompareDir = _copy.Dir("compare");
        X64Files = ReportGenerator.Generate(X64Dir);
        Arm64Files = ReportGenerator.Generate(Arm64Dir);
        CompareFiles = ReportGenerator.GenerateComparison([X64Dir, Arm64Dir], CompareDir);
    }

    public string Plot(string dir, string name) => Path.Combine(dir, ReportGenerator.PlotsFolder, name);

    public void Dispose() => _copy.Dispose();
}
