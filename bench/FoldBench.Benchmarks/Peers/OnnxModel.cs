using System.Text;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// The ONNX model of one projection, written at run time: Y = Gemm(X, W, B, transB = 1) with W and B
/// as initializers and X as the only input. The Microsoft.ML.OnnxRuntime package has no model builder,
/// so the protobuf is written by hand; the field numbers are those of onnx/onnx.proto (IR 7, opset 13):
/// <code>
/// ModelProto        1 ir_version (varint)  2 producer_name  7 graph  8 opset_import
/// OperatorSetIdProto 1 domain  2 version (varint)
/// GraphProto        1 node  2 name  5 initializer  11 input  12 output
/// NodeProto         1 input  2 output  3 name  4 op_type  5 attribute
/// AttributeProto    1 name  3 i (varint)  20 type (varint; INT = 2)
/// TensorProto       1 dims (varint)  2 data_type (varint; FLOAT = 1)  8 name  9 raw_data (little-endian)
/// ValueInfoProto    1 name  2 type
/// TypeProto         1 tensor_type      TypeProto.Tensor  1 elem_type (varint)  2 shape
/// TensorShapeProto  1 dim              Dimension  1 dim_value (varint)
/// </code>
/// </summary>
public static class OnnxModel
{
    private const int Float = 1, AttributeInt = 2;

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
