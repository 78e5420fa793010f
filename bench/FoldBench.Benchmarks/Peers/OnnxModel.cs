using System.Text;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// The ONNX model of one projection, written at run time: Y = Gemm(X, W, B, transB = 1) with W and B
/// as initializers and X as the only input (fp32), or Y = com.microsoft DynamicQuantizeMatMul(X, Wq, scales, , B)
/// (int8, <see cref="DynamicQuantizeMatMul"/>). The Microsoft.ML.OnnxRuntime package has no model builder,
/// so the protobuf is written by hand; the field numbers are those of onnx/onnx.proto (IR 7, opset 13):
/// <code>
/// ModelProto        1 ir_version (varint)  2 producer_name  7 graph  8 opset_import
/// OperatorSetIdProto 1 domain  2 version (varint)
/// GraphProto        1 node  2 name  5 initializer  11 input  12 output
/// NodeProto         1 input  2 output  3 name  4 op_type  5 attribute  7 domain
/// AttributeProto    1 name  3 i (varint)  20 type (varint; INT = 2)
/// TensorProto       1 dims (varint)  2 data_type (varint; FLOAT = 1, INT8 = 3)  8 name  9 raw_data (little-endian)
/// ValueInfoProto    1 name  2 type
/// TypeProto         1 tensor_type      TypeProto.Tensor  1 elem_type (varint)  2 shape
/// TensorShapeProto  1 dim              Dimension  1 dim_value (varint)
/// </code>
/// </summary>
public static class OnnxModel
{
    private const int Float = 1, Int8 = 3, AttributeInt = 2;

    public static byte[] Gemm(float[] w, float[] bias, int m, int k, int n)
    {
        var model = new ProtoWriter();
        model.Varint(1, 7);
        model.String(2, "foldbench");
        model.Message(7, g =>
        {
            g.Message(1, node =>
            {
                node.String(1, "X"); node.String(1, "W"); node.String(1, "B");
                node.String(2, "Y");
                node.String(3, "projection");
                node.String(4, "Gemm");
                node.Message(5, a => { a.String(1, "transB"); a.Varint(3, 1); a.Varint(20, AttributeInt); });
            });
            g.String(2, "projection");
            g.Message(5, t => Tensor(t, "W", [n, k], w));
            g.Message(5, t => Tensor(t, "B", [n], bias));
            g.Message(11, v => ValueInfo(v, "X", [m, k]));
            g.Message(12, v => ValueInfo(v, "Y", [m, n]));
        });
        model.Message(8, o => { o.String(1, ""); o.Varint(2, 13); });
        return model.ToArray();
    }

    /// <summary>
    /// ONNX Runtime's dynamically quantized MatMul, the operator its <c>quantize_dynamic</c> tool emits for a linear
    /// layer: <c>com.microsoft DynamicQuantizeMatMul</c> (contrib domain, version 1) with inputs A = X [M×K] (fp32, the
    /// only graph input), B = the int8 weights as MatMul takes them, [K×N] (the transpose of the PyTorch layout
    /// <paramref name="quantized"/> [N×K]), b_scale = one fp32 scale per column of B (per output channel), no
    /// b_zero_point (the empty name: symmetric weights) and bias [N]. At run time the CPU kernel quantizes A per tensor
    /// to u8 with a zero point and runs MLAS's u8×s8 GEMM, scaling column j by scale_A·b_scale[j] and adding the bias.
    /// </summary>
    public static byte[] DynamicQuantizeMatMul(ReadOnlySpan<sbyte> quantized, ReadOnlySpan<float> scales, float[] bias, int m, int k, int n)
    {
        if (quantized.Length != (long)n * k) throw new ArgumentException($"int8 weights hold {quantized.Length} values, not N×K = {n}×{k}", nameof(quantized));
        if (scales.Length != n) throw new ArgumentException($"{scales.Length} scales for {n} output channels", nameof(scales));
        var transposed = new byte[(long)k * n];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++)
                transposed[p * n + j] = (byte)quantized[j * k + p];
        float[] scaleArray = scales.ToArray();
        var model = new ProtoWriter();
        model.Varint(1, 7);
        model.String(2, "foldbench");
        model.Message(7, g =>
        {
            g.Message(1, node =>
            {
                node.String(1, "X"); node.String(1, "Wq"); node.String(1, "W_scale"); node.String(1, ""); node.String(1, "B");
                node.String(2, "Y");
                node.String(3, "projection");
                node.String(4, "DynamicQuantizeMatMul");
                node.String(7, "com.microsoft");
            });
            g.String(2, "projection-int8");
            g.Message(5, t => RawTensor(t, "Wq", [k, n], Int8, transposed));
            g.Message(5, t => Tensor(t, "W_scale", [n], scaleArray));
            g.Message(5, t => Tensor(t, "B", [n], bias));
            g.Message(11, v => ValueInfo(v, "X", [m, k]));
            g.Message(12, v => ValueInfo(v, "Y", [m, n]));
        });
        model.Message(8, o => { o.String(1, ""); o.Varint(2, 13); });
        model.Message(8, o => { o.String(1, "com.microsoft"); o.Varint(2, 1); });
        return model.ToArray();
    }

    private static void RawTensor(ProtoWriter t, string name, long[] dims, int dataType, byte[] raw)
    {
        foreach (long d in dims) t.Varint(1, (ulong)d);
        t.Varint(2, (ulong)dataType);
        t.String(8, name);
        t.Bytes(9, raw);
    }

    private static void Tensor(ProtoWriter t, string name, long[] dims, float[] values)
    {
        foreach (long d in dims) t.Varint(1, (ulong)d);
        t.Varint(2, Float);
        t.String(8, name);
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(raw.AsSpan(i * 4), values[i]);
        if (!BitConverter.IsLittleEndian) for (int i = 0; i < raw.Length; i += 4) raw.AsSpan(i, 4).Reverse();
        t.Bytes(9, raw);
    }

    private static void ValueInfo(ProtoWriter v, string name, long[] dims)
    {
        v.String(1, name);
        v.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, Float);
            tensor.Message(2, shape => { foreach (long d in dims) shape.Message(1, dim => dim.Varint(1, (ulong)d)); });
        }));
    }

    /// <summary>The three protobuf wire types the model needs: varint (0) and length-delimited (2).</summary>
    public sealed class ProtoWriter
    {
        private readonly MemoryStream _out = new();

        public void Varint(int field, ulong value) { Key(field, 0); Raw(value); }
        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public void Bytes(int field, byte[] value) { Key(field, 2); Raw((ulong)value.Length); _out.Write(value); }
        public void Message(int field, Action<ProtoWriter> write)
        {
            var inner = new ProtoWriter();
            write(inner);
            Bytes(field, inner.ToArray());
        }

        public byte[] ToArray() => _out.ToArray();

        private void Key(int field, int wireType) => Raw((ulong)(field << 3 | wireType));

        private void Raw(ulong v)
        {
            while (v >= 0x80) { _out.WriteByte((byte)(v | 0x80)); v >>= 7; }
            _out.WriteByte((byte)v);
        }
    }
}
