using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace FoldBench.Model;

/// <summary>A .safetensors file that cannot be read as the model needs it; the message names the file and tensor.</summary>
public sealed class SafeTensorsException(string message) : FormatException(message);

/// <summary>Where one tensor lies in a .safetensors file.</summary>
public sealed record SafeTensorInfo(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A tensor to write: raw little-endian bytes of a dtype, or floats converted to one.</summary>
public sealed record SafeTensorData(string Name, string DType, IReadOnlyList<long> Shape, byte[] Bytes)
{
    /// <summary>Floats stored as F32, F16 or BF16 (rounded to nearest even).</summary>
    public static SafeTensorData FromSingles(string name, IReadOnlyList<long> shape, ReadOnlySpan<float> values, string dtype = "F32")
    {
        byte[] bytes;
        switch (dtype)
        {
            case "F32":
                bytes = new byte[values.Length * 4];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
                break;
            case "F16":
                bytes = new byte[values.Length * 2];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
                break;
            case "BF16":
                bytes = new byte[values.Length * 2];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), SafeTensors.ToBFloat16(values[i]));
                break;
            default:
                throw new ArgumentException($"cannot store floats as {dtype} (expected F32, F16 or BF16)", nameof(dtype));
        }
        return new SafeTensorData(name, dtype, shape, bytes);
    }
}

/// <summary>
/// The .safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets into
/// the data that follows; an optional <c>"__metadata__"</c> object of strings), then the raw
/// little-endian tensor bytes. Reading validates the whole header before any tensor is used.
/// </summary>
public static class SafeTensors
{
    /// <summary>Bytes per element of the dtypes the format defines.</summary>
    public static readonly IReadOnlyDictionary<string, int> ElementSizes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
        ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1,
        ["BOOL"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
    };

    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    public static SafeTensorFile Open(string path) => SafeTensorFile.Open(path);

    /// <summary>Writes tensors (in the order given) atomically: a temporary file renamed into place.</summary>
    public static void Write(string path, IEnumerable<SafeTensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in list)
            {
                if (t.Name == "__metadata__" || !names.Add(t.Name))
                    throw new ArgumentException($"tensor name '{t.Name}' is reserved or appears twice", nameof(tensors));
                if (!ElementSizes.TryGetValue(t.DType, out int size))
                    throw new ArgumentException($"tensor '{t.Name}': unknown dtype {t.DType}", nameof(tensors));
                long elements = t.Shape.Aggregate(1L, (a, b) => a * b);
                if (t.Shape.Any(d => d < 0) || elements * size != t.Bytes.LongLength)
                    throw new ArgumentException($"tensor '{t.Name}': {t.Bytes.LongLength} bytes do not match shape [{string.Join(", ", t.Shape)}] of {t.DType}", nameof(tensors));
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType);
                w.WriteStartArray("shape");
                foreach (long d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Bytes.LongLength);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Bytes.LongLength;
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so the tensor data stays aligned.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                fs.Write(length);
                header.Position = 0;
                header.CopyTo(fs);
                foreach (var t in list) fs.Write(t.Bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    internal static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    internal static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    internal static long HeaderLimit => MaxHeaderBytes;
}

/// <summary>An open .safetensors file: the parsed header, and tensors read on demand as floats.</summary>
public sealed class SafeTensorFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;

    private SafeTensorFile(string path, SafeFileHandle handle, long dataStart, Dictionary<string, SafeTensorInfo> tensors,
        Dictionary<string, string> metadata)
    {
        FilePath = path;
        _handle = handle;
        _dataStart = dataStart;
        _tensors = tensors;
        Metadata = metadata;
    }

