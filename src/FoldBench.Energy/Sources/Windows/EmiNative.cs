using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace FoldBench.Energy.Sources.Windows;

/// <summary>SetupAPI and DeviceIoControl declarations for the Energy Meter Interface (emi.h). Compiled everywhere, called only on Windows.</summary>
[SupportedOSPlatform("windows")]
internal static partial class EmiNative
{
    /// <summary>GUID_DEVICE_ENERGY_METER, the device interface class every EMI provider registers.</summary>
    public static readonly Guid EnergyMeterInterface = new(0x45bd8344, 0x7ed6, 0x49cf, 0xa4, 0x40, 0xc2, 0x76, 0xc9, 0x33, 0xb0, 0x53);

    public const uint DigcfPresent = 0x2, DigcfDeviceInterface = 0x10;
    public const uint GenericRead = 0x80000000, FileShareRead = 1, FileShareWrite = 2, OpenExisting = 3;
    public const int ErrorNoMoreItems = 259, ErrorInsufficientBuffer = 122, ErrorAccessDenied = 5;

    [StructLayout(LayoutKind.Sequential)]
    public struct DeviceInterfaceData
    {
        public int Size;
        public Guid InterfaceClassGuid;
        public int Flags;
        public nint Reserved;
    }

    [LibraryImport("setupapi.dll", EntryPoint = "SetupDiGetClassDevsW", SetLastError = true)]
    public static partial nint SetupDiGetClassDevs(in Guid classGuid, nint enumerator, nint parent, uint flags);

    [LibraryImport("setupapi.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool SetupDiEnumDeviceInterfaces(nint devInfo, nint devInfoData, in Guid classGuid, uint index, ref DeviceInterfaceData data);

    [LibraryImport("setupapi.dll", EntryPoint = "SetupDiGetDeviceInterfaceDetailW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool SetupDiGetDeviceInterfaceDetail(nint devInfo, ref DeviceInterfaceData data, nint detail, uint detailSize, out uint requiredSize, nint devInfoData);

    [LibraryImport("setupapi.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool SetupDiDestroyDeviceInfoList(nint devInfo);

    [LibraryImport("kernel32.dll", EntryPoint = "CreateFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial SafeFileHandle CreateFile(string path, uint access, uint share, nint security, uint disposition, uint flags, nint template);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static unsafe partial bool DeviceIoControl(SafeFileHandle device, uint code, void* input, uint inputSize, void* output, uint outputSize, out uint returned, nint overlapped);

    /// <summary>The device paths of every present energy meter.</summary>
    public static unsafe List<string> EnumerateMeterPaths()
    {
        var paths = new List<string>();
        nint set = SetupDiGetClassDevs(EnergyMeterInterface, 0, 0, DigcfPresent | DigcfDeviceInterface);
        if (set == -1) throw new IOException($"SetupDiGetClassDevs failed (error {Marshal.GetLastPInvokeError()})");
        try
        {
            for (uint i = 0; ; i++)
            {
                var data = new DeviceInterfaceData { Size = sizeof(DeviceInterfaceData) };
                if (!SetupDiEnumDeviceInterfaces(set, 0, EnergyMeterInterface, i, ref data))
                {
                    int err = Marshal.GetLastPInvokeError();
                    if (err == ErrorNoMoreItems) break;
                    throw new IOException($"SetupDiEnumDeviceInterfaces failed (error {err})");
                }
                SetupDiGetDeviceInterfaceDetail(set, ref data, 0, 0, out uint required, 0);
                if (required == 0) continue;
                nint buffer = Marshal.AllocHGlobal((int)required);
                try
                {
                    // SP_DEVICE_INTERFACE_DETAIL_DATA_W.cbSize is the size of the fixed part: 8 on 64-bit, 6 on 32-bit.
                    Marshal.WriteInt32(buffer, IntPtr.Size == 8 ? 8 : 6);
                    if (SetupDiGetDeviceInterfaceDetail(set, ref data, buffer, required, out _, 0))
                        paths.Add(Marshal.PtrToStringUni(buffer + 4)!);
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                }
            }
        }
        finally
        {
            SetupDiDestroyDeviceInfoList(set);
        }
        return paths;
    }

    /// <summary>One METHOD_BUFFERED IOCTL with no input; returns the bytes the driver wrote.</summary>
    public static unsafe byte[] Query(SafeFileHandle device, uint code, int outputSize)
    {
        var output = new byte[outputSize];
        fixed (byte* p = output)
        {
            if (!DeviceIoControl(device, code, null, 0, p, (uint)outputSize, out uint returned, 0))
                throw new IOException($"DeviceIoControl 0x{code:X} failed (error {Marshal.GetLastPInvokeError()})");
            return output.AsSpan(0, (int)returned).ToArray();
        }
    }
}
