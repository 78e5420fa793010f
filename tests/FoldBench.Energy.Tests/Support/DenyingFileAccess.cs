using FoldBench.Energy.IO;
using Microsoft.Win32.SafeHandles;

namespace FoldBench.Energy.Tests.Support;

/// <summary>Refuses to open matching paths, as the kernel refuses a non-root user (tests run as root, which ignores modes).</summary>
public sealed class DenyingFileAccess(Func<string, bool> deny) : IFileAccess
{
    public SafeFileHandle OpenRead(string path)
    {
        if (deny(path)) throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
        return OsFileAccess.Instance.OpenRead(path);
    }
}
