using System.Globalization;
using FoldBench.Kernels;

namespace FoldBench.Benchmarks.Diagnostics;

/// <summary>
/// A test-only knob for the regression gate: <c>FOLDBENCH_TEST_SLOWDOWN_PERCENT=P</c> makes every
/// measured kernel operation do P% extra real work, so a CI check can prove it catches a slower
/// kernel (the instruction gate catches 1%, the timed gate 20%).
/// </summary>
/// <remarks>
/// The knob lives on the benchmark side, not in FoldBench.Kernels, so the kernels' hot path has no
/// harness code in it. The extra work is real kernel work the gates measure: after the case's own
/// projection, the operation runs extra projections of the same rows of X on the same path, over
/// the first P% of K (one whole pass per hundred, then a part), into a private scratch output.
/// Time and retired instructions both grow by about P%, and the case's results stay bit for bit
/// the same. Consumers: <c>foldbench kernel-probe</c> (instruction counts and <c>--timed</c>) and
/// the kernel suite.
/// </remarks>
public static class SlowdownSwitch
{
    /// <summary>The environment variable read once at start-up.</summary>
    public const string Variable = "FOLDBENCH_TEST_SLOWDOWN_PERCENT";

    private static readonly int s_percent = Read(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Extra work per operation in percent (0: none, the default); an invalid setting is an error.</summary>
    public static int Percent => s_percent >= 0 ? s_percent : throw new InvalidOperationException(
        $"{Variable}='{Environment.GetEnvironmentVariable(Variable)}' is not a non-negative integer percentage");

    /// <summary>Parses the variable; -1 marks an invalid value, reported as an error on first use.</summary>
    public static int Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : -1;
    }

    /// <summary>The K (≥ 1) of each extra pass: whole passes for every hundred, then a part.</summary>
    public static IEnumerable<int> ExtraPasses(int percent, int k)
    {
        for (int i = 0; i < percent / 100; i++) yield return k;
        int rest = percent % 100;
        if (rest > 0) yield return Math.Max(1, (int)Math.Round((double)k * rest / 100, MidpointRounding.AwayFromZero));
    }

    /// <summary>
    /// The extra work that goes with one projection of <paramref name="x"/> (M×K, contiguous) by the
    /// row-major weights <paramref name="w"/> (N×K) on <paramref name="path"/>, as this process's
    /// variable asks; null when it asks for none.
    /// </summary>
    public static SlowdownWork? For(float[] x, int m, float[] w, int n, int k, KernelPath path) => For(Percent, x, m, w, n, k, path);

    /// <summary>The same for an explicit percentage (null for 0).</summary>
    public static SlowdownWork? For(int percent, float[] x, int m, float[] w, int n, int k, KernelPath path)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        if (percent == 0) return null;
        var passes = new List<PackedWeights>();
        foreach (int part in ExtraPasses(percent, k))
        {
            // The first `part` inputs of every output row of W.
            var cut = new float[(long)n * part];
            for (int j = 0; j < n; j++) Array.Copy(w, (long)j * k, cut, (long)j * part, part);
            passes.Add(PackedWeights.Pack(cut, n, part, path));
        }
        return new SlowdownWork(x, m, k, n, passes);
    }
}

/// <summary>
/// Extra projections of one case's X (row stride K) by leading parts of its weights, into a scratch
/// output: the regression gate's deliberate slowdown (<see cref="SlowdownSwitch"/>).
/// </summary>
public sealed class SlowdownWork
{
    private readonly float[] _x;
    private readonly int _m, _k;
    private readonly PackedWeights[] _passes;

    internal SlowdownWork(float[] x, int m, int k, int n, IEnumerable<PackedWeights> passes)
    {
        _x = x;
        _m = m;
        _k = k;
        _passes = [.. passes];
        Scratch = new float[(long)m * n];
    }

    /// <summary>The inputs (K) of each extra pass.</summary>
    public IReadOnlyList<int> PassInputs => [.. _passes.Select(p => p.InputCount)];

    /// <summary>Multiply-adds of one <see cref="Run"/>: M·N·ΣK over the passes.</summary>
    public long MultiplyAdds => _passes.Sum(p => (long)_m * p.OutputCount * p.InputCount);

    /// <summary>The output of the last pass (M×N).</summary>
    public float[] Scratch { get; }

    /// <summary>Runs every extra pass once.</summary>
    public void Run()
    {
        foreach (var w in _passes)
            Linear.Project(_x, _m, _k, w, Scratch, w.OutputCount);
    }
}
