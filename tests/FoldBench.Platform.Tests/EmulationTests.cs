using System.Runtime.InteropServices;
using FoldBench.Platform.Emulation;

namespace FoldBench.Platform.Tests;

/// <summary>Emulation detection on /proc fixture trees (Linux) and on the answers macOS and Windows give.</summary>
public class LinuxEmulationTests
{
    private static string Proc(string fixture) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Emulation", fixture, "proc");

    private static string Exe(string head) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Emulation", "executables", head);

    private const string Arm64Exe = "arm64-apphost.head", X64Exe = "x86_64-ls.head";

    [Fact]
    public void An_arm64_process_on_an_x86_64_kernel_is_emulated_by_the_qemu_entry_that_matches_its_executable()
    {
        var s = LinuxEmulation.Detect(Architecture.Arm64, Proc("qemu-binfmt-x86_64-host"), Exe(Arm64Exe));
        Assert.True(s.Emulated);
        Assert.Equal("qemu-user", s.Emulator);
        Assert.Contains("the process is arm64 but the kernel runs on x86_64", s.Evidence);
        Assert.Contains("sys/kernel/arch", s.Evidence);
        Assert.Contains("binfmt_misc entry 'qemu-aarch64' hands this executable to /usr/libexec/qemu-binfmt/aarch64-binfmt-P", s.Evidence);
    }

    [Fact]
    public void Without_the_arch_file_the_cpu_that_cpuinfo_describes_tells()
    {
        var s = LinuxEmulation.Detect(Architecture.Arm64, Proc("qemu-binfmt-x86_64-host-no-arch-file"), Exe(Arm64Exe));
        Assert.True(s.Emulated);
        Assert.Equal("qemu-user", s.Emulator);
        Assert.Contains("an x86 CPU (vendor_id AuthenticAMD in", s.Evidence);
    }

    [Fact]
    public void A_disabled_entry_does_not_name_the_emulator_but_the_mismatch_still_counts()
    {
        var s = LinuxEmulation.Detect(Architecture.Arm64, Proc("qemu-direct-binfmt-disabled"), Exe(Arm64Exe));
        Assert.True(s.Emulated);
        Assert.Equal("user-mode emulator", s.Emulator);
        Assert.Contains("no enabled binfmt_misc entry matches the executable", s.Evidence);
    }

    [Theory]
    [InlineData(Architecture.X64)]
    [InlineData(Architecture.X86)] // a 32-bit x86 process on x86_64 runs natively
    public void A_process_of_the_kernels_family_is_native_even_with_qemu_registered(Architecture arch)
    {
        var s = LinuxEmulation.Detect(arch, Proc("native-x86_64-with-qemu-registered"), Exe(X64Exe));
        Assert.False(s.Emulated);
        Assert.Null(s.Emulator);
        Assert.StartsWith($"native: the process is {arch.ToString().ToLowerInvariant()} and the kernel runs on x86_64", s.Evidence);
    }

    [Fact]
    public void On_an_arm64_kernel_arm64_is_native_and_x64_runs_under_the_fex_entry()
    {
        var native = LinuxEmulation.Detect(Architecture.Arm64, Proc("arm64-host-with-fex"), Exe(Arm64Exe));
        Assert.False(native.Emulated);
        Assert.Contains("an ARM CPU (CPU implementer 0x41", native.Evidence);

        var fex = LinuxEmulation.Detect(Architecture.X64, Proc("arm64-host-with-fex"), Exe(X64Exe));
        Assert.True(fex.Emulated);
        Assert.Equal("fex-emu", fex.Emulator);
        Assert.Contains("binfmt_misc entry 'FEX-x86_64' hands this executable to /usr/bin/FEXInterpreter", fex.Evidence);
    }

    [Fact]
    public void An_entry_for_another_machine_does_not_match_the_executable()
    {
        // The qemu-aarch64 magic (e_machine 0xb7) against an x86-64 ELF header (0x3e).
        var s = LinuxEmulation.Detect(Architecture.Arm64, Proc("qemu-binfmt-x86_64-host"), Exe(X64Exe));
        Assert.True(s.Emulated);
        Assert.Equal("user-mode emulator", s.Emulator);
    }

