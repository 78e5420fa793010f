namespace FoldBench.Regression.Tests;

internal static class Fixture
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    /// <summary>A fresh temporary folder, removed when disposed.</summary>
    public sealed class TempDir : IDisposable
    {
        public string FullName { get; } = Directory.CreateTempSubdirectory("foldbench-regression-test-").FullName;
        public string File(string name) => System.IO.Path.Combine(FullName, name);
        public void Dispose() { try { Directory.Delete(FullName, recursive: true); } catch (IOException) { } }
    }
}
