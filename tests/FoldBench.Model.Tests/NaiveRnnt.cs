namespace FoldBench.Model.Tests;

/// <summary>
/// The RNN-T's predictor and joiner written again from torchaudio's definitions (<c>_Predictor</c>,
/// <c>_CustomLSTM</c>, <c>_Joiner</c> in torchaudio/models/rnnt.py), in double precision with plain loops.
/// </summary>
internal sealed class NaiveRnnt(ModelConfig c, RnntWeights w)
{
    private readonly RnntConfig _r = c.Rnnt!;
    private readonly double[][] _h = Enumerable.Range(0, c.Rnnt!.PredictorLstmLayers).Select(_ => new double[c.Rnnt.PredictorWidth]).ToArray();
    private readonly double[][] _c = Enumerable.Range(0, c.Rnnt!.PredictorLstmLayers).Select(_ => new double[c.Rnnt.PredictorWidth]).ToArray();

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double[] Linear(double[] x, LinearWeights l)
    {
        var y = new double[l.Outputs];
        var weight = l.Weight;
        var bias = l.Bias;
        for (int o = 0; o < l.Outputs; o++)
        {
            double s = l.HasBias ? bias[o] : 0;
            for (int i = 0; i < l.Inputs; i++) s += weight[o * l.Inputs + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    private static double[] LayerNorm(double[] x, NormWeights w, double epsilon)
    {
        double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
        var gain = w.Gain.ToArray();
        var shift = w.Shift.ToArray();
        return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + epsilon) * gain[i] + shift[i]).ToArray();
    }

    /// <summary>One symbol through the predictor: embedding, input norm, LSTMs, linear, output norm.</summary>
    public double[] Predict(int symbol)
    {
        int p = _r.PredictorWidth;
        var x = w.Predictor.Embedding.Table.Slice(symbol * p, p).ToArray().Select(v => (double)v).ToArray();
        x = LayerNorm(x, w.Predictor.InputNorm, 1e-5);
        for (int j = 0; j < _h.Length; j++)
        {
            var l = w.Predictor.Lstm[j];
            var gates = Linear(x, l.InputToGates).Zip(Linear(_h[j], l.HiddenToGates), (a, b) => a + b).ToArray();
            if (l.GateNorm is { } gn) gates = LayerNorm(gates, gn, _r.LstmLayerNormEpsilon);
            for (int k = 0; k < p; k++)
                _c[j][k] = Sigmoid(gates[p + k]) * _c[j][k] + Sigmoid(gates[k]) * Math.Tanh(gates[2 * p + k]);
            if (l.CellNorm is { } cn) _c[j] = LayerNorm(_c[j], cn, _r.LstmLayerNormEpsilon);
            for (int k = 0; k < p; k++) _h[j][k] = Sigmoid(gates[3 * p + k]) * Math.Tanh(_c[j][k]);
            x = _h[j].ToArray();
        }
        return LayerNorm(Linear(x, w.Predictor.Linear), w.Predictor.OutputNorm, 1e-5);
    }

    public double[] Join(float[] encoderFrame, double[] predicted)
    {
        var sum = encoderFrame.Select((v, i) => v + predicted[i])
            .Select(v => _r.JoinerActivation == JoinerActivation.Relu ? Math.Max(v, 0) : Math.Tanh(v)).ToArray();
        return Linear(sum, w.Joiner.Linear);
    }
}
