#!/usr/bin/python3
"""Writes the torchaudio equivalence fixtures FoldBench's tests compare against.

Needs Debian's python3-torchaudio (0.13.1, with python3-torch 1.13):
    apt-get install -y python3-torchaudio
    /usr/bin/python3 tools/torchaudio-golden.py [OUT_DIR]      # default: tests/Fixtures/torchaudio

Two small models with random weights, every bias and LayerNorm parameter set explicitly to
non-trivial values (torch's own initialisation leaves biases at zero and norms at 1 and 0, which
would hide a bias or a norm applied wrongly):

  emformer.*  torchaudio.models.Emformer, streamed through Emformer.infer as a streaming client
              calls it: call i gets input rows i*S .. i*S+S+R-1 and the states of call i-1.
              weights (F32), weights-half (the same state_dict with the attention tensors in BF16,
              the FFN tensors in F16 and the rest in F32) and the outputs of both.
  rnnt.*      torchaudio.models.emformer_rnnt_model with a small configuration, streamed through
              RNNT.transcribe_streaming, then greedy decoding (blank = last symbol, at most
              MAX_SYMBOLS symbols per frame) with RNNT.predict and RNNT.join: the transcriber output,
              and for every joiner call the frame, the symbol picked, the predictor output and the
              logits.

Each model gets <name>.config.json in FoldBench's configuration format, <name>.weights.safetensors
(the state_dict under torchaudio's own key names), <name>.input.safetensors (tensor "input") and
<name>.expected.safetensors (tensor "output" and the others above). CI never runs this script: the
files are committed, and this is how to make them again (the output is the same on every run).
"""
import json
import os
import struct
import sys

import torch
import torchaudio
from torchaudio.models import Emformer, emformer_rnnt_model

MAX_SYMBOLS = 3


