using System.Runtime.InteropServices;
using System.Text;

namespace FoldBench.Platform.Topology;

/// <summary>
/// CPU types on macOS: <c>hw.nperflevels</c> performance levels, level 0 the fastest, each with
/// <c>hw.perflevelN.logicalcpu</c> CPUs and a <c>hw.perflevelN.name</c> ("Performance", "Efficiency"). macOS does
/// not say which CPU number is on which level, and has no thread affinity: the groups have counts, no numbers.
/// </summary>
public static partial class MacCpuTopology
{
    public static CpuTopology Read()
    {
        if (!OperatingSystem.IsMacOS()) return new CpuTopology([], "hw.perflevel sysctls are macOS only", canPin: false);
        try
        {
            return FromSysctl(ReadInt, ReadString);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new CpuTopology([], $"sysctlbyname is missing ({e.Message})", canPin: false);
        }
    }

    /// <summary>The topology the sysctls describe, read through <paramref name="readInt"/> and <paramref name="readString"/> (null: not there).</summary>
    public static CpuTopology FromSysctl(Func<string, long?> readInt, Func<string, string?> readString)
    {
        ArgumentNullException.ThrowIfNull(readInt);
        ArgumentNullException.ThrowIfNull(readString);
        const string note = "; macOS does not number them by level nor pin threads";
        if (readInt("hw.nperflevels") is not long levels || levels < 1)
            return new CpuTopology([], "hw.nperflevels is missing (an Intel Mac or an old macOS): core types unknown", canPin: false);
        var groups = new List<CoreGroup>();
        for (int level = 0; level < levels; level++)
        {
            int count = (int)(readInt($"hw.perflevel{level}.logicalcpu") ?? 0);
            string type = levels == 1 ? CoreTypes.Uniform : level == 0 ? CoreTypes.Big : level == levels - 1 ? CoreTypes.Little : CoreTypes.Mid;
            groups.Add(new CoreGroup(type, [], count, readString($"hw.perflevel{level}.name")));
        }
        return new CpuTopology([], (levels == 1 ? "one performance level (hw.nperflevels)" : "performance levels (hw.perflevelN)") + note,
            canPin: false, groups: groups);
    }

    private static unsafe long? ReadInt(string name)
    {
        long value = 0;
        nuint size = sizeof(long);
        if (SysctlByName(name, &value, &size, null, 0) != 0) return null;
        return size == sizeof(int) ? (int)value : value;
    }

    private static unsafe string? ReadString(string name)
    {
        nuint size = 0;
        if (SysctlByName(name, null, &size, null, 0) != 0 || size == 0 || size > 4096) return null;
        var bytes = new byte[size];
        fixed (byte* p = bytes)
            if (SysctlByName(name, p, &size, null, 0) != 0) return null;
        return Encoding.UTF8.GetString(bytes, 0, (int)size).TrimEnd('\0');
    }

    [LibraryImport("libc", EntryPoint = "sysctlbyname", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int SysctlByName(string name, void* oldValue, nuint* oldLength, void* newValue, nuint newLength);
}
