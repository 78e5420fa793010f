namespace FoldBench.Kernels;

/// <summary>
/// Where the caller expects a set of packed weights to be when a projection reads it: a hint that changes only how fast
/// the kernel runs, never its result (the bits are the same either way; the tests check it).
/// </summary>
/// <remarks>
/// <para>
/// A kernel cannot see whether its weights are cached, and the two cases want different code. With one row block
/// (M ≤ 12 on AVX-512, M ≤ 6 on AVX2) no other block re-reads a tile's panels, so nothing hides their memory latency but
/// the core's own look-ahead, which covers fewer bytes the more rows a K step multiplies: at M = 4 and 8 the streamed
/// tiles read memory at half the rate M = 1 does. Prefetching the tile's own panels ahead of its loads fixes that, and
/// costs load-port slots where the lines are already in L1/L2.
/// </para>
/// <para>
/// Measured on the Zen 5 VM, one core, K = N = 512, in-process A/B (see the kernels README): AVX-512 streamed M = 4 /
/// 8 / 12 1.24–1.41× / 1.46–1.63× / 1.37–1.50×, AVX2 M = 2 / 4 / 6 1.36–1.49× / 1.44–1.49× / 1.54–1.67×, while the
/// same prefetch on cache-resident weights cost AVX-512 M = 2 up to 20% and AVX2 M = 2 12%. So it is asked for, not
/// guessed: a caller that knows its weights stream (a model whose layers together exceed the last-level cache, the
/// streamed regime of the kernels suite) says <see cref="Memory"/>. M = 1 never prefetches (it streams at the memory
/// roof already and the prefetch measured slower), and tiles of several row blocks prefetch the next tile whatever the hint.
/// </para>
/// <para>
/// On AVX-512 the hint also runs 14–16 rows as one sixteen-row block over X packed K-major, instead of two blocks of
/// 7–8 rows, so that each weight line is read once, in one stream (streamed M = 16 1.04–1.24× at K = 512, 1.41–1.46× at
/// K = 128; cached 0.93–1.00×), and up to K = 256 also 8–12 rows as one such block and 17–32 rows as two (1.19–1.35× and
/// 1.08–1.20× at K = 128; <c>Linear.Avx512.SixteenRows.cs</c>). Both sum every output over K in the same order, so the bits stay the same.
/// </para>
/// <para>
/// The int8 kernels take the same hint (<see cref="Quantized.QuantizedWeights.Residency"/>) for a different prefetch: their
/// block 0 always prefetches the next panel, and with <see cref="Memory"/> every row block repeats it (streamed M = 12–24
/// 1.08–1.15× on Zen 5, cached unchanged); with <see cref="Memory"/> a one-block tile (M ≤ 6) prefetches its own panel
/// 6 or 12 KiB ahead (streamed M = 2–6 1.07–1.24×) and a one-row call keeps the one-panel tile (kernels README).
/// </para>
/// </remarks>
public enum WeightResidency
{
    /// <summary>The weights are expected in the caches (the default): no prefetch of a tile's own panels.</summary>
    Cache,

    /// <summary>The weights come from memory (one of many sets read in turn, more than the last-level cache holds).</summary>
    Memory,
}
