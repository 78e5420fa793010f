using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FoldBench.Platform.Topology;

/// <summary>
/// CPU types on Windows: <c>GetSystemCpuSetInformation</c> lists one SYSTEM_CPU_SET_INFORMATION per logical
/// processor with its EfficiencyClass (0 on homogeneous machines; on hybrid ones a higher class is a faster,
/// less efficient core). The CPU number is the one affinity masks use: 64·Group + LogicalProcessorIndex.
/// </summary>
public static partial class WindowsCpuTopology
{
    /// <summary>CPU_SET_INFORMATION_TYPE.CpuSetInformation.</summary>
    private const int CpuSetInformation = 0;

    // Offsets in SYSTEM_CPU_SET_INFORMATION (winnt.h): DWORD Size; CPU_SET_INFORMATION_TYPE Type; then the CpuSet
    // member: DWORD Id; WORD Group; BYTE LogicalProcessorIndex, CoreIndex, LastLevelCacheIndex, NumaNodeIndex,
    // EfficiencyClass; … (32 bytes in all). Each record's Size says where the next one starts.
    private const int SizeOffset = 0, TypeOffset = 4, GroupOffset = 12, LogicalIndexOffset = 14, CoreIndexOffset = 15, EfficiencyOffset = 18;
    private const int MinRecord = 20;

    public static CpuTopology Read()
    {
        if (!OperatingSystem.IsWindows()) return new CpuTopology([], "GetSystemCpuSetInformation is Windows only", canPin: false);
        try
        {
            GetSystemCpuSetInformation(null, 0, out uint length, 0, 0);
            if (length == 0) return new CpuTopology([], $"GetSystemCpuSetInformation gave nothing (error {Marshal.GetLastPInvokeError()})", canPin: true);
            var buffer = new byte[length];
            if (!GetSystemCpuSetInformation(buffer, length, out length, 0, 0))
                return new CpuTopology([], $"GetSystemCpuSetInformation failed (error {Marshal.GetLastPInvokeError()})", canPin: true);
            return Parse(buffer.AsSpan(0, (int)length));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new CpuTopology([], $"GetSystemCpuSetInformation is missing ({e.Message})", canPin: true);
        }
    }

    /// <summary>The CPUs in a buffer GetSystemCpuSetInformation filled, typed by efficiency class.</summary>
    public static CpuTopology Parse(ReadOnlySpan<byte> buffer)
    {
        var cores = new List<CpuCore>();
        var physical = new Dictionary<int, int>();
        var firstOfCore = new Dictionary<(int Group, int Core), int>();
        for (int at = 0; at + MinRecord <= buffer.Length;)
        {
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer[(at + SizeOffset)..]);
            if (size < MinRecord || at + size > buffer.Length) throw new FormatException($"SYSTEM_CPU_SET_INFORMATION record at byte {at} claims {size} bytes");
            if (BinaryPrimitives.ReadInt32LittleEndian(buffer[(at + TypeOffset)..]) == CpuSetInformation)
            {
                int group = BinaryPrimitives.ReadUInt16LittleEndian(buffer[(at + GroupOffset)..]);
                int cpu = group * 64 + buffer[at + LogicalIndexOffset];
                int core = buffer[at + CoreIndexOffset];
                cores.Add(new CpuCore(cpu, CoreTypes.Unknown, EfficiencyClass: buffer[at + EfficiencyOffset]));
                // CoreIndex is shared by SMT siblings: the first CPU seen on a core names it.
                if (!firstOfCore.TryGetValue((group, core), out int first)) firstOfCore[(group, core)] = first = cpu;
                physical[cpu] = first;
            }
            at += size;
        }
        if (cores.Count == 0) return new CpuTopology([], "GetSystemCpuSetInformation listed no CPU sets", canPin: true);
        var classes = cores.Select(c => c.EfficiencyClass!.Value).Distinct().OrderDescending().ToList();
        if (classes.Count == 1)
            return new CpuTopology([.. cores.Select(c => c with { Type = CoreTypes.Uniform })], "all CPUs alike by efficiency class", canPin: true, physical);
        var typed = cores.Select(c =>
        {
            int tier = classes.IndexOf(c.EfficiencyClass!.Value);
            return c with { Type = tier == 0 ? CoreTypes.Big : tier == classes.Count - 1 ? CoreTypes.Little : CoreTypes.Mid };
        });
        return new CpuTopology([.. typed], "efficiency class (GetSystemCpuSetInformation)", canPin: true, physical);
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetSystemCpuSetInformation([Out] byte[]? information, uint bufferLength, out uint returnedLength, nint process, uint flags);
}
