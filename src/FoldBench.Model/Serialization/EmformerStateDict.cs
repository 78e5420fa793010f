using System.Globalization;

namespace FoldBench.Model;

/// <summary>
/// Reads and writes encoder weights as .safetensors by the parameter names of torchaudio's
/// Emformer <c>state_dict</c>: <c>emformer_layers.{i}.</c> followed by the layer names of
/// <see cref="EmformerLayout"/> (which also documents the folded shapes and block-diagonal
/// names). The names may sit under a prefix: <c>transcriber.transformer.</c> in an RNN-T
/// state_dict, <c>transformer.</c> in the transcriber's; by default the prefix is found from
/// the file. Every tensor under the prefix must be one the configuration needs: a missing, extra,
/// misshaped or non-float tensor is an error naming it. Without a prefix the file is an Emformer
/// state_dict and holds nothing else; under one, the tensors outside it belong to the model around
/// the encoder and are not read here (<see cref="RnntStateDict"/> loads and checks a whole RNN-T).
/// </summary>
public static class EmformerStateDict
{
    internal const string LayersKey = "emformer_layers.";

    /// <summary>Loads encoder weights for a configuration and folding options; errors name the tensor.</summary>
    public static EncoderWeights Load(string path, ModelConfig c, FoldingOptions o, string? prefix = null)
    {
        var g = new FoldGeometry(c, o);
        using var reader = new StateDictReader(path);
        prefix ??= FindPrefix(reader.File, reader.Where);
        var weights = Read(reader, g, prefix);
        foreach (var name in reader.Unread(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            throw Unexpected(reader, g, prefix, name);
        return weights;
    }

    /// <summary>The layers under <paramref name="prefix"/>, each tensor checked against the geometry.</summary>
    internal static EncoderWeights Read(StateDictReader reader, FoldGeometry g, string prefix)
    {
        string needs = Describe(g.Config, g.Options);
        var layers = new LayerWeights[g.Config.Layers];
        for (int i = 0; i < layers.Length; i++)
        {
            string layerPrefix = prefix + EmformerLayout.LayerPrefix(i);
            layers[i] = EmformerLayout.AssembleLayer(g, spec => reader.Read(layerPrefix + spec.Name, spec.Shape, needs));
        }
        return new EncoderWeights(layers);
    }

    /// <summary>The error for a tensor the configuration does not have.</summary>
    internal static SafeTensorsException Unexpected(StateDictReader reader, FoldGeometry g, string prefix, string name) =>
        name.StartsWith(prefix + LayersKey, StringComparison.Ordinal)
            ? new SafeTensorsException($"{reader.Where}: tensor '{name}' is not part of a {g.Config.Layers}-layer encoder with {Describe(g.Config, g.Options)}")
            : new SafeTensorsException($"{reader.Where}: unexpected tensor '{name}': an Emformer state_dict holds only '{prefix}{LayersKey}{{i}}.…' tensors");

    /// <summary>
    /// Writes encoder weights (F32, F16 or BF16) under an optional prefix, with the configuration
    /// and folding options as metadata for provenance.
    /// </summary>
    public static void Save(string path, EncoderWeights weights, ModelConfig c, FoldingOptions o, string dtype = "F32", string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(weights);
        var g = new FoldGeometry(c, o);
        if (weights.Layers.Count != c.Layers)
            throw new ArgumentException($"encoder weights have {weights.Layers.Count} layers but layers = {c.Layers}", nameof(weights));
        var specs = EmformerLayout.LayerTensors(g);
        var tensors = new List<SafeTensorData>();
        for (int i = 0; i < c.Layers; i++)
        {
            var flat = EmformerLayout.Flatten(weights.Layers[i]).ToList();
            EmformerLayout.Check(specs, flat, $"layer {i} weights");
            foreach (var (name, shape, data) in flat)
                tensors.Add(SafeTensorData.FromSingles(prefix + EmformerLayout.LayerPrefix(i) + name, shape.Select(d => (long)d).ToArray(), data, dtype));
        }
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["foldbench.config"] = c.ToJson(),
            ["foldbench.fold"] = o.Fold.ToString(CultureInfo.InvariantCulture),
            ["foldbench.heads"] = FoldingOptions.Names.Of(o.Heads),
            ["foldbench.sharing"] = FoldingOptions.Names.Of(o.Sharing),
            ["foldbench.projections"] = FoldingOptions.Names.Of(o.Projections),
            ["foldbench.foldFfn"] = o.FoldFfn ? "true" : "false",
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    internal static string FindPrefix(SafeTensorFile file, string where)
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        const string first = LayersKey + "0.";
        foreach (var name in file.Tensors.Keys)
        {
            int at = name.IndexOf(first, StringComparison.Ordinal);
            if (at == 0 || (at > 0 && name[at - 1] == '.')) prefixes.Add(name[..at]);
        }
        return prefixes.Count switch
        {
            1 => prefixes.First(),
            0 => throw new SafeTensorsException(
                $"{where} has no Emformer layer tensors (expected names like 'emformer_layers.0.attention.emb_to_query.weight', optionally under a prefix such as 'transcriber.transformer.')"),
            _ => throw new SafeTensorsException(
                $"{where} holds Emformer layers under several prefixes ({string.Join(", ", prefixes.Select(p => $"'{p}'"))}); pass the prefix explicitly"),
        };
    }

    internal static string Describe(ModelConfig c, FoldingOptions o) =>
        o.Fold == 1 ? $"D = {c.Width}, F = {c.FfnWidth}, unfolded" : $"D = {c.Width}, F = {c.FfnWidth}, {o.Describe()}";
}
