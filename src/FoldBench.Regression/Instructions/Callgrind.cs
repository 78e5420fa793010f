using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FoldBench.Regression.Instructions;

/// <summary>What to run under callgrind.</summary>
public sealed record CallgrindRequest
{
    public required string FileName { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }
    /// <summary>Variables added to (or, with a null value, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>The main thread's instruction counts between markers, and what the run printed.</summary>
public sealed record CallgrindOutcome(
    IReadOnlyList<long> Intervals,
    string Stdout,
    string ValgrindVersion,
    string CommandLine,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Elapsed);

/// <summary>
/// Runs a .NET program under valgrind's callgrind and reads back the instructions its main thread
/// executed between calls of <see cref="InstructionMarker"/>. Callgrind counts every guest instruction,
/// JIT-compiled code included, with no hardware counter and no noise.
/// </summary>
public static partial class Callgrind
{
    /// <summary>
    /// Runtime settings that make the JIT's output the same on every run: no tiering, so every method
    /// the probe calls is compiled once, fully optimized, as steady-state code is (and no PGO data can
    /// differ between runs). The framework's precompiled ReadyToRun code stays in use: it starts 3×
    /// faster under valgrind, and the kernels' counts differ from an all-JIT run by about 0.03%.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DeterministicRuntime = new Dictionary<string, string>
    {
        ["DOTNET_TieredCompilation"] = "0",
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_ReadyToRun"] = "1",
        ["DOTNET_gcServer"] = "0",
    };

    /// <summary>
    /// valgrind options. <c>--aspace-minaddr=0x100000000</c> matters: valgrind otherwise maps the
    /// process below 4 GiB, where the JIT's address-encoding checks fail and it silently recompiles
    /// almost every method with minimal optimization (dotnet/runtime#100600), so the counts would
    /// describe code that never runs outside valgrind. Above 4 GiB the JIT emits its normal code.
    /// </summary>
    public static IReadOnlyList<string> ValgrindOptions(string outFile) =>
    [
        "--tool=callgrind",
        "--aspace-minaddr=0x100000000",
        "--separate-threads=yes",
        $"--dump-before={InstructionMarker.FunctionName}",
        $"--callgrind-out-file={outFile}",
    ];

    /// <summary>Path of valgrind on PATH, or null.</summary>
    public static string? FindValgrind()
    {
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "valgrind");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>"valgrind-3.19.0", or null when valgrind is missing or does not run.</summary>
    public static string? Version()
    {
        var valgrind = FindValgrind();
        if (valgrind is null) return null;
        try
        {
            var psi = new ProcessStartInfo(valgrind, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && v.Length > 0 ? v : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    public static CallgrindOutcome Run(CallgrindRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("instruction counting needs valgrind, which runs on Linux only");
        var valgrind = FindValgrind() ?? throw new InvalidOperationException(
            "valgrind was not found on PATH: install it (e.g. 'apt-get install valgrind') to count instructions");
        string version = Version() ?? "valgrind (unknown version)";

        var work = Directory.CreateTempSubdirectory("foldbench-callgrind-");
        try
        {
            string outFile = Path.Combine(work.FullName, "cg.out");
            var psi = new ProcessStartInfo(valgrind)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = System.Environment.CurrentDirectory,
            };
            foreach (var o in ValgrindOptions(outFile)) psi.ArgumentList.Add(o);
            psi.ArgumentList.Add(request.FileName);
            foreach (var a in request.Arguments) psi.ArgumentList.Add(a);
            var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in DeterministicRuntime) { psi.Environment[k] = v; env[k] = v; }
            foreach (var (k, v) in request.Environment)
            {
                if (v is null) { psi.Environment.Remove(k); env.Remove(k); }
                else { psi.Environment[k] = v; env[k] = v; }
            }

            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {valgrind}");
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(request.Timeout))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                throw new InvalidOperationException($"the probe under callgrind ran longer than {request.Timeout.TotalSeconds:0} s and was stopped");
            }
            p.WaitForExit();
            sw.Stop();
            string commandLine = string.Join(' ', psi.ArgumentList.Select(Quote).Prepend(Quote(valgrind)));
            if (p.ExitCode != 0)
            {
                string tail = LastLines(stderr.Result + stdout.Result, 3);
                throw new InvalidOperationException($"the probe under callgrind exited with code {p.ExitCode}: {tail}");
            }
            var intervals = ReadMainThreadDumps(work.FullName);
            return new CallgrindOutcome(intervals, stdout.Result, version, commandLine, env, sw.Elapsed);
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The totals of the dumps triggered by markers, in order, for thread 1 (the main thread, where the
    /// probe runs; background runtime threads are left out so they cannot add noise).
    /// </summary>
    public static IReadOnlyList<long> ReadMainThreadDumps(string folder)
    {
        var parts = new SortedDictionary<int, string>();
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var m = DumpName().Match(Path.GetFileName(file));
            if (m.Success) parts[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] = file;
        }
        // Parts are numbered 1, 2, … with no gap; a gap means a lost file, which must not shift the phases.
        int expected = 1;
        foreach (var k in parts.Keys)
            if (k != expected++) throw new InvalidOperationException($"callgrind dump part {expected - 1} of the main thread is missing");
        return parts.Values.Select(ReadTotal).ToList();
    }

    /// <summary>The "summary:" (or "totals:") instruction count of one callgrind output file.</summary>
    public static long ReadTotal(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith("summary:", StringComparison.Ordinal) || line.StartsWith("totals:", StringComparison.Ordinal))
            {
                var fields = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 0 && long.TryParse(fields[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long ir))
                    return ir;
            }
        }
        throw new InvalidOperationException($"callgrind output '{file}' has no summary line");
    }

    [GeneratedRegex(@"^cg\.out\.(\d+)-0*1$")]
    private static partial Regex DumpName();

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";

    private static string LastLines(string text, int n) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(n));
}
