using System.Diagnostics;
using System.Runtime.InteropServices;
using FoldBench.Benchmarks.Suites;

namespace FoldBench.Benchmarks.Sweep;

/// <summary>
/// One core's memory read rate, measured right beside a case whose weights stream from memory: the calibration's own read
/// loop (<see cref="CalibrationBenchmarks.ReadSum"/>) over a buffer as large as the calibration's memory buffer, the best of
/// <see cref="Passes"/> passes (a rate is a peak, as the roofs are).
/// </summary>
/// <remarks>
/// On a shared machine the memory rate moves by tens of percent within minutes (the Zen 5 development VM: one 256 MiB buffer
/// read 36 and 44 GB/s in passes a second apart, with nothing else running in the VM), so the rate at the start and the end
/// of a run does not say what a streamed case had while it ran. The buffer is allocated for each probe from native memory
/// and freed at once, so it never stays in the working set that the cases' peak memory measures.
/// </remarks>
public static unsafe class MemoryProbe
{
    public const int Passes = 6;

    /// <summary>GB/s of the best of <see cref="Passes"/> reads of <paramref name="bytes"/> (rounded down to whole 64-byte lines).</summary>
    public static double MeasureGBs(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, (long)CalibrationBenchmarks.Alignment);
        nuint size = (nuint)(bytes / CalibrationBenchmarks.Alignment * CalibrationBenchmarks.Alignment);
        // One Span<float> addresses at most int.MaxValue elements: 8 GiB, far above any memory buffer the calibration uses.
        int floats = (int)Math.Min((long)(size / sizeof(float)), int.MaxValue / 16 * 16);
        float* p = (float*)NativeMemory.AlignedAlloc(size, (nuint)CalibrationBenchmarks.Alignment);
        try
        {
            var data = new Span<float>(p, floats);
            // Touch every page so that the passes read memory, not page faults.
            data.Fill(1f);
            double best = 0;
            float sink = 0;
            for (int i = 0; i < Passes; i++)
            {
                long start = Stopwatch.GetTimestamp();
                sink += CalibrationBenchmarks.ReadSum(data);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (seconds > 0) best = Math.Max(best, (double)floats * sizeof(float) / seconds / 1e9);
            }
            GC.KeepAlive(sink);
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(p);
        }
    }
}
