namespace FoldBench.Model;

/// <summary>
/// The parameter names and shapes of torchaudio's <c>RNNT.state_dict()</c> from
/// <c>emformer_rnnt_model</c>, with F input features, I the time-reduction input width, D = I·stride,
/// E the encoder output width, P the predictor width (embedding and LSTM hidden), V the symbols:
/// <code>
/// transcriber.input_linear.weight                 [I, F]      (no bias)
/// transcriber.transformer.emformer_layers.{i}.…   the encoder (<see cref="EmformerLayout"/>)
/// transcriber.output_linear.weight / .bias        [E, D] / [E]
/// transcriber.layer_norm.weight / .bias           [E]
/// predictor.embedding.weight                      [V, P]
/// predictor.input_layer_norm.weight / .bias       [P]
/// predictor.lstm_layers.{j}.x2g.weight            [4P, P]     (.bias [4P] only without LSTM layer norm)
/// predictor.lstm_layers.{j}.p2g.weight            [4P, P]     (no bias)
/// predictor.lstm_layers.{j}.c_norm.weight / .bias [P]         (only with LSTM layer norm)
/// predictor.lstm_layers.{j}.g_norm.weight / .bias [4P]        (only with LSTM layer norm)
/// predictor.linear.weight / .bias                 [E, P] / [E]
/// predictor.output_layer_norm.weight / .bias      [E]
/// joiner.linear.weight / .bias                    [V, E] / [V]
/// </code>
/// Folding changes only the encoder's tensors. Names are full state-dict keys here.
/// </summary>
public static class RnntLayout
{
    public const string EncoderPrefix = "transcriber.transformer.";
    public const string InputLinear = "transcriber.input_linear";
    public const string OutputLinear = "transcriber.output_linear";
    public const string TranscriberNorm = "transcriber.layer_norm";
    public const string Embedding = "predictor.embedding";
    public const string PredictorInputNorm = "predictor.input_layer_norm";
    public const string PredictorLinear = "predictor.linear";
    public const string PredictorOutputNorm = "predictor.output_layer_norm";
    public const string JoinerLinear = "joiner.linear";

    /// <summary>The prefix of LSTM layer <paramref name="index"/>.</summary>
    public static string LstmPrefix(int index) => $"predictor.lstm_layers.{index}.";

    /// <summary>
    /// Every tensor of the RNN-T for these folding options, in torch's state_dict order except inside an
    /// encoder layer, which keeps <see cref="EmformerLayout.LayerTensors"/>' order.
    /// </summary>
    public static IReadOnlyList<TensorSpec> Tensors(FoldGeometry g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var r = Rnnt(g.Config);
        int d = g.Width, e = r.EncoderOutputWidth, p = r.PredictorWidth, v = r.Vocabulary;
        var list = new List<TensorSpec>
        {
            new(InputLinear + ".weight", [r.TimeReductionInputWidth, r.InputFeatures], TensorRole.Weight, r.InputFeatures),
        };
        var layer = EmformerLayout.LayerTensors(g);
        for (int i = 0; i < g.Config.Layers; i++)
            list.AddRange(layer.Select(s => s with { Name = EncoderPrefix + EmformerLayout.LayerPrefix(i) + s.Name }));
        AddLinear(list, OutputLinear, e, d, bias: true);
        AddNorm(list, TranscriberNorm, e);
        list.Add(new TensorSpec(Embedding + ".weight", [v, p], TensorRole.Weight, p));
        AddNorm(list, PredictorInputNorm, p);
        for (int j = 0; j < r.PredictorLstmLayers; j++)
        {
            string prefix = LstmPrefix(j);
            AddLinear(list, prefix + "x2g", 4 * p, p, bias: !r.LstmLayerNorm);
            AddLinear(list, prefix + "p2g", 4 * p, p, bias: false);
            if (r.LstmLayerNorm)
            {
                AddNorm(list, prefix + "c_norm", p);
                AddNorm(list, prefix + "g_norm", 4 * p);
            }
        }
        AddLinear(list, PredictorLinear, e, p, bias: true);
        AddNorm(list, PredictorOutputNorm, e);
        AddLinear(list, JoinerLinear, v, e, bias: true);
        return list;
    }

    internal static RnntConfig Rnnt(ModelConfig c) =>
        c.Rnnt ?? throw ModelConfig.Field("rnnt", $"configuration '{c.Name}' has no 'rnnt' section, so it describes no RNN-T");

    private static void AddLinear(List<TensorSpec> list, string module, int outputs, int inputs, bool bias)
    {
        list.Add(new TensorSpec(module + ".weight", [outputs, inputs], TensorRole.Weight, inputs));
        if (bias) list.Add(new TensorSpec(module + ".bias", [outputs], TensorRole.Bias, inputs));
    }

    private static void AddNorm(List<TensorSpec> list, string module, int width)
    {
        list.Add(new TensorSpec(module + ".weight", [width], TensorRole.NormGain, width));
        list.Add(new TensorSpec(module + ".bias", [width], TensorRole.NormShift, width));
    }

