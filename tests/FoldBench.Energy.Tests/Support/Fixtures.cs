using FoldBench.Energy.Simulation;

namespace FoldBench.Energy.Tests.Support;

/// <summary>Shorthands for tests: a writer-built fixture in a temp folder, and file edits inside it.</summary>
public sealed class Fixture : IDisposable
{
    private readonly TempDir _dir = new();

    public FixtureWriter Writer { get; }
    public string Root => Writer.Root;

    public Fixture(FixtureLayout layout, IPowerModel? model = null, FixtureWriterOptions? options = null) =>
        Writer = FixtureWriter.Create(_dir.Sub("root"), layout, model ?? new ConstantPower(10), options);

    public EnergyOptions Options(EnergyOptions? template = null) => Writer.EnergyOptions(template);

    public string Path(string kernelPath) => System.IO.Path.Combine(Root, kernelPath.TrimStart('/'));

    /// <summary>Overwrites a fixture file in place (readers keep handles open).</summary>
    public void Write(string kernelPath, string content)
    {
        using var f = new FileStream(Path(kernelPath), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var bytes = System.Text.Encoding.ASCII.GetBytes(content);
        f.Write(bytes);
        f.SetLength(bytes.Length);
    }

    public string Read(string kernelPath) => File.ReadAllText(Path(kernelPath)).Trim();

    public void Dispose()
    {
        Writer.Dispose();
        _dir.Dispose();
    }
}
