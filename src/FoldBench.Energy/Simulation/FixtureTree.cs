using System.Globalization;

namespace FoldBench.Energy.Simulation;

/// <summary>Small helpers that lay files out the way sysfs does: attribute files, relative symlinks, modes.</summary>
internal sealed class FixtureTree(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The fixture path of a kernel path ("/sys/class/powercap" → ROOT/sys/class/powercap).</summary>
    public string At(string kernelPath) => Path.Combine(Root, kernelPath.TrimStart('/'));

    public void Dir(string kernelPath) => Directory.CreateDirectory(At(kernelPath));

    /// <summary>An attribute file with sysfs's trailing newline; mode as the kernel sets it (0444 read-only, 0644 writable limits, 0400 root-only).</summary>
    public void File(string kernelPath, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead)
    {
        string path = At(kernelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content.Length == 0 ? "" : content + "\n");
        if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(path, mode);
    }

    public void File(string kernelPath, long value, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead) =>
        File(kernelPath, value.ToString(CultureInfo.InvariantCulture), mode);

    public const UnixFileMode Writable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode RootOnly = UnixFileMode.UserRead;

    /// <summary>A symlink at <paramref name="linkKernelPath"/> pointing, relatively as sysfs does, to <paramref name="targetKernelPath"/>.</summary>
    public void Link(string linkKernelPath, string targetKernelPath)
    {
        string link = At(linkKernelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        string relative = Path.GetRelativePath(Path.GetDirectoryName(link)!, At(targetKernelPath));
        if (System.IO.File.Exists(link) || Directory.Exists(link)) System.IO.File.Delete(link);
        System.IO.File.CreateSymbolicLink(link, relative);
    }

    /// <summary>A device folder's runtime-PM attributes (every sysfs device has power/).</summary>
    public void PowerDir(string deviceKernelPath)
    {
        File($"{deviceKernelPath}/power/control", "auto", Writable);
        File($"{deviceKernelPath}/power/runtime_status", "unsupported");
        File($"{deviceKernelPath}/power/runtime_active_time", "0");
        File($"{deviceKernelPath}/power/runtime_suspended_time", "0");
        File($"{deviceKernelPath}/power/async", "disabled", Writable);
    }
}
