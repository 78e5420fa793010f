using System.Runtime.InteropServices;
using FoldBench.Energy.IO;

namespace FoldBench.Energy.Sources.PerfPmu;

/// <summary>An open perf counter: its 64-bit count, read without a wrap to unroll.</summary>
internal interface IPerfCounter : IDisposable
{
    /// <summary>What was opened, for provenance: "perf_event_open(type 19, config 0x2, cpu 0)".</summary>
    string Path { get; }
    ulong Read();
}

/// <summary>Opens a system-wide counter of a perf PMU event on one CPU.</summary>
internal interface IPerfEventOpener
{
    /// <summary>Throws <see cref="EnergySourceException"/>: permission-denied when the kernel refuses, absent or malformed otherwise.</summary>
    IPerfCounter Open(int type, PerfPowerEvent e, int cpu);
}

/// <summary>The kernel's perf_event_open(2), system-wide (pid −1) on one CPU, read with read(2).</summary>
internal static partial class PerfEventSyscalls
{
    public static readonly IPerfEventOpener Instance = new Opener();

    // perf_event_attr as of PERF_ATTR_SIZE_VER0 (64 bytes): the kernel accepts any published size and zero-fills the rest.
    [StructLayout(LayoutKind.Sequential)]
    private struct PerfEventAttr
    {
        public uint Type;
        public uint Size;
        public ulong Config;
        public ulong SamplePeriod;
        public ulong SampleType;
        public ulong ReadFormat;
        public ulong Flags;          // disabled, inherit, exclude_* …: all clear (RAPL rejects exclusions), so it counts at once
        public uint WakeupEvents;
        public uint BpType;
        public ulong Config1;
    }

    private const ulong PerfFlagFdCloexec = 8;
    private const int EPERM = 1, ENOENT = 2, EACCES = 13, ENODEV = 19, EINVAL = 22, EOPNOTSUPP = 95;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, ref PerfEventAttr attr, int pid, int cpu, int groupFd, ulong flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadFd(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>__NR_perf_event_open: x86-64 298, arm64 241 (the RAPL PMU exists on x86 only, but the call is the same).</summary>
    private static long? SyscallNumber() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 => 241,
        _ => null,
    };

    private sealed class Opener : IPerfEventOpener
    {
        public IPerfCounter Open(int type, PerfPowerEvent e, int cpu)
        {
            string what = $"perf_event_open(power/{e.Name}/: type {type}, config 0x{e.Config:X}, cpu {cpu})";
            if (!OperatingSystem.IsLinux() || SyscallNumber() is not { } number)
                throw new EnergySourceException(SourceState.UnsupportedOs, $"{what}: perf_event_open exists on Linux x86-64/arm64 only");
            var attr = new PerfEventAttr { Type = (uint)type, Size = (uint)Marshal.SizeOf<PerfEventAttr>(), Config = e.Config };
            long fd;
            try
            {
                fd = Syscall(number, ref attr, -1, cpu, -1, PerfFlagFdCloexec);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                throw new EnergySourceException(SourceState.UnsupportedOs, $"{what}: libc's syscall() is not available ({ex.Message})");
            }
            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno switch
                {
                    EACCES or EPERM => new EnergySourceException(SourceState.PermissionDenied, $"{what} was refused ({(errno == EACCES ? "EACCES" : "EPERM")})"),
                    ENOENT or ENODEV or EOPNOTSUPP => new EnergySourceException(SourceState.Absent, $"{what}: the kernel has no such event (errno {errno})"),
                    EINVAL => new EnergySourceException(SourceState.Malformed, $"{what}: the kernel rejected the attributes (EINVAL)"),
                    _ => new EnergySourceException(SourceState.Malformed, $"{what} failed with errno {errno}"),
                };
            }
            return new Counter((int)fd, what);
        }
    }

    private sealed class Counter(int fd, string path) : IPerfCounter
    {
        private int _fd = fd;

        public string Path { get; } = path;

        public unsafe ulong Read()
        {
            ulong value;
            nint n = ReadFd(_fd, (byte*)&value, 8);
            if (n != 8) throw new EnergySourceException(SourceState.Absent, $"{Path}: read returned {n} (errno {Marshal.GetLastPInvokeError()}) mid-run");
            return value;
        }

        public void Dispose()
        {
            if (_fd >= 0) Close(_fd);
            _fd = -1;
        }
    }
}

/// <summary>
/// The simulation's stand-in for perf_event_open under a fixture root: the fixture writer publishes each event's count
/// as text in ROOT/foldbench-sim/perf_event/cpuN/EVENT (a real kernel has no such file; FoldBench reads it only when
/// the sysfs root is not "/"). The kernel's rule is kept: CPU-wide events need perf_event_paranoid ≤ 0, CAP_PERFMON or root.
/// </summary>
internal sealed class FixturePerfEvents(EnergyOptions options) : IPerfEventOpener
{
    public const string Folder = "foldbench-sim/perf_event";

    public IPerfCounter Open(int type, PerfPowerEvent e, int cpu)
    {
        string path = SysText.UnderRoot(options.SysfsRoot, $"{Folder}/cpu{cpu}/{e.Name}");
        if (PerfPowerSource.Paranoid(options) is > 0 && !HostFacts.IsRoot() && !PerfPowerSource.HasCapPerfmon())
            throw new EnergySourceException(SourceState.PermissionDenied, $"perf_event_open(power/{e.Name}/, cpu {cpu}) was refused (EACCES)");
        try
        {
            return new Counter(CounterFile.Open(options.Files, path, "(simulated)"));
        }
        catch (EnergySourceException x) when (x.State == SourceState.PermissionDenied)
        {
            throw new EnergySourceException(SourceState.PermissionDenied, $"perf_event_open(power/{e.Name}/, cpu {cpu}) was refused (EACCES)", x);
        }
    }

    private sealed class Counter(CounterFile file) : IPerfCounter
    {
        public string Path => file.Path;
        public ulong Read() => (ulong)file.ReadInteger("a perf event count");
        public void Dispose() => file.Dispose();
    }
}