    /// <summary>
    /// Builds the weights from a source of each tensor's values. Without <paramref name="encoder"/> the
    /// encoder's layers are skipped (an empty <see cref="EncoderWeights"/>), for a caller that builds the
    /// encoder itself one layer at a time.
    /// </summary>
    internal static RnntWeights Assemble(FoldGeometry g, Func<TensorSpec, float[]> source, bool encoder = true)
    {
        var r = Rnnt(g.Config);
        var specs = Tensors(g).ToDictionary(s => s.Name, StringComparer.Ordinal);
        float[] Get(string name) => source(specs[name]);
        LinearWeights Linear(string module, bool bias)
        {
            var w = specs[module + ".weight"];
            var weight = source(w);
            var b = bias ? Get(module + ".bias") : [];
            return new LinearWeights(w.Shape[0], w.Shape[1], weight, b);
        }
        NormWeights Norm(string module) => new(Get(module + ".weight"), Get(module + ".bias"));

        var input = Linear(InputLinear, bias: false);
        var layers = new LayerWeights[encoder ? g.Config.Layers : 0];
        for (int i = 0; i < layers.Length; i++)
        {
            string prefix = EncoderPrefix + EmformerLayout.LayerPrefix(i);
            layers[i] = EmformerLayout.AssembleLayer(g, s => source(specs[prefix + s.Name]));
        }
        var output = Linear(OutputLinear, bias: true);
        var transcriber = new TranscriberWeights(input, new EncoderWeights(layers), output, Norm(TranscriberNorm));

        var embedding = new EmbeddingWeights(r.Vocabulary, r.PredictorWidth, Get(Embedding + ".weight"));
        var inputNorm = Norm(PredictorInputNorm);
        var lstm = new LstmLayerWeights[r.PredictorLstmLayers];
        for (int j = 0; j < lstm.Length; j++)
        {
            string prefix = LstmPrefix(j);
            var x2g = Linear(prefix + "x2g", bias: !r.LstmLayerNorm);
            var p2g = Linear(prefix + "p2g", bias: false);
            NormWeights? cellNorm = r.LstmLayerNorm ? Norm(prefix + "c_norm") : null;
            NormWeights? gateNorm = r.LstmLayerNorm ? Norm(prefix + "g_norm") : null;
            lstm[j] = new LstmLayerWeights(x2g, p2g, gateNorm, cellNorm);
        }
        var predictor = new PredictorWeights(embedding, inputNorm, lstm, Linear(PredictorLinear, bias: true), Norm(PredictorOutputNorm));
        return new RnntWeights(transcriber, predictor, new JoinerWeights(Linear(JoinerLinear, bias: true)));
    }

    /// <summary>The tensors of given weights by full name, with the shapes they actually have.</summary>
    internal static IEnumerable<(string Name, int[] Shape, float[] Data)> Flatten(RnntWeights w)
    {
        foreach (var t in Linear(InputLinear, w.Transcriber.InputLinear)) yield return t;
        for (int i = 0; i < w.Transcriber.Encoder.Layers.Count; i++)
            foreach (var (name, shape, data) in EmformerLayout.Flatten(w.Transcriber.Encoder.Layers[i]))
                yield return (EncoderPrefix + EmformerLayout.LayerPrefix(i) + name, shape, data);
        foreach (var t in Linear(OutputLinear, w.Transcriber.OutputLinear)) yield return t;
        foreach (var t in Norm(TranscriberNorm, w.Transcriber.LayerNorm)) yield return t;
        var e = w.Predictor.Embedding;
        yield return (Embedding + ".weight", [e.Symbols, e.Width], e.TableArray);
        foreach (var t in Norm(PredictorInputNorm, w.Predictor.InputNorm)) yield return t;
        for (int j = 0; j < w.Predictor.Lstm.Count; j++)
        {
            var l = w.Predictor.Lstm[j];
            string prefix = LstmPrefix(j);
            foreach (var t in Linear(prefix + "x2g", l.InputToGates)) yield return t;
            foreach (var t in Linear(prefix + "p2g", l.HiddenToGates)) yield return t;
            if (l.CellNorm is { } c) foreach (var t in Norm(prefix + "c_norm", c)) yield return t;
            if (l.GateNorm is { } gn) foreach (var t in Norm(prefix + "g_norm", gn)) yield return t;
        }
        foreach (var t in Linear(PredictorLinear, w.Predictor.Linear)) yield return t;
        foreach (var t in Norm(PredictorOutputNorm, w.Predictor.OutputNorm)) yield return t;
        foreach (var t in Linear(JoinerLinear, w.Joiner.Linear)) yield return t;
    }

    private static IEnumerable<(string, int[], float[])> Linear(string module, LinearWeights l)
    {
        yield return (module + ".weight", [l.Outputs, l.Inputs], l.WeightArray);
        if (l.HasBias) yield return (module + ".bias", [l.Outputs], l.BiasArray);
    }

    private static IEnumerable<(string, int[], float[])> Norm(string module, NormWeights n)
    {
        yield return (module + ".weight", [n.Width], n.GainArray);
        yield return (module + ".bias", [n.Width], n.ShiftArray);
    }
}
