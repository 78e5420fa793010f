using FoldBench.Benchmarks.Peers;

namespace FoldBench.Benchmarks.Tests;

/// <summary>The hand-written protobuf: the wire encoding itself, checked against bytes worked out by hand.</summary>
public class OnnxModelTests
{
    [Fact]
    public void Varints_are_little_endian_groups_of_seven_bits()
    {
        var w = new OnnxModel.ProtoWriter();
        w.Varint(1, 300); // key 1<<3|0 = 0x08; 300 = 0b10_0101100 → 0xAC 0x02
        Assert.Equal(new byte[] { 0x08, 0xAC, 0x02 }, w.ToArray());
    }

    [Fact]
    public void Strings_and_messages_are_length_delimited()
    {
        var w = new OnnxModel.ProtoWriter();
        w.Message(7, inner => inner.String(2, "ab")); // inner: 0x12 0x02 'a' 'b'; outer key 7<<3|2 = 0x3A
        Assert.Equal(new byte[] { 0x3A, 0x04, 0x12, 0x02, (byte)'a', (byte)'b' }, w.ToArray());
    }

    [Fact]
    public void Large_field_numbers_take_a_two_byte_key()
    {
        var w = new OnnxModel.ProtoWriter();
        w.Varint(20, 2); // AttributeProto.type: key 20<<3|0 = 160 → 0xA0 0x01
        Assert.Equal(new byte[] { 0xA0, 0x01, 0x02 }, w.ToArray());
    }

    [Fact]
    public void The_int8_model_refuses_weights_or_scales_of_the_wrong_size()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxModel.DynamicQuantizeMatMul(new sbyte[6], new float[2], new float[3], 1, 2, 3));
        Assert.Contains("2 scales for 3 output channels", e.Message);
        e = Assert.Throws<ArgumentException>(() => OnnxModel.DynamicQuantizeMatMul(new sbyte[5], new float[3], new float[3], 1, 2, 3));
        Assert.Contains("int8 weights hold 5 values, not N×K = 3×2", e.Message);
    }

    [Fact]
    public void The_int8_model_stores_B_as_int8_K_by_N_in_the_contrib_domain()
    {
        // W (PyTorch, N×K = 2×3) = [[1, 2, 3], [−4, −5, −6]] → B (K×N) = [[1, −4], [2, −5], [3, −6]], bytes in row-major order.
        byte[] model = OnnxModel.DynamicQuantizeMatMul(new sbyte[] { 1, 2, 3, -4, -5, -6 }, new float[] { 0.5f, 0.25f }, new float[] { 0f, 1f }, 1, 3, 2);
        byte[] b = [1, unchecked((byte)-4), 2, unchecked((byte)-5), 3, unchecked((byte)-6)];
        // TensorProto: dims 3, 2; data_type INT8 (3); name "Wq"; raw_data = B.
        byte[] tensor = [0x08, 3, 0x08, 2, 0x10, 3, 0x42, 2, (byte)'W', (byte)'q', 0x4A, 6, .. b];
        Assert.True(model.AsSpan().IndexOf(tensor) >= 0, "the Wq initializer is not laid out as [K×N] int8");
        Assert.True(model.AsSpan().IndexOf("DynamicQuantizeMatMul"u8) >= 0);
        Assert.True(model.AsSpan().IndexOf("com.microsoft"u8) >= 0);
    }
}
