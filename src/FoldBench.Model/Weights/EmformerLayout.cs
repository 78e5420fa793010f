namespace FoldBench.Model;

/// <summary>What a tensor is for: decides its initialisation.</summary>
public enum TensorRole { Weight, Bias, NormGain, NormShift }

/// <summary>One parameter tensor of a layer: its state-dict name (relative to the layer), shape and role.</summary>
public sealed record TensorSpec(string Name, IReadOnlyList<int> Shape, TensorRole Role, int FanIn)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// The parameter names and shapes of one layer, after torchaudio's <c>_EmformerLayer</c>
/// state_dict, and how folding changes them. Unfolded (N = 1) the names and shapes are exactly
/// torchaudio's:
/// <code>
/// attention.emb_to_query.weight      [D, D]      attention.emb_to_query.bias      [D]
/// attention.emb_to_key_value.weight  [2D, D]     attention.emb_to_key_value.bias  [2D]   (rows 0..D-1 key, D..2D-1 value)
/// attention.out_proj.weight          [D, D]      attention.out_proj.bias          [D]
/// layer_norm_input.weight / .bias    [D]         (pre-attention LayerNorm)
/// pos_ff.0.weight / .bias            [D]         (FFN LayerNorm)
/// pos_ff.1.weight [F, D]  pos_ff.1.bias [F]      pos_ff.4.weight [D, F]  pos_ff.4.bias [D]
/// layer_norm_output.weight / .bias   [D]
/// </code>
/// Folded by N with shared weights, the same names carry (D/N)-wide shapes: emb_to_query
/// [D/N, D/N], emb_to_key_value [2D/N, D/N] (first D/N outputs key, last D/N value), out_proj
/// [D/N, D/N] (or [D, D] when only QKV fold), and with a folded FFN pos_ff.1 [F/N, D/N],
/// pos_ff.4 [D/N, F/N]. With block-diagonal weights each folded linear becomes N tensors
/// named with the sub-position before the parameter kind, as a PyTorch ModuleList would:
/// <c>attention.emb_to_query.{j}.weight</c>, <c>pos_ff.1.{j}.bias</c>, j = 0..N-1. LayerNorms
/// always act on whole D-wide tokens and keep their names and shapes.
/// </summary>
public static class EmformerLayout
{
    public const string Query = "attention.emb_to_query";
    public const string KeyValue = "attention.emb_to_key_value";
    public const string Output = "attention.out_proj";
    public const string NormInput = "layer_norm_input";
    public const string FfnNorm = "pos_ff.0";
    public const string FfnExpand = "pos_ff.1";
    public const string FfnContract = "pos_ff.4";
    public const string NormOutput = "layer_norm_output";

    /// <summary>The prefix of layer <paramref name="index"/> in torchaudio's <c>Emformer</c> state_dict.</summary>
    public static string LayerPrefix(int index) => $"emformer_layers.{index}.";

    /// <summary>Every tensor of one layer, in a fixed order, for these folding options.</summary>
    public static IReadOnlyList<TensorSpec> LayerTensors(FoldGeometry g)
    {
        var list = new List<TensorSpec>();
        list.AddRange(AttentionTensors(g));
        AddNorm(list, FfnNorm, g.Width);
        AddLinear(list, FfnExpand, g.FfnBlocks, g.FfnWidth / g.FfnFold, g.Width / g.FfnFold);
        AddLinear(list, FfnContract, g.FfnBlocks, g.Width / g.FfnFold, g.FfnWidth / g.FfnFold);
        AddNorm(list, NormOutput, g.Width);
        return list;
    }

    /// <summary>The tensors an attention block owns (a subset of <see cref="LayerTensors"/>).</summary>
    public static IReadOnlyList<TensorSpec> AttentionTensors(FoldGeometry g)
    {
        var list = new List<TensorSpec>();
        AddLinear(list, Query, g.AttentionBlocks, g.SubWidth, g.SubWidth);
        AddLinear(list, KeyValue, g.AttentionBlocks, 2 * g.SubWidth, g.SubWidth);
        int outSub = g.Width / g.OutputFold;
        AddLinear(list, Output, g.OutputBlocks, outSub, outSub);
        AddNorm(list, NormInput, g.Width);
        return list;
    }

    private static void AddLinear(List<TensorSpec> list, string module, int blocks, int outputs, int inputs)
    {
        for (int j = 0; j < blocks; j++)
        {
            string name = blocks == 1 ? module : $"{module}.{j}";
            list.Add(new TensorSpec(name + ".weight", [outputs, inputs], TensorRole.Weight, inputs));
            list.Add(new TensorSpec(name + ".bias", [outputs], TensorRole.Bias, inputs));
        }
    }

    private static void AddNorm(List<TensorSpec> list, string module, int width)
    {
        list.Add(new TensorSpec(module + ".weight", [width], TensorRole.NormGain, width));
        list.Add(new TensorSpec(module + ".bias", [width], TensorRole.NormShift, width));
    }