    public string FilePath { get; }
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors => _tensors;
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafeTensorFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            string where = $"safetensors file '{path}'";
            if (fileLength < 8) throw new SafeTensorsException($"{where} is too short ({fileLength} bytes) to hold a header");
            Span<byte> lengthBytes = stackalloc byte[8];
            ReadExactly(handle, lengthBytes, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > (ulong)SafeTensors.HeaderLimit || (long)headerLength > fileLength - 8)
                throw new SafeTensorsException($"{where}: header length {headerLength} does not fit the file ({fileLength} bytes)");
            var header = new byte[headerLength];
            ReadExactly(handle, header, 8);
            long dataStart = 8 + (long)headerLength;
            var (tensors, metadata) = ParseHeader(header, where, fileLength - dataStart);
            return new SafeTensorFile(path, handle, dataStart, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static (Dictionary<string, SafeTensorInfo>, Dictionary<string, string>) ParseHeader(byte[] header, string where, long dataLength)
    {
        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsException($"{where}: header is not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsException($"{where}: header must be a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw new SafeTensorsException($"{where}: __metadata__ must be an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new SafeTensorsException($"{where}: __metadata__ value '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                var info = ParseEntry(prop, where, dataLength);
                if (!tensors.TryAdd(info.Name, info))
                    throw new SafeTensorsException($"{where}: tensor '{info.Name}' appears twice");
            }
        }
        return (tensors, metadata);
    }

    private static SafeTensorInfo ParseEntry(JsonProperty prop, string where, long dataLength)
    {
        string name = prop.Name;
        var e = prop.Value;
        SafeTensorsException Bad(string why) => new($"{where}: tensor '{name}' {why}");
        if (e.ValueKind != JsonValueKind.Object) throw Bad("has no {dtype, shape, data_offsets} entry");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad("has no dtype");
        string dtype = dt.GetString()!;
        if (!SafeTensors.ElementSizes.TryGetValue(dtype, out int size)) throw Bad($"has unknown dtype '{dtype}'");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad("has no shape");
        var shape = new List<long>();
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0) throw Bad("has a malformed shape");
            shape.Add(v);
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad("has no data_offsets [begin, end]");
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataLength)
            throw Bad($"has data_offsets outside the {dataLength} data bytes");
        long elements = shape.Aggregate(1L, (a, b) => a * b);
        if (elements * size != end - begin)
            throw Bad($"has {end - begin} data bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {elements * size}");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    /// <summary>The tensor as floats: F32 as is, F16/BF16/F64 converted; any other dtype is an error naming the tensor.</summary>
    public float[] ReadSingles(string name)
    {
        var info = Info(name);
        var result = new float[info.ElementCount];
        ReadSingles(info, result);
        return result;
    }

    /// <summary>The tensor's raw little-endian bytes, whatever its dtype.</summary>
    public byte[] ReadBytes(string name)
    {
        var info = Info(name);
        var bytes = new byte[info.End - info.Begin];
        ReadExactly(_handle, bytes, _dataStart + info.Begin);
        return bytes;
    }

    public SafeTensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out var info) ? info
            : throw new SafeTensorsException($"safetensors file '{FilePath}': tensor '{name}' is missing");

    private void ReadSingles(SafeTensorInfo info, Span<float> destination)
    {
        string dtype = info.DType;
        if (dtype is not ("F32" or "F16" or "BF16" or "F64"))
            throw new SafeTensorsException($"safetensors file '{FilePath}': tensor '{info.Name}' has dtype {dtype}; expected a floating-point tensor (F32, F16, BF16 or F64)");
        var bytes = new byte[info.End - info.Begin];
        ReadExactly(_handle, bytes, _dataStart + info.Begin);
        switch (dtype)
        {
            case "F32":
                if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                else for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
                break;
            case "F16":
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * 2));
                break;
            case "BF16":
                for (int i = 0; i < destination.Length; i++) destination[i] = SafeTensors.FromBFloat16(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)));
                break;
            default:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8));
                break;
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (n == 0) throw new EndOfStreamException($"unexpected end of file at byte {offset + done}");
            done += n;
        }
    }

    public void Dispose() => _handle.Dispose();
}
