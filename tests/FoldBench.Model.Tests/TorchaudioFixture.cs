using System.Buffers.Binary;
using FoldBench.Kernels;

namespace FoldBench.Model.Tests;

/// <summary>
/// The committed outputs of torchaudio 0.13.1 (tests/Fixtures/torchaudio, made by
/// tools/torchaudio-golden.py; copied next to the test binary) and the comparison the issue asks for.
/// </summary>
internal static class TorchaudioFixture
{
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torchaudio", name);

    public static (float[] Data, long[] Shape) Tensor(string file, string name)
    {
        using var f = SafeTensors.Open(File(file));
        return (f.ReadSingles(name), f.Info(name).Shape.ToArray());
    }

    public static long[] Int64(string file, string name)
    {
        using var f = SafeTensors.Open(File(file));
        Assert.Equal("I64", f.Info(name).DType);
        var bytes = f.ReadBytes(name);
        return Enumerable.Range(0, bytes.Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8))).ToArray();
    }

    /// <summary>max |Y − Y_torchaudio| ≤ 1e-4 · max(1, max |Y_torchaudio|).</summary>
    public static void AssertMatches(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1, worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(expected[i]));
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (!(d <= worst)) { worst = d; at = i; }
        }
        Assert.True(worst <= 1e-4 * scale,
            $"{what}: max |Y − Y_torchaudio| = {worst:E2} at element {at} ({actual[at]} vs {expected[at]}) exceeds 1e-4 × {scale:F3}");
    }

    /// <summary>The largest difference, for the tests that show a wrong model misses the fixture.</summary>
    public static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        return worst;
    }

    /// <summary>Every kernel path this CPU runs (scalar, portable, avx2, avx512 on x64; neon on arm64).</summary>
    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (var p in KernelPaths.Supported) data.Add(p.Name());
        return data;
    }
}
