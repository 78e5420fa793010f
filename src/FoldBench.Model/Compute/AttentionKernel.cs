using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FoldBench.Model.Compute;

/// <summary>
/// Scaled dot-product attention of folded sub-tokens over a key/value buffer. Keys and values
/// live interleaved per sub-row, <c>[k (W) | v (W)]</c> with W the sub-token width, because the
/// fused key/value projection writes them that way. The valid rows are two ranges: the cached
/// left context (a ring, so its rows are in no particular order — attention without a mask does
/// not depend on key order) and this step's chunk and look-ahead.
/// </summary>
/// <remarks>
/// Folding makes heads narrow (D/(N·H): 16 floats for emformer-base at N = 4), where one dot
/// product per (query, key) spends more time on horizontal sums and call overhead than on
/// multiplies. So each head works on Qᵀ instead, and every vector lane is a different query
/// sub-row: scores Sᵀ[key] = Σₑ K[key, e]·Qᵀ[e], the softmax runs down the key axis of Sᵀ for all
/// queries at once, and Oᵀ[e] = Σ_key V[key, e]·Pᵀ[key]. Broadcast-multiply-adds only, no reductions
/// across lanes; four keys (or four value columns) share each vector load.
/// </remarks>
internal static class AttentionKernel
{
    private static int Lanes => Vector<float>.Count;

    /// <summary>Query rows rounded up to whole vectors.</summary>
    public static int PaddedRows(int queryRows) => (queryRows + Lanes - 1) / Lanes * Lanes;

    /// <summary>Scratch floats <see cref="Run"/> needs: Qᵀ (reused as Oᵀ), Sᵀ and one row of 1/Σ.</summary>
    public static int ScratchLength(int queryRows, int keyRows, int headWidth)
    {
        int padded = PaddedRows(queryRows);
        return padded * (headWidth + keyRows + 1);
    }

    /// <param name="query">queryRows × width, already multiplied by 1/√headWidth (folded into the query weights).</param>
    /// <param name="keyValue">rows × 2·width.</param>
    /// <param name="cacheRows">Valid rows at the start of <paramref name="keyValue"/> (the left-context ring).</param>
    /// <param name="currentFirstRow">First row of this step's keys.</param>
    /// <param name="currentRows">Rows of this step's keys (chunk and look-ahead).</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> floats.</param>
    /// <param name="output">queryRows × width, head h in columns [h·headWidth, (h+1)·headWidth).</param>
    public static void Run(ReadOnlySpan<float> query, int queryRows, int width, ReadOnlySpan<float> keyValue,
        int cacheRows, int currentFirstRow, int currentRows, int heads, int headWidth,
        Span<float> scratch, Span<float> output)
    {
        int padded = PaddedRows(queryRows);
        int keys = cacheRows + currentRows;
        if (scratch.Length < ScratchLength(queryRows, keys, headWidth))
            throw new ArgumentException($"attention scratch has {scratch.Length} floats but needs {ScratchLength(queryRows, keys, headWidth)}", nameof(scratch));
        var transposed = scratch[..(headWidth * padded)];               // Qᵀ, then Oᵀ: headWidth × padded
        var probabilities = scratch.Slice(headWidth * padded, keys * padded); // Sᵀ, then Pᵀ: keys × padded
        var inverseSums = scratch.Slice((headWidth + keys) * padded, padded);
        var rows = new KeyRows(cacheRows, currentFirstRow);

        for (int h = 0; h < heads; h++)
        {
            int column = h * headWidth;
            Transpose(query, queryRows, width, column, headWidth, padded, transposed);
            Scores(keyValue, 2 * width, column, headWidth, keys, rows, transposed, padded, probabilities);
            Softmax(probabilities, keys, padded, inverseSums);
            transposed.Clear();
            Values(keyValue, 2 * width, width + column, headWidth, keys, rows, probabilities, padded, transposed);
            Store(transposed, inverseSums, queryRows, width, column, headWidth, padded, output);
        }
    }

    /// <summary>Maps a key index to its row: the ring first, then this step's rows.</summary>
    private readonly struct KeyRows(int cacheRows, int currentFirstRow)
    {
        public int Row(int key) => key < cacheRows ? key : currentFirstRow + (key - cacheRows);
    }

    private static void Transpose(ReadOnlySpan<float> query, int queryRows, int width, int column, int headWidth, int padded, Span<float> qt)
    {
        for (int e = 0; e < headWidth; e++)
        {
            var line = qt.Slice(e * padded, padded);
            for (int i = 0; i < queryRows; i++) line[i] = query[i * width + column + e];
            line[queryRows..].Clear();   // padded lanes score 0 and are never stored
        }
    }

