using System.Runtime.InteropServices;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// The C library's own environment, which native libraries read with getenv. On Unix .NET keeps a
/// private copy of the environment: <see cref="Environment.SetEnvironmentVariable(string, string?)"/>
/// does not reach getenv, so a variable a library reads when it loads (OPENBLAS_CORETYPE) has to be
/// changed here, before the load.
/// </summary>
internal static unsafe class NativeEnvironment
{
    private static readonly nint Libc = OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var h) ? h
        : OperatingSystem.IsMacOS() && NativeLibrary.TryLoad("/usr/lib/libSystem.dylib", out var m) ? m : 0;

    /// <summary>Sets (value non-null) or removes (null) a variable for getenv and for .NET alike.</summary>
    public static void Set(string name, string? value)
    {
        Environment.SetEnvironmentVariable(name, value); // Windows: this is the process environment itself
        if (Libc == 0) return;
        byte[] n = [.. System.Text.Encoding.UTF8.GetBytes(name), 0];
        fixed (byte* pn = n)
        {
            if (value is null)
            {
                if (NativeLibrary.TryGetExport(Libc, "unsetenv", out var f)) ((delegate* unmanaged<byte*, int>)f)(pn);
                return;
            }
            byte[] v = [.. System.Text.Encoding.UTF8.GetBytes(value), 0];
            fixed (byte* pv = v)
                if (NativeLibrary.TryGetExport(Libc, "setenv", out var f)) ((delegate* unmanaged<byte*, byte*, int, int>)f)(pn, pv, 1);
        }
    }
}
