using BenchmarkDotNet.Loggers;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>Keeps BenchmarkDotNet's own log in a file, so the terminal shows one progress line.</summary>
public sealed class FileLogger(TextWriter writer) : ILogger
{
    public string Id => nameof(FileLogger);
    public int Priority => 0;
    public void Write(LogKind logKind, string text) { lock (writer) writer.Write(text); }
    public void WriteLine() { lock (writer) writer.WriteLine(); }
    public void WriteLine(LogKind logKind, string text) { lock (writer) writer.WriteLine(text); }
    public void Flush() { lock (writer) writer.Flush(); }
}
