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
}
