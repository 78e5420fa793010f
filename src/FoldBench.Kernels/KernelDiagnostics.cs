using System.Globalization;
using System.Runtime.CompilerServices;

namespace FoldBench.Kernels;

/// <summary>
/// A test-only knob for the regression gate: <c>FOLDBENCH_TEST_SLOWDOWN_PERCENT=P</c> makes every
/// projection do P% extra real work, so a CI check can prove it catches a slower kernel.
/// </summary>
/// <remarks>
/// The variable is read once into a static readonly field. Tier-1 code treats an initialised static
/// readonly field as a constant, so with the default 0 the check in <see cref="Linear"/> folds
/// away. The extra work re-runs the same kernel over the same rows and panels, on the first
/// P% of K (100% per whole hundred), into a private scratch output: time and retired instructions
/// both grow by about P%, and the caller's results stay bit-for-bit the same.
/// </remarks>
public static unsafe class KernelDiagnostics
{
    /// <summary>The environment variable read once at start-up.</summary>
    public const string SlowdownVariable = "FOLDBENCH_TEST_SLOWDOWN_PERCENT";

    private static readonly int s_slowdown = ReadSlowdown(Environment.GetEnvironmentVariable(SlowdownVariable));

    [ThreadStatic] private static float[]? t_scratch;
    private static float s_sink;

    /// <summary>Extra work per projection in percent (0: none, the default).</summary>
    public static int SlowdownPercent => s_slowdown >= 0 ? s_slowdown : throw InvalidSetting();

    /// <summary>
    /// The hot-path check: a plain read of the static readonly field, which tier-1 code folds to a
    /// constant (the property above has a throw, which keeps it from being inlined). An invalid
    /// setting is non-zero here and then reported by <see cref="SlowdownPercent"/>.
    /// </summary>
    internal static bool SlowdownRequested
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_slowdown != 0;
    }

    /// <summary>Parses the variable; -1 marks an invalid value, reported as an error on first use.</summary>
    internal static int ReadSlowdown(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : -1;
    }

    private static InvalidOperationException InvalidSetting() => new(
        $"{SlowdownVariable}='{Environment.GetEnvironmentVariable(SlowdownVariable)}' is not a non-negative integer percentage");

    /// <summary>The K (≥ 1) of each extra pass: whole passes for every hundred, then a part.</summary>
    internal static IEnumerable<int> ExtraPasses(int percent, int k)
    {
        for (int i = 0; i < percent / 100; i++) yield return k;
        int rest = percent % 100;
        if (rest > 0) yield return Math.Max(1, (int)Math.Round((double)k * rest / 100, MidpointRounding.AwayFromZero));
    }

    internal static void AddSlowdownWork(float* x, int m, int ldx, PackedWeights w)
    {
        int n = w.OutputCount;
        fixed (float* scratch = Scratch((long)m * n))
        {
            foreach (int k in ExtraPasses(SlowdownPercent, w.InputCount))
                Linear.Dispatch(x, m, ldx, w, k, scratch, n, accumulate: false);
            s_sink += scratch[0];
        }
    }

    internal static void AddSlowdownWork(float* x, float* weights, int n, int k, KernelPath path)
    {
        fixed (float* scratch = Scratch(n))
        {
            foreach (int part in ExtraPasses(SlowdownPercent, k))
                Linear.DispatchRowMajor(x, weights, n, part, k, null, scratch, false, path);
            s_sink += scratch[0];
        }
    }

    private static float[] Scratch(long length)
    {
        if (t_scratch is null || t_scratch.Length < length) t_scratch = new float[length];
        return t_scratch;
    }
}
