using FoldBench.Kernels;

namespace FoldBench.Model.Compute;

/// <summary>
/// One linear layer of the model, possibly folded: a T×(Fold·In) input is seen as (Fold·T)×In
/// sub-tokens (no copy) and projected by one shared block or by one block per sub-position.
/// Square shared layers go through <see cref="FoldedProjection.Project"/>; rectangular ones (the
/// fused key/value projection, the FFN) through <see cref="Linear"/> on the same reinterpreted
/// view, and block-diagonal ones through the strided <see cref="Linear"/> overload per sub-position. With a
/// <see cref="ProjectionPool"/> each of those calls splits its output panels across the pool's threads.
/// </summary>
internal sealed class FoldedLinear
{
    private readonly PackedWeights[] _blocks;
    private readonly int _fold, _inSub, _outSub;
    private readonly ProjectionPool? _pool;

    /// <param name="scale">Multiplies weights and bias before packing (the query's 1/√headWidth).</param>
    /// <param name="pool">Threads each projection is split across (null: the calling thread alone); not owned.</param>
    public FoldedLinear(ProjectionWeights weights, int fold, KernelPath path, float scale = 1f, ProjectionPool? pool = null)
    {
        _fold = fold;
        _pool = pool;
        _inSub = weights.Blocks[0].Inputs;
        _outSub = weights.Blocks[0].Outputs;
        _blocks = new PackedWeights[weights.Blocks.Count];
        for (int j = 0; j < _blocks.Length; j++)
        {
            var b = weights.Blocks[j];
            if (scale == 1f)
                _blocks[j] = PackedWeights.Pack(b.Weight, b.Outputs, b.Inputs, b.Bias, path);
            else
            {
                float[] w = b.Weight.ToArray(), bias = b.Bias.ToArray();
                for (int i = 0; i < w.Length; i++) w[i] *= scale;
                for (int i = 0; i < bias.Length; i++) bias[i] *= scale;
                _blocks[j] = PackedWeights.Pack(w, b.Outputs, b.Inputs, bias, path);
            }
        }
    }

    public int InputWidth => _inSub * _fold;
    public int OutputWidth => _outSub * _fold;
    public long ParameterCount => _blocks.Sum(b => b.ParameterBytes) / sizeof(float);
    public long PackedBytes => _blocks.Sum(b => b.PackedBytes);

    /// <summary>y[tokens × OutputWidth] = (or +=) the folded projection of x[tokens × InputWidth].</summary>
    public void Apply(ReadOnlySpan<float> x, int tokens, Span<float> y, bool accumulate)
    {
        int inWidth = InputWidth, outWidth = OutputWidth;
        var xs = x[..(tokens * inWidth)];
        var ys = y[..(tokens * outWidth)];
        if (_blocks.Length == 1)
        {
            if (_inSub == _outSub) FoldedProjection.Project(xs, tokens, inWidth, _fold, _blocks[0], ys, accumulate, _pool);
            else Linear.Project(xs, tokens * _fold, _blocks[0], ys, accumulate, _pool);
        }
        else
        {
            // Block j reads columns [j·In, (j+1)·In) of every token and writes its own column block:
            // one strided projection per block, for square and rectangular blocks alike
            // (the fused K/V and the folded FFN blocks are rectangular).
            for (int j = 0; j < _blocks.Length; j++)
                Linear.Project(xs[(j * _inSub)..], tokens, inWidth, _blocks[j], ys[(j * _outSub)..], outWidth, accumulate, _pool);
        }
    }
}