def write_safetensors(path, tensors, metadata=None):
    """The .safetensors format: u64 header length, JSON header, raw little-endian data (no extra package needed)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}[t.dtype]
        # numpy has no bfloat16: take the raw 16-bit patterns.
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def randomize(model, generator):
    """Every parameter explicitly: linear/embedding weights U(±sqrt(3/fan_in)) (unit output variance),
    biases U(±0.5), LayerNorm gains 1 + U(±0.3) and shifts U(±0.3)."""
    norms = {id(p) for m in model.modules() if isinstance(m, torch.nn.LayerNorm) for p in m.parameters()}
    with torch.no_grad():
        for name, p in model.named_parameters():
            u = torch.rand(p.shape, generator=generator) * 2 - 1
            if id(p) in norms:
                p.copy_(1 + 0.3 * u if name.endswith("weight") else 0.3 * u)
            elif p.dim() == 1:
                p.copy_(0.5 * u)
            else:
                p.copy_(u * (3.0 / p.shape[1]) ** 0.5)


def stream_emformer(model, x, segment, right):
    n = (x.shape[0] - right) // segment
    states, outputs = None, []
    for i in range(n):
        chunk = x[i * segment: i * segment + segment + right].unsqueeze(0)
        out, _, states = model.infer(chunk, torch.tensor([segment + right]), states)
        outputs.append(out[0])
    return torch.cat(outputs)


def emformer_fixture(out):
    # Head width 12 and D = 48: vector loops get tails; left context 5 is not a multiple of the chunk 4.
    c = {"name": "torchaudio-emformer", "width": 48, "heads": 4, "ffnWidth": 96, "layers": 3,
         "chunkTokens": 4, "rightContextTokens": 2, "leftContextTokens": 5, "activation": "gelu"}
    g = torch.Generator().manual_seed(1401)
    model = Emformer(c["width"], c["heads"], c["ffnWidth"], c["layers"], segment_length=c["chunkTokens"],
                     activation=c["activation"], left_context_length=c["leftContextTokens"],
                     right_context_length=c["rightContextTokens"], max_memory_size=0)
    randomize(model, g)
    model.eval()
    chunks = 6
    x = torch.randn(chunks * c["chunkTokens"] + c["rightContextTokens"], c["width"], generator=g)
    with torch.no_grad():
        y = stream_emformer(model, x, c["chunkTokens"], c["rightContextTokens"])
        # A copy: state_dict() shares storage with the model, which load_state_dict below overwrites.
        state = {k: v.clone() for k, v in model.state_dict().items()}
        # The same model in mixed half precision: what a converted checkpoint holds.
        half = {k: v.to(torch.bfloat16) if ".attention." in k else v.to(torch.float16) if ".pos_ff.1." in k or ".pos_ff.4." in k else v
                for k, v in state.items()}
        model.load_state_dict({k: v.float() for k, v in half.items()})
        y_half = stream_emformer(model, x, c["chunkTokens"], c["rightContextTokens"])
    meta = {"source": f"torchaudio {torchaudio.__version__}, torch {torch.__version__}: tools/torchaudio-golden.py"}
    write_json(os.path.join(out, "emformer.config.json"), c)
    write_safetensors(os.path.join(out, "emformer.weights.safetensors"), state, meta)
    write_safetensors(os.path.join(out, "emformer.weights-half.safetensors"), half, meta)
    write_safetensors(os.path.join(out, "emformer.input.safetensors"), {"input": x}, meta)
    write_safetensors(os.path.join(out, "emformer.expected.safetensors"), {"output": y, "output-half": y_half}, meta)
    print(f"emformer: input {tuple(x.shape)} -> output {tuple(y.shape)}, max |y| {y.abs().max():.3f}")


def rnnt_fixture(out):
    c = {"name": "torchaudio-rnnt", "width": 32, "heads": 4, "ffnWidth": 64, "layers": 2,
         "chunkTokens": 2, "rightContextTokens": 1, "leftContextTokens": 3, "activation": "silu",
         "rnnt": {"inputFeatures": 20, "timeReductionInputWidth": 8, "timeReductionStride": 4,
                  "encoderOutputWidth": 24, "predictorWidth": 16, "predictorLstmLayers": 2,
                  "lstmLayerNorm": True, "lstmLayerNormEpsilon": 1e-3, "joinerActivation": "relu",
                  "vocabulary": 17}}
    r = c["rnnt"]
    stride = r["timeReductionStride"]
    g = torch.Generator().manual_seed(1402)
    model = emformer_rnnt_model(
        input_dim=r["inputFeatures"], encoding_dim=r["encoderOutputWidth"], num_symbols=r["vocabulary"],
        segment_length=c["chunkTokens"] * stride, right_context_length=c["rightContextTokens"] * stride,
        time_reduction_input_dim=r["timeReductionInputWidth"], time_reduction_stride=stride,
        transformer_num_heads=c["heads"], transformer_ffn_dim=c["ffnWidth"], transformer_num_layers=c["layers"],
        transformer_dropout=0.0, transformer_activation=c["activation"],
        transformer_left_context_length=c["leftContextTokens"], transformer_max_memory_size=0,
        transformer_weight_init_scale_strategy="depthwise", transformer_tanh_on_mem=True,
        symbol_embedding_dim=r["predictorWidth"], num_lstm_layers=r["predictorLstmLayers"],
        lstm_layer_norm=r["lstmLayerNorm"], lstm_layer_norm_epsilon=r["lstmLayerNormEpsilon"], lstm_dropout=0.0)
    randomize(model, g)
    blank = r["vocabulary"] - 1
    with torch.no_grad():
        # Blank a little likelier than the rest, so that the greedy steps both emit and move on.
        model.joiner.linear.bias[blank] += 1.8
    model.eval()
    chunks = 5
    segment, right = c["chunkTokens"] * stride, c["rightContextTokens"] * stride
    x = torch.randn(chunks * segment + right, r["inputFeatures"], generator=g)
    frames, symbols, predicted, logits_seen = [], [], [], []
    with torch.no_grad():
        state, encoded = None, []
        for i in range(chunks):
            chunk = x[i * segment: i * segment + segment + right].unsqueeze(0)
            chunk_out, _, state = model.transcribe_streaming(chunk, torch.tensor([segment + right]), state)
            encoded.append(chunk_out[0])
        encoded = torch.cat(encoded)
        pred, _, pstate = model.predict(torch.tensor([[blank]]), torch.tensor([1]), None)
        for t in range(encoded.shape[0]):
            for _ in range(MAX_SYMBOLS):
                logits, _, _ = model.join(encoded[t].view(1, 1, -1), torch.tensor([1]), pred, torch.tensor([1]))
                logits = logits.view(-1)
                top = torch.topk(logits, 2).values
                if top[0] - top[1] < 1e-3:
                    raise SystemExit(f"frame {t}: the best two logits are {top[0] - top[1]:.2e} apart; pick another seed")
                symbol = int(torch.argmax(logits))
                frames.append(t)
                symbols.append(symbol)
                predicted.append(pred.view(-1).clone())
                logits_seen.append(logits.clone())
                if symbol == blank:
                    break
                pred, _, pstate = model.predict(torch.tensor([[symbol]]), torch.tensor([1]), pstate)
    meta = {"source": f"torchaudio {torchaudio.__version__}, torch {torch.__version__}: tools/torchaudio-golden.py",
            "blank": str(blank), "maxSymbolsPerFrame": str(MAX_SYMBOLS)}
    write_json(os.path.join(out, "rnnt.config.json"), c)
    write_safetensors(os.path.join(out, "rnnt.weights.safetensors"), model.state_dict(), meta)
    write_safetensors(os.path.join(out, "rnnt.input.safetensors"), {"input": x}, meta)
    write_safetensors(os.path.join(out, "rnnt.expected.safetensors"), {
        "output": encoded,
        "greedy.frame": torch.tensor(frames, dtype=torch.int64),
        "greedy.symbol": torch.tensor(symbols, dtype=torch.int64),
        "greedy.predictor": torch.stack(predicted),
        "greedy.logits": torch.stack(logits_seen),
    }, meta)
    per_frame = [[s for f, s in zip(frames, symbols) if f == t] for t in range(encoded.shape[0])]
    if not ([blank] in per_frame and any(len(s) > 1 and s[-1] == blank for s in per_frame)
            and any(len(s) == MAX_SYMBOLS and s[-1] != blank for s in per_frame)):
        raise SystemExit(f"the greedy steps {per_frame} miss one of: blank at once, blank after symbols, the cap; tune the blank bias")
    emitted = sum(1 for s in symbols if s != blank)
    print(f"rnnt: input {tuple(x.shape)} -> transcriber {tuple(encoded.shape)}; {len(symbols)} joiner steps, "
          f"{emitted} symbols emitted, {len(symbols) - emitted} blanks; per frame {per_frame}")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "Fixtures", "torchaudio")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    emformer_fixture(out)
    rnnt_fixture(out)


if __name__ == "__main__":
    main()
