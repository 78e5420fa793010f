namespace FoldBench.Platform.Tests;

/// <summary>What FoldBench reads from the OS: the CPU's identity, the thread CPU clock, atomic file writes.</summary>
public class MachineProbeTests
{
    [Fact]
    public void Cpu_identity_is_read_from_the_first_processor_of_cpuinfo()
    {
        string[] x86 =
        [
            "processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26", "model\t\t: 2",
            "model name\t: AMD EPYC", "stepping\t: 1", "", "processor\t: 1", "vendor_id\t: OtherVendor",
        ];
        Assert.Equal("AuthenticAMD family 26 model 2 stepping 1", MachineProbe.CpuIdFromCpuInfo(x86));
        string[] arm = ["processor\t: 0", "BogoMIPS\t: 50.00", "CPU implementer\t: 0x41", "CPU architecture: 8", "CPU variant\t: 0x1", "CPU part\t: 0xd0b", ""];
        Assert.Equal("arm implementer 0x41 part 0xd0b variant 0x1", MachineProbe.CpuIdFromCpuInfo(arm));
        Assert.Null(MachineProbe.CpuIdFromCpuInfo(["processor\t: 0", "flags\t: fpu"]));
    }

    [Theory]
    [InlineData("my box", "my-box")]
    [InlineData("ci_runner.2", "ci_runner.2")]
    [InlineData("***", "machine")]  // nothing left: a fixed name
    [InlineData("/../", "machine")] // "-..-" trimmed is "..", which would climb out of results/
    [InlineData(".", "machine")]
    [InlineData("a..b", "a..b")]
    public void Machine_names_are_safe_folder_names(string name, string expected) => Assert.Equal(expected, MachineProbe.Sanitize(name));
}

public class ThreadCpuClockTests
{
    [Fact]
    public void Thread_cpu_time_advances_with_work_on_this_thread()
    {
        var t0 = ThreadCpuClock.TryNow();
        if (t0 is null) Assert.Skip("no per-thread CPU clock on this platform");
        double x = 1;
        for (int i = 0; i < 20_000_000; i++) x = x * 1.0000001 + 1e-9;
        GC.KeepAlive(x);
        Assert.True(ThreadCpuClock.TryNow() > t0);
    }
}

public class AtomicFileTests
{
    [Fact]
    public void A_write_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        string dir = Directory.CreateTempSubdirectory("foldbench-atomic-").FullName;
        string path = Path.Combine(dir, "sub", "a.json");
        AtomicFile.WriteAllText(path, "first, longer text");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.Combine(dir, "sub"), "*", SearchOption.TopDirectoryOnly));
        // UTF-8 without a byte-order mark: "µ" is the two bytes C2 B5.
        AtomicFile.WriteAllText(path, "µ");
        Assert.Equal(new byte[] { 0xC2, 0xB5 }, File.ReadAllBytes(path));
    }
}