    [Fact]
    public void Nothing_readable_is_not_determined_and_not_called_emulated()
    {
        string empty = Directory.CreateTempSubdirectory("foldbench-proc-").FullName;
        try
        {
            var s = LinuxEmulation.Detect(Architecture.Arm64, empty, Exe(Arm64Exe));
            Assert.False(s.Emulated);
            Assert.StartsWith("not determined:", s.Evidence);
        }
        finally { Directory.Delete(empty, recursive: true); }
    }

    [Fact]
    public void This_test_process_is_judged_against_its_own_kernel()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/sys/kernel/arch")) Assert.Skip("needs Linux 6.1+ (/proc/sys/kernel/arch)");
        string kernel = File.ReadAllText("/proc/sys/kernel/arch").Trim();
        bool sameFamily = (kernel, RuntimeInformation.ProcessArchitecture) switch
        {
            ("x86_64", Architecture.X64 or Architecture.X86) => true,
            ("aarch64", Architecture.Arm64 or Architecture.Arm) => true,
            ("x86_64" or "aarch64", _) => false,
            _ => true,
        };
        Assert.Equal(!sameFamily, EmulationProbe.Detect().Emulated);
        Assert.Equal(!sameFamily, MachineProbe.IsEmulated());
    }
}

public class RosettaAndWindowsEmulationTests
{
    [Fact]
    public void Rosetta_translated_processes_answer_one_to_sysctl_proc_translated()
    {
        var translated = RosettaEmulation.Interpret(1, 0);
        Assert.True(translated.Emulated);
        Assert.Equal("rosetta-2", translated.Emulator);
        Assert.Contains("sysctl.proc_translated = 1", translated.Evidence);
        Assert.False(RosettaEmulation.Interpret(0, 0).Emulated);
        var intel = RosettaEmulation.Interpret(null, 2); // ENOENT: an Intel Mac has no such name
        Assert.False(intel.Emulated);
        Assert.Contains("without Rosetta", intel.Evidence);
        Assert.StartsWith("not determined", RosettaEmulation.Interpret(null, 1).Evidence);
    }

    [Theory]
    [InlineData(Architecture.X64, WindowsEmulation.MachineArm64, true, "windows-arm64-x64-emulation")]
    [InlineData(Architecture.X86, WindowsEmulation.MachineArm64, true, "windows-arm64-x86-emulation")]
    [InlineData(Architecture.Arm64, WindowsEmulation.MachineArm64, false, null)]
    [InlineData(Architecture.X64, WindowsEmulation.MachineAmd64, false, null)]
    [InlineData(Architecture.X86, WindowsEmulation.MachineAmd64, false, null)] // WOW64 on x64 runs x86 code natively
    public void Windows_emulates_x86_family_processes_on_an_arm64_machine(Architecture process, ushort native, bool emulated, string? emulator)
    {
        var s = WindowsEmulation.Interpret(process, native);
        Assert.Equal(emulated, s.Emulated);
        Assert.Equal(emulator, s.Emulator);
        Assert.Contains("IsWow64Process2", s.Evidence);
    }
}

public class BinfmtEntryTests
{
    [Fact]
    public void An_entry_is_read_as_the_kernel_prints_it_and_its_mask_applies()
    {
        var e = BinfmtEntry.Parse("qemu-aarch64",
            "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\n" +
            "magic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n");
        Assert.NotNull(e);
        Assert.True(e.Enabled);
        byte[] exec = Convert.FromHexString("7f454c4602010100000000000000000002" + "00b700");
        byte[] dyn = Convert.FromHexString("7f454c4602010100000000000000000003" + "00b700"); // e_type 3 passes the fe mask
        byte[] x64 = Convert.FromHexString("7f454c46020101000000000000000000030" + "03e00");
        Assert.True(e.Matches(exec));
        Assert.True(e.Matches(dyn));
        Assert.False(e.Matches(x64));
        Assert.False(e.Matches(exec.AsSpan(0, 10)));
        Assert.Null(BinfmtEntry.Parse("jar", "enabled\ninterpreter /usr/bin/jexec\nflags: \nextension .jar\n"));
    }
}