    /// <summary>Sᵀ[key] = Σₑ K[key, e]·Qᵀ[e], four keys per pass so each Qᵀ load feeds four multiply-adds.</summary>
    private static void Scores(ReadOnlySpan<float> keyValue, int stride, int column, int headWidth, int keys, KeyRows rows,
        ReadOnlySpan<float> qt, int padded, Span<float> st)
    {
        ref float kv = ref MemoryMarshal.GetReference(keyValue);
        ref float q = ref MemoryMarshal.GetReference(qt);
        ref float s = ref MemoryMarshal.GetReference(st);
        for (int block = 0; block < padded; block += Lanes)
        {
            int key = 0;
            for (; key + 4 <= keys; key += 4)
            {
                ref float k0 = ref Unsafe.Add(ref kv, rows.Row(key) * stride + column);
                ref float k1 = ref Unsafe.Add(ref kv, rows.Row(key + 1) * stride + column);
                ref float k2 = ref Unsafe.Add(ref kv, rows.Row(key + 2) * stride + column);
                ref float k3 = ref Unsafe.Add(ref kv, rows.Row(key + 3) * stride + column);
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int e = 0; e < headWidth; e++)
                {
                    var v = Vector.LoadUnsafe(ref q, (nuint)(e * padded + block));
                    a0 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref k0, e)), v, a0);
                    a1 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref k1, e)), v, a1);
                    a2 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref k2, e)), v, a2);
                    a3 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref k3, e)), v, a3);
                }
                a0.StoreUnsafe(ref s, (nuint)(key * padded + block));
                a1.StoreUnsafe(ref s, (nuint)((key + 1) * padded + block));
                a2.StoreUnsafe(ref s, (nuint)((key + 2) * padded + block));
                a3.StoreUnsafe(ref s, (nuint)((key + 3) * padded + block));
            }
            for (; key < keys; key++)
            {
                ref float k0 = ref Unsafe.Add(ref kv, rows.Row(key) * stride + column);
                Vector<float> a0 = default;
                for (int e = 0; e < headWidth; e++)
                    a0 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref k0, e)), Vector.LoadUnsafe(ref q, (nuint)(e * padded + block)), a0);
                a0.StoreUnsafe(ref s, (nuint)(key * padded + block));
            }
        }
    }

    /// <summary>Numerically stable softmax down the key axis, every query lane at once: exp(s − max), and 1/Σ kept for later.</summary>
    /// <remarks>
    /// Hand-written, not TensorPrimitives.SoftMax: that works along one contiguous row, and here a query's
    /// scores run down a column of Sᵀ. Measured 2026-12-02 (AMD EPYC Zen 5, 2-core VM shared with builds,
    /// .NET 10, one sitting), here / TensorPrimitives per row of a row-major copy / TensorPrimitives with the
    /// transposes to rows and back this kernel would need: 5 queries × 20 keys 279 / 287 / 959 ns;
    /// 5 × 200 3819 / 1205 / 4725 ns; 20 × 35 1840 / 2084 / 4055 ns. Row-wise wins from about 70 keys, but
    /// only without the layout, and the transposed layout is what makes the score and value passes fast.
    /// </remarks>
    private static void Softmax(Span<float> st, int keys, int padded, Span<float> inverseSums)
    {
        ref float s = ref MemoryMarshal.GetReference(st);
        for (int block = 0; block < padded; block += Lanes)
        {
            var max = new Vector<float>(float.NegativeInfinity);
            for (int key = 0; key < keys; key++) max = Vector.Max(max, Vector.LoadUnsafe(ref s, (nuint)(key * padded + block)));
            var sum = Vector<float>.Zero;
            for (int key = 0; key < keys; key++)
            {
                var e = Vector.Exp(Vector.LoadUnsafe(ref s, (nuint)(key * padded + block)) - max);
                e.StoreUnsafe(ref s, (nuint)(key * padded + block));
                sum += e;
            }
            (Vector<float>.One / sum).StoreUnsafe(ref MemoryMarshal.GetReference(inverseSums), (nuint)block);
        }
    }

    /// <summary>Oᵀ[e] += Σ_key V[key, e]·Pᵀ[key], four value columns per pass so each Pᵀ load feeds four multiply-adds.</summary>
    private static void Values(ReadOnlySpan<float> keyValue, int stride, int column, int headWidth, int keys, KeyRows rows,
        ReadOnlySpan<float> pt, int padded, Span<float> ot)
    {
        ref float kv = ref MemoryMarshal.GetReference(keyValue);
        ref float p = ref MemoryMarshal.GetReference(pt);
        ref float o = ref MemoryMarshal.GetReference(ot);
        for (int block = 0; block < padded; block += Lanes)
        {
            int e = 0;
            for (; e + 4 <= headWidth; e += 4)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int key = 0; key < keys; key++)
                {
                    ref float v = ref Unsafe.Add(ref kv, rows.Row(key) * stride + column + e);
                    var w = Vector.LoadUnsafe(ref p, (nuint)(key * padded + block));
                    a0 = Vector.MultiplyAddEstimate(new Vector<float>(v), w, a0);
                    a1 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref v, 1)), w, a1);
                    a2 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref v, 2)), w, a2);
                    a3 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref v, 3)), w, a3);
                }
                a0.StoreUnsafe(ref o, (nuint)(e * padded + block));
                a1.StoreUnsafe(ref o, (nuint)((e + 1) * padded + block));
                a2.StoreUnsafe(ref o, (nuint)((e + 2) * padded + block));
                a3.StoreUnsafe(ref o, (nuint)((e + 3) * padded + block));
            }
            for (; e < headWidth; e++)
            {
                Vector<float> a0 = default;
                for (int key = 0; key < keys; key++)
                    a0 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref kv, rows.Row(key) * stride + column + e)),
                        Vector.LoadUnsafe(ref p, (nuint)(key * padded + block)), a0);
                a0.StoreUnsafe(ref o, (nuint)(e * padded + block));
            }
        }
    }

    /// <summary>Back to row layout, dividing by the softmax sums.</summary>
    private static void Store(ReadOnlySpan<float> ot, ReadOnlySpan<float> inverseSums, int queryRows, int width, int column,
        int headWidth, int padded, Span<float> output)
    {
        for (int i = 0; i < queryRows; i++)
        {
            float inv = inverseSums[i];
            var row = output.Slice(i * width + column, headWidth);
            for (int e = 0; e < headWidth; e++) row[e] = ot[e * padded + i] * inv;
        }
    }
}
