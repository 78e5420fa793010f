using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Kernels.Tests.Quantized;

/// <summary>
/// The vectorised row quantizer gives the scalar loop's bytes and scale bit for bit, at every width this runtime
/// accelerates (the others skip; <see cref="RowQuantizerForcedFeatureTests"/> reruns these tests with the wider ones
/// switched off), over every length 1..70, long rows up to the overflow bound, several seeds, signed and unsigned,
/// and rows built to put many values exactly on rounding ties (x.5 after scaling), where rounding half away from zero
/// instead of to even would differ.
/// </summary>
[Trait("Kind", "Int8")]
[Trait("Unit", "RowQuantizer")]
public unsafe class RowQuantizerTests
{
    private static readonly int[] LongLengths = [127, 128, 129, 255, 256, 512, 1000, 2048, 4099, RowQuantizer.MaxInputCount];

    /// <summary>The vector widths, as a public enum of the tests' own (the quantizer's is internal) so theories can take them.</summary>
    public enum Width { Vector128, Vector256, Vector512 }

    public static TheoryData<Width> Widths => new(Enum.GetValues<Width>());

    [Theory]
    [MemberData(nameof(Widths))]
    public void EveryLengthFrom1To70IsBitIdenticalToScalar(Width width)
    {
        var w = Accelerated(width);
        for (int length = 1; length <= 70; length++)
            for (int seed = 0; seed < 6; seed++)
            {
                AssertSame(Uniform(length, seed), w, $"uniform length {length} seed {seed}");
                AssertSame(Ties(length, seed), w, $"ties length {length} seed {seed}");
            }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void LongRowsUpToTheOverflowBoundAreBitIdenticalToScalar(Width width)
    {
        var w = Accelerated(width);
        foreach (int length in LongLengths)
            for (int seed = 0; seed < 3; seed++)
            {
                AssertSame(Uniform(length, seed), w, $"uniform length {length} seed {seed}");
                AssertSame(Ties(length, seed), w, $"ties length {length} seed {seed}");
            }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void TiesRoundToEvenAtEveryWidth(Width width)
    {
        var w = Accelerated(width);
        // amax = 127: the multiplier 127/127 is exactly 1, so each value is its own scaled value. 64 values make
        // every vector width's block loop (not only the scalar tail) take them.
        float[] ties = [0.5f, 1.5f, -2.5f, 2.5f, -0.5f, 126.5f, -126.5f, 3.5f];
        int[] even = [0, 2, -2, 2, 0, 126, -126, 4];
        var v = new float[64];
        for (int i = 0; i < v.Length; i++) v[i] = ties[i % ties.Length];
        v[63] = -127f;
        foreach (bool unsigned in new[] { false, true })
        {
            var q = Quantize(v, w, unsigned, out float scale);
            Assert.Equal(1f, scale);
            for (int i = 0; i < 63; i++)
                Assert.Equal(even[i % even.Length] + (unsigned ? RowQuantizer.UnsignedZeroPoint : 0), unsigned ? q[i] : (sbyte)q[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AllZeroRowsHaveScaleZeroAndTheZeroValue(Width width)
    {
        var w = Accelerated(width);
        foreach (int length in new[] { 1, 15, 16, 64, 70 })
            foreach (bool unsigned in new[] { false, true })
            {
                var q = Quantize(new float[length], w, unsigned, out float scale);
                Assert.Equal(0f, scale);
                Assert.All(q, b => Assert.Equal(unsigned ? RowQuantizer.UnsignedZeroPoint : 0, b));
            }
    }

    /// <summary>
    /// Rows whose amax is so small (below 127 / float.MaxValue, subnormals included) that 127 / amax is infinite: the
    /// vector loops, whose native min, max and conversion are only exact on finite products, must leave such a row to
    /// the scalar loop, which maps 0 · ∞ = NaN to 0 and ±∞ to ±127. Each row has zeros in every vector block.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void RowsWithAnInfiniteMultiplierMatchScalar(Width width)
    {
        var w = Accelerated(width);
        foreach (float tiny in new[] { 3e-37f, 1e-38f, 1e-41f, float.Epsilon })
            foreach (int length in new[] { 16, 64, 70, 256 })
            {
                var v = new float[length];
                for (int i = 0; i < length; i++) v[i] = (i % 3) switch { 0 => 0f, 1 => tiny, _ => -tiny / 2 };
                Assert.True(float.IsInfinity(RowQuantizer.QuantMax / tiny), $"127 / {tiny:R} should overflow");
                AssertSame(v, w, $"amax {tiny:R} length {length}");
                var q = Quantize(v, w, unsigned: false, out _);
                Assert.Equal([0, 127], q.Take(2).Select(b => (int)(sbyte)b));
            }
    }

    /// <summary>
    /// Runs everywhere, in the children too: the widest width follows the runtime's switches, and natively every width
    /// up to the widest is accelerated (so the theories above did not all skip).
    /// </summary>
    [Fact]
    public void WidestWidthFollowsTheRuntimeSwitches()
    {
        string expect = RuntimeSwitchTests.Expectation;
        var expected = expect switch
        {
            "no-hwintrinsic" => QuantizerWidth.Scalar,
            "no-avx2" => QuantizerWidth.Vector128,
            "no-avx512" or "vector256" => QuantizerWidth.Vector256,
            _ => Vector512.IsHardwareAccelerated ? QuantizerWidth.Vector512 : Vector256.IsHardwareAccelerated ? QuantizerWidth.Vector256
                : Vector128.IsHardwareAccelerated ? QuantizerWidth.Vector128 : QuantizerWidth.Scalar,
        };
        if (expect is "no-avx2" && RuntimeInformation.ProcessArchitecture != Architecture.X64) Assert.Skip("DOTNET_EnableAVX2 is x64's");
        Assert.Equal(expected, RowQuantizer.Widest);
        if (expect == "" && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64)
            Assert.True(RowQuantizer.IsAccelerated(QuantizerWidth.Vector128), "x64 and arm64 always accelerate 128-bit vectors");
        // The public entry point runs the widest width and still gives the scalar bytes.
        var v = Uniform(333, 9);
        var expectedQ = Quantize(v, QuantizerWidth.Scalar, false, out float s0);
        var q = new sbyte[v.Length];
        Assert.Equal(s0, RowQuantizer.Quantize(v, q));
        Assert.Equal(expectedQ, q.Select(b => (byte)b));
    }

    private static QuantizerWidth Accelerated(Width width)
    {
        var w = Enum.Parse<QuantizerWidth>(width.ToString());
        Assert.SkipUnless(RowQuantizer.IsAccelerated(w), $"{width} is not hardware-accelerated on this CPU/runtime");
        return w;
    }

    private static void AssertSame(float[] v, QuantizerWidth width, string context)
    {
        foreach (bool unsigned in new[] { false, true })
        {
            var expected = Quantize(v, QuantizerWidth.Scalar, unsigned, out float s0);
            var actual = Quantize(v, width, unsigned, out float s1);
            Assert.True(BitConverter.SingleToInt32Bits(s0) == BitConverter.SingleToInt32Bits(s1), $"{width} {context} unsigned={unsigned}: scale {s1:R}, scalar {s0:R}");
            int at = expected.AsSpan().CommonPrefixLength(actual);
            if (at < expected.Length)
                Assert.Fail($"{width} {context} unsigned={unsigned}: byte {at} of {v.Length} is {actual[at]}, scalar {expected[at]} (value {v[at]:R}, scaled {v[at] * (127f / (s0 * 127f)):R})");
        }
    }

    private static byte[] Quantize(float[] v, QuantizerWidth width, bool unsigned, out float scale)
    {
        // One guard byte past the row on each side: a width that writes outside the row changes them.
        var q = new byte[v.Length + 2];
        q[0] = q[^1] = 0xA5;
        fixed (float* pv = v)
        fixed (byte* pq = q)
            scale = RowQuantizer.Quantize(pv, v.Length, pq + 1, unsigned, width);
        Assert.True(q[0] == 0xA5 && q[^1] == 0xA5, $"{width} wrote outside a row of {v.Length}");
        return q[1..^1];
    }

    /// <summary>Uniform values in [−1, 1) times a magnitude between 10⁻³ and 10³.</summary>
    private static float[] Uniform(int length, int seed)
    {
        var rng = new Random(length * 1009 + seed);
        float magnitude = MathF.Pow(10f, (float)(rng.NextDouble() * 6 - 3));
        var v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * magnitude;
        return v;
    }

    /// <summary>
    /// Rows whose scaled values are mostly exact ties: amax is 127·c at a random place (c = 1 or 2, so the multiplier
    /// 127/amax is exactly 1 or ½), the rest (k + ½)·c or whole multiples of c; a third of rows use c = 1/8 (multiplier 8).
    /// </summary>
    private static float[] Ties(int length, int seed)
    {
        var rng = new Random(length * 7919 + seed);
        float c = (seed % 3) switch { 0 => 1f, 1 => 2f, _ => 0.125f };
        var v = new float[length];
        for (int i = 0; i < length; i++)
        {
            int whole = rng.Next(-126, 127);
            v[i] = (rng.Next(4) == 0 ? whole : whole + 0.5f) * c;
        }
        v[rng.Next(length)] = (rng.Next(2) == 0 ? -127f : 127f) * c;
        return v;
    }
}

/// <summary>
/// <see cref="RowQuantizerTests"/> again in child processes with the wider vectors switched off, so the Vector256 and
/// Vector128 quantizers run as the widest on this machine, and with no hardware intrinsics (scalar only). Each child
/// runs <see cref="RowQuantizerTests.WidestWidthFollowsTheRuntimeSwitches"/>, which asserts the switch took effect.
/// </summary>
[Trait("Category", "Child")]
public class RowQuantizerForcedFeatureTests
{
    private static readonly string[] Filter = ["--filter-trait", "Unit=RowQuantizer"];
    private const string Prefix = "FoldBench.Kernels.Tests.Quantized.RowQuantizerTests.";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 3 : 10);

    [Fact]
    public void Vector256IsTheWidestWithoutAvx512()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64, "DOTNET_EnableAVX512 only applies to x64");
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "Vector512 is not accelerated here: there is nothing to switch off");
        var r = Support.ChildTestRun.Run("no-avx512", new Dictionary<string, string> { ["DOTNET_EnableAVX512"] = "0" }, Filter, Timeout);
        AssertChild(r, skipped: ["Vector512"], passed: ["Vector256", "Vector128"]);
    }

    [Fact]
    public void Vector128IsTheWidestWithoutAvx2()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64, "DOTNET_EnableAVX2 only applies to x64");
        var r = Support.ChildTestRun.Run("no-avx2", new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" }, Filter, Timeout);
        AssertChild(r, skipped: ["Vector512", "Vector256"], passed: ["Vector128"]);
    }

    [Fact]
    public void ScalarOnlyWithoutHardwareIntrinsics()
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64, "DOTNET_EnableHWIntrinsic is tested on x64 and arm64");
        var r = Support.ChildTestRun.Run("no-hwintrinsic", new Dictionary<string, string> { ["DOTNET_EnableHWIntrinsic"] = "0" }, Filter, Timeout);
        AssertChild(r, skipped: ["Vector512", "Vector256", "Vector128"], passed: []);
    }

    private static void AssertChild(Support.ChildTestRun.Result r, string[] skipped, string[] passed)
    {
        Assert.True(r.ExitCode == 0 && r.Failed == 0, r.Describe());
        Assert.True(r.Statuses.TryGetValue(Prefix + "WidestWidthFollowsTheRuntimeSwitches", out string? probe) && probe == "passed",
            $"the child's width probe did not pass (status: {probe ?? "not run"}): " + r.Describe());
        foreach (string w in skipped) Assert.Equal("skipped", Status(r, $"EveryLengthFrom1To70IsBitIdenticalToScalar(width: {w})"));
        foreach (string w in passed) Assert.Equal("passed", Status(r, $"TiesRoundToEvenAtEveryWidth(width: {w})"));
    }

    private static string Status(Support.ChildTestRun.Result r, string test) =>
        r.Statuses.TryGetValue(Prefix + test, out string? s) ? s
            : throw new Xunit.Sdk.XunitException($"the child did not run {test}; it ran: {string.Join(", ", r.Statuses.Keys)}");
}
