using System.Globalization;

namespace FoldBench.Model;

/// <summary>
/// Reads and writes a whole RNN-T as .safetensors under the keys of torchaudio's
/// <c>RNNT.state_dict()</c> (<see cref="RnntLayout"/>). Every tensor the configuration needs must
/// be there with its shape, and nothing else may be: a missing, extra, misshaped or non-float
/// tensor is an error naming it. F32, F16, BF16 (and F64) tensors are read as floats.
/// </summary>
public static class RnntStateDict
{
    /// <summary>Loads an RNN-T for a configuration with an <c>rnnt</c> section; folding changes only the encoder's shapes.</summary>
    public static RnntWeights Load(string path, ModelConfig c, FoldingOptions o)
    {
        var g = new FoldGeometry(c, o);
        using var reader = new StateDictReader(path);
        return Read(reader, g);
    }

    internal static RnntWeights Read(StateDictReader reader, FoldGeometry g)
    {
        var r = RnntLayout.Rnnt(g.Config);
        string encoderNeeds = EmformerStateDict.Describe(g.Config, g.Options);
        string rnntNeeds = $"rnnt {{ inputFeatures = {r.InputFeatures}, timeReductionInputWidth = {r.TimeReductionInputWidth}, " +
            $"encoderOutputWidth = {r.EncoderOutputWidth}, predictorWidth = {r.PredictorWidth}, predictorLstmLayers = {r.PredictorLstmLayers}, " +
            $"lstmLayerNorm = {(r.LstmLayerNorm ? "true" : "false")}, vocabulary = {r.Vocabulary} }}";
        var weights = RnntLayout.Assemble(g, spec => reader.Read(spec.Name, spec.Shape,
            spec.Name.StartsWith(RnntLayout.EncoderPrefix, StringComparison.Ordinal) ? encoderNeeds : rnntNeeds));
        foreach (var name in reader.Unread())
            throw name.StartsWith(RnntLayout.EncoderPrefix, StringComparison.Ordinal)
                ? EmformerStateDict.Unexpected(reader, g, RnntLayout.EncoderPrefix, name)
                : new SafeTensorsException($"{reader.Where}: unexpected tensor '{name}': not part of an RNN-T with {rnntNeeds}");
        return weights;
    }

    /// <summary>Writes an RNN-T (F32, F16 or BF16) with the configuration as metadata, atomically.</summary>
    public static void Save(string path, RnntWeights weights, ModelConfig c, FoldingOptions o, string dtype = "F32")
    {
        ArgumentNullException.ThrowIfNull(weights);
        var g = new FoldGeometry(c, o);
        var flat = RnntLayout.Flatten(weights).ToList();
        var expected = RnntLayout.Tensors(g);
        var shapes = flat.ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        foreach (var spec in expected)
        {
            if (!shapes.Remove(spec.Name, out var shape))
                throw new ArgumentException($"RNN-T weights: tensor '{spec.Name}' is missing (this configuration needs {spec.ShapeText})", nameof(weights));
            if (!shape.SequenceEqual(spec.Shape))
                throw new ArgumentException($"RNN-T weights: tensor '{spec.Name}' has shape [{string.Join(", ", shape)}] but this configuration needs {spec.ShapeText}", nameof(weights));
        }
        if (shapes.Count > 0)
            throw new ArgumentException($"RNN-T weights: tensor '{shapes.Keys.First()}' is not part of this configuration", nameof(weights));
        var tensors = flat.Select(t => SafeTensorData.FromSingles(t.Name, t.Shape.Select(d => (long)d).ToArray(), t.Data, dtype));
        SafeTensors.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["foldbench.config"] = c.ToJson(),
            ["foldbench.fold"] = o.Fold.ToString(CultureInfo.InvariantCulture),
        });
    }
}

/// <summary>What a torchaudio state_dict file holds.</summary>
public enum StateDictKind
{
    /// <summary><c>torchaudio.models.Emformer().state_dict()</c>: keys <c>emformer_layers.{i}.…</c>.</summary>
    Emformer,
    /// <summary><c>torchaudio.models.RNNT.state_dict()</c> (<c>emformer_rnnt_model</c>): keys <c>transcriber.…</c>, <c>predictor.…</c>, <c>joiner.…</c>.</summary>
    Rnnt,
}

/// <summary>A loaded torchaudio state_dict: an Emformer's layers, or a whole RNN-T.</summary>
public sealed record TorchWeights(StateDictKind Kind, EncoderWeights Encoder, RnntWeights? Rnnt);

/// <summary>
/// Loads a .safetensors file holding either torchaudio state_dict (<see cref="StateDictKind"/>),
/// told apart by its keys, strictly: every tensor checked against the configuration, nothing left over.
/// </summary>
public static class TorchStateDict
{
    public static TorchWeights Load(string path, ModelConfig c, FoldingOptions o)
    {
        var g = new FoldGeometry(c, o);
        using var reader = new StateDictReader(path);
        switch (Kind(reader))
        {
            case StateDictKind.Emformer:
                var encoder = EmformerStateDict.Read(reader, g, "");
                foreach (var name in reader.Unread()) throw EmformerStateDict.Unexpected(reader, g, "", name);
                return new TorchWeights(StateDictKind.Emformer, encoder, null);
            default:
                if (c.Rnnt is null)
                    throw new ConfigFieldException(
                        $"{reader.Where} holds an RNN-T state_dict (keys 'transcriber.…', 'predictor.…', 'joiner.…') but configuration '{c.Name}' has no 'rnnt' section", "rnnt");
                var rnnt = RnntStateDict.Read(reader, g);
                return new TorchWeights(StateDictKind.Rnnt, rnnt.Transcriber.Encoder, rnnt);
        }
    }

    private static StateDictKind Kind(StateDictReader reader)
    {
        var names = reader.File.Tensors.Keys;
        bool emformer = names.Any(n => n.StartsWith(EmformerStateDict.LayersKey, StringComparison.Ordinal));
        bool rnnt = names.Any(n => n.StartsWith("transcriber.", StringComparison.Ordinal) || n.StartsWith("predictor.", StringComparison.Ordinal)
                                   || n.StartsWith("joiner.", StringComparison.Ordinal));
        return (emformer, rnnt) switch
        {
            (true, false) => StateDictKind.Emformer,
            (false, true) => StateDictKind.Rnnt,
            (true, true) => throw new SafeTensorsException(
                $"{reader.Where} mixes an Emformer state_dict ('emformer_layers.…') with RNN-T keys ('transcriber.…', 'predictor.…', 'joiner.…')"),
            _ => throw new SafeTensorsException(
                $"{reader.Where} holds neither a torchaudio Emformer state_dict (keys like 'emformer_layers.0.attention.emb_to_query.weight') " +
                $"nor an RNN-T one (keys 'transcriber.…', 'predictor.…', 'joiner.…')" +
                (reader.File.Tensors.Count > 0 ? $"; its first tensor is '{reader.Unread().First()}'" : "; it holds no tensors")),
        };
    }
}
