using System.Diagnostics;
using FoldBench.Results;

namespace FoldBench.Cli.Tests;

/// <summary>
/// A peer library that is not installed: its cases say why in summary.json and the run goes on. OpenBLAS is loaded once
/// per process, so the run happens in a child process whose FOLDBENCH_OPENBLAS names a file that does not exist.
/// </summary>
public class PeerUnavailableTests
{
    [Fact]
    public async Task MissingOpenBlas_ItsCasesSayWhy_AndTheOtherPeersStillRun()
    {
        string dir = Directory.CreateTempSubdirectory("foldbench-peers-missing-").FullName;
        try
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "foldbench.dll"), "run", "--job", "dry", "--suites", "peers",
                         "--m", "1", "--kn", "16", "--regimes", "cache", "--no-calibration", "--no-plots", "--no-energy", "--cpu", "none",
                         "--out", Path.Combine(dir, "run") })
                psi.ArgumentList.Add(a);
            psi.Environment["FOLDBENCH_OPENBLAS"] = Path.Combine(dir, "no-such-libopenblas.so.0");
            psi.Environment["NO_COLOR"] = "1";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            // A generous bound that only stops a hung child; the test asserts nothing about time.
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(10)), "the child run did not finish");
            string output = await stdout + await stderr;
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {output[^Math.Min(3000, output.Length)..]}");

            var s = SummaryStore.Read(Path.Combine(dir, "run"));
            var openblas = s.Cases.Single(c => c.Peer == "openblas");
            Assert.Null(openblas.Gflops);
            Assert.Contains("could not be loaded", openblas.Unavailable);
            Assert.Contains("FOLDBENCH_OPENBLAS=", openblas.Unavailable);
            var info = s.Peers!.Single(x => x.Name == "openblas");
            Assert.False(info.Available);
            // The rest of the run went on: FoldBench's own case has a time and passed the reference check.
            var own = s.Cases.Single(c => c.Peer == "foldbench");
            Assert.Null(own.Unavailable);
            Assert.True(own.MedianNs > 0);
            Assert.True(own.CorrectnessOk);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
