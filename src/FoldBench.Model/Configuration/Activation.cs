namespace FoldBench.Model;

/// <summary>
/// The FFN's activation, the choices of torchaudio's <c>Emformer(activation=…)</c>: <c>relu</c>,
/// <c>gelu</c> (exact, erf-based, as <c>torch.nn.GELU()</c>; <c>emformer_rnnt_base</c> uses it) or
/// <c>silu</c> (x·σ(x), <c>torch.nn.SiLU()</c>). The JSON spelling is the lower-case name.
/// </summary>
public enum Activation
{
    Relu,
    Gelu,
    Silu,
}

/// <summary>
/// The joiner's activation, the choices of torchaudio's RNN-T joiner: <c>relu</c> (the default of
/// <c>emformer_rnnt_model</c>) or <c>tanh</c>.
/// </summary>
public enum JoinerActivation
{
    Relu,
    Tanh,
}
