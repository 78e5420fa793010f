using FoldBench.Kernels;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Model.Compute;

/// <summary>
/// The quantized activation rows of a model part's int8 projections: one <see cref="QuantizedScratch"/> per input
/// width K (the kernels' scratch serves exactly one K), as large as the most rows any call of that K has reserved or
/// asked for. Shared, like <see cref="Workspace"/>, by projections that run one after another on one thread: a
/// streaming encoder's layers hold one between them. A projection split across a <see cref="ProjectionPool"/> fills it
/// on the calling thread before the split; the pool's workers only read it. Steady state allocates nothing: the
/// constructors reserve the rows of a step, and a scratch grows only when a call brings more rows than it has seen.
/// </summary>
internal sealed class Int8Scratch
{
    private readonly Dictionary<int, QuantizedScratch> _byWidth = [];

    /// <summary>Makes sure calls of width <paramref name="inputs"/> with up to <paramref name="rows"/> rows need no allocation.</summary>
    public void Reserve(int inputs, int rows) => For(inputs, rows);

    /// <summary>The scratch for <paramref name="rows"/> rows of width <paramref name="inputs"/>, grown if it is too small.</summary>
    public QuantizedScratch For(int inputs, int rows)
    {
        if (_byWidth.TryGetValue(inputs, out var scratch) && scratch.MaxRows >= rows) return scratch;
        scratch = new QuantizedScratch(Math.Max(Math.Max(rows, 1), scratch?.MaxRows ?? 0), inputs);
        _byWidth[inputs] = scratch;
        return scratch;
    }

    /// <summary>
    /// Bytes the quantized rows take: per width, rows × K padded to whole groups of 4 (one byte each) and one fp32 scale
    /// per row. The up to 63 bytes each scratch adds to align its rows to a cache line are not counted.
    /// </summary>
    public long Bytes => _byWidth.Values.Sum(s => RowBytes(s.MaxRows, s.InputCount));

    /// <summary>The bytes of <paramref name="rows"/> quantized rows of width <paramref name="inputs"/> and their scales.</summary>
    public static long RowBytes(long rows, int inputs) => rows * RowQuantizer.PaddedLength(inputs) + rows * sizeof(float);
}
