using Microsoft.Win32.SafeHandles;

namespace FoldBench.Energy.IO;

/// <summary>
/// The one seam through which every counter file is opened. Tests inject a denying implementation
/// because they run as root, and root ignores file modes: a chmod 000 fixture would still open.
/// </summary>
public interface IFileAccess
{
    /// <summary>Opens <paramref name="path"/> for reading; throws <see cref="UnauthorizedAccessException"/>,
    /// <see cref="FileNotFoundException"/> or <see cref="IOException"/> exactly as the OS would.</summary>
    SafeFileHandle OpenRead(string path);
}

/// <summary>The real file system.</summary>
public sealed class OsFileAccess : IFileAccess
{
    public static readonly OsFileAccess Instance = new();

    public SafeFileHandle OpenRead(string path) =>
        // FileShare.ReadWrite|Delete: the fixture writer rewrites these files in place while we hold them.
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
}
