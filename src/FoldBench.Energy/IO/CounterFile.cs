using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using FoldBench.Energy.Sources;

namespace FoldBench.Energy.IO;

/// <summary>
/// One counter file held open for the whole session and re-read with pread at offset 0 (sysfs
/// regenerates an attribute on every read at offset 0), so sampling costs one syscall, not three.
/// </summary>
internal sealed class CounterFile : IDisposable
{
    // A removed sysfs device keeps our handle readable (stale) on a fixture; on a real kernel reads fail with
    // ENODEV. Checking the path once a second catches both without a stat per sample.
    private static readonly long ExistenceCheckTicks = Stopwatch.Frequency;

    private readonly SafeFileHandle _handle;
    private readonly byte[] _buffer = new byte[128];
    private long _lastExistenceCheck;

    public string Path { get; }

    private CounterFile(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
        _lastExistenceCheck = Stopwatch.GetTimestamp();
    }

    /// <summary>Opens a counter, translating OS errors into source states with reasons.</summary>
    public static CounterFile Open(IFileAccess access, string path, string grantCommand)
    {
        try
        {
            return new CounterFile(path, access.OpenRead(path));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new EnergySourceException(SourceState.PermissionDenied, $"{path} is not readable by this user; grant read access with: {grantCommand}", e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new EnergySourceException(SourceState.Absent, $"{path} does not exist", e);
        }
        catch (IOException e) when (e is not EnergySourceException)
        {
            throw new EnergySourceException(SourceState.Malformed, $"{path} cannot be opened: {e.Message}", e);
        }
    }

    /// <summary>The file's text (sysfs attributes are one short line).</summary>
    public string ReadText()
    {
        CheckStillThere();
        int n;
        try
        {
            n = RandomAccess.Read(_handle, _buffer, 0);
        }
        catch (IOException e)
        {
            throw new EnergySourceException(SourceState.Absent, $"{Path} became unreadable mid-run: {e.Message}", e);
        }
        return Encoding.ASCII.GetString(_buffer, 0, n);
    }

    /// <summary>The first line parsed as an integer. Parsing only the first line makes a torn in-place rewrite
    /// (new shorter value written over an old longer one, before the truncate) harmless.</summary>
    public long ReadInteger(string expected)
    {
        string text = ReadText();
        if (!TryParseFirstLine(text, out long value))
            throw EnergySourceException.Malformed(Path, text, expected);
        return value;
    }

    /// <summary>Eight little-endian bytes at <paramref name="offset"/> (an MSR address on /dev/cpu/N/msr).
    /// Returns null when the register is not implemented (EIO on a real msr device, or beyond a fixture's end).</summary>
    public ulong? ReadUInt64At(long offset)
    {
        CheckStillThere();
        Span<byte> b = stackalloc byte[8];
        int n;
        try
        {
            n = RandomAccess.Read(_handle, b, offset);
        }
        catch (IOException)
        {
            return null; // the msr driver answers EIO for registers this CPU does not implement
        }
        if (n < 8) return null;
        return BitConverter.ToUInt64(b);
    }

    public static bool TryParseFirstLine(string text, out long value)
    {
        int nl = text.IndexOf('\n');
        string line = (nl >= 0 ? text[..nl] : text).Trim();
        return long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private void CheckStillThere()
    {
        long now = Stopwatch.GetTimestamp();
        if (now - _lastExistenceCheck < ExistenceCheckTicks) return;
        _lastExistenceCheck = now;
        if (!File.Exists(Path))
            throw new EnergySourceException(SourceState.Absent, $"{Path} vanished mid-run (driver unloaded or device removed)");
    }

    public void Dispose() => _handle.Dispose();
}