    internal static AttentionWeights AssembleAttention(FoldGeometry g, Func<TensorSpec, float[]> source)
    {
        var specs = AttentionTensors(g).ToDictionary(s => s.Name);
        var reader = new Reader(specs, source);
        return ReadAttention(g, reader);
    }

    internal static LayerWeights AssembleLayer(FoldGeometry g, Func<TensorSpec, float[]> source)
    {
        var specs = LayerTensors(g).ToDictionary(s => s.Name);
        var reader = new Reader(specs, source);
        // Same order as LayerTensors, so a seeded source gives the same values either way.
        var attention = ReadAttention(g, reader);
        var ffnNorm = reader.Norm(FfnNorm);
        var expand = reader.Projection(FfnExpand, g.FfnBlocks);
        var contract = reader.Projection(FfnContract, g.FfnBlocks);
        var normOutput = reader.Norm(NormOutput);
        return new LayerWeights(attention, new FeedForwardWeights(ffnNorm, expand, contract), normOutput);
    }

    private static AttentionWeights ReadAttention(FoldGeometry g, Reader reader)
    {
        var query = reader.Projection(Query, g.AttentionBlocks);
        var keyValue = reader.Projection(KeyValue, g.AttentionBlocks);
        var output = reader.Projection(Output, g.OutputBlocks);
        var norm = reader.Norm(NormInput);
        return new AttentionWeights(norm, query, keyValue, output);
    }

    /// <summary>The tensors of given weights by name, with the shapes they actually have.</summary>
    internal static IEnumerable<(string Name, int[] Shape, float[] Data)> Flatten(AttentionWeights w)
    {
        foreach (var t in Flatten(Query, w.Query)) yield return t;
        foreach (var t in Flatten(KeyValue, w.KeyValue)) yield return t;
        foreach (var t in Flatten(Output, w.Output)) yield return t;
        foreach (var t in Flatten(NormInput, w.NormInput)) yield return t;
    }

    internal static IEnumerable<(string Name, int[] Shape, float[] Data)> Flatten(LayerWeights w)
    {
        foreach (var t in Flatten(w.Attention)) yield return t;
        foreach (var t in Flatten(FfnNorm, w.FeedForward.Norm)) yield return t;
        foreach (var t in Flatten(FfnExpand, w.FeedForward.Expand)) yield return t;
        foreach (var t in Flatten(FfnContract, w.FeedForward.Contract)) yield return t;
        foreach (var t in Flatten(NormOutput, w.NormOutput)) yield return t;
    }

    private static IEnumerable<(string, int[], float[])> Flatten(string module, ProjectionWeights p)
    {
        for (int j = 0; j < p.Blocks.Count; j++)
        {
            var b = p.Blocks[j];
            string name = p.Blocks.Count == 1 ? module : $"{module}.{j}";
            yield return (name + ".weight", [b.Outputs, b.Inputs], b.WeightArray);
            yield return (name + ".bias", [b.BiasArray.Length], b.BiasArray);   // [0] for a bias-free block: Check rejects it
        }
    }

    private static IEnumerable<(string, int[], float[])> Flatten(string module, NormWeights n)
    {
        yield return (module + ".weight", [n.Width], n.GainArray);
        yield return (module + ".bias", [n.Width], n.ShiftArray);
    }

    /// <summary>Checks given weights against the shapes these options need; the error names the tensor.</summary>
    internal static void Check(IReadOnlyList<TensorSpec> expected, IEnumerable<(string Name, int[] Shape, float[] Data)> actual, string what)
    {
        var have = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, shape, _) in actual) have[name] = shape;
        foreach (var spec in expected)
        {
            if (!have.Remove(spec.Name, out var shape))
                throw new ArgumentException($"{what}: tensor '{spec.Name}' is missing (these folding options need {spec.ShapeText})");
            if (!shape.SequenceEqual(spec.Shape))
                throw new ArgumentException($"{what}: tensor '{spec.Name}' has shape [{string.Join(", ", shape)}] but these folding options need {spec.ShapeText}");
        }
        if (have.Count > 0)
            throw new ArgumentException($"{what}: tensor '{have.Keys.First()}' is not part of a layer with these folding options");
    }

    private sealed class Reader(Dictionary<string, TensorSpec> specs, Func<TensorSpec, float[]> source)
    {
        public ProjectionWeights Projection(string module, int blocks)
        {
            var list = new LinearWeights[blocks];
            for (int j = 0; j < blocks; j++)
            {
                string name = blocks == 1 ? module : $"{module}.{j}";
                var w = specs[name + ".weight"];
                var wData = source(w);
                var bData = source(specs[name + ".bias"]);
                list[j] = new LinearWeights(w.Shape[0], w.Shape[1], wData, bData);
            }
            return new ProjectionWeights(list);
        }

        public NormWeights Norm(string module) =>
            new(source(specs[module + ".weight"]), source(specs[module + ".bias"]));
    }
}
