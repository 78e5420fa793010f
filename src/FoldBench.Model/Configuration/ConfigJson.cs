using System.Text;
using System.Text.Json;

namespace FoldBench.Model;

/// <summary>
/// Strict JSON form of <see cref="ModelConfig"/>: every key is known, every value has the right
/// type, and an error names the key. Hand-written rather than reflection-based so that the
/// accepted schema is visible in one place.
/// </summary>
internal static class ConfigJson
{
    private static readonly string[] TopKeys =
        ["name", "width", "heads", "ffnWidth", "layers", "chunkTokens", "rightContextTokens", "leftContextTokens", "rnnt"];

    private static readonly string[] RnntKeys =
        ["inputFeatures", "timeReductionInputWidth", "timeReductionStride", "encoderOutputWidth",
         "predictorWidth", "predictorLstmLayers", "lstmLayerNorm", "vocabulary", "frameShiftMs"];

    public static ModelConfig Read(JsonElement root)
    {
        var o = new ObjectReader(root, "", TopKeys);
        RnntConfig? rnnt = null;
        if (o.TryGet("rnnt", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            var ro = new ObjectReader(r, "rnnt.", RnntKeys);
            rnnt = new RnntConfig
            {
                InputFeatures = ro.Int("inputFeatures"),
                TimeReductionInputWidth = ro.Int("timeReductionInputWidth"),
                TimeReductionStride = ro.Int("timeReductionStride"),
                EncoderOutputWidth = ro.Int("encoderOutputWidth"),
                PredictorWidth = ro.Int("predictorWidth"),
                PredictorLstmLayers = ro.Int("predictorLstmLayers"),
                LstmLayerNorm = ro.Bool("lstmLayerNorm", true),
                Vocabulary = ro.Int("vocabulary"),
                FrameShiftMs = ro.Number("frameShiftMs", 10),
            };
        }
        return new ModelConfig
        {
            Name = o.String("name"),
            Width = o.Int("width"),
            Heads = o.Int("heads"),
            FfnWidth = o.Int("ffnWidth"),
            Layers = o.Int("layers"),
            ChunkTokens = o.Int("chunkTokens"),
            RightContextTokens = o.Int("rightContextTokens", 0),
            LeftContextTokens = o.Int("leftContextTokens", 0),
            Rnnt = rnnt,
        };
    }

    public static string Write(ModelConfig c)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteNumber("width", c.Width);
            w.WriteNumber("heads", c.Heads);
            w.WriteNumber("ffnWidth", c.FfnWidth);
            w.WriteNumber("layers", c.Layers);
            w.WriteNumber("chunkTokens", c.ChunkTokens);
            w.WriteNumber("rightContextTokens", c.RightContextTokens);
            w.WriteNumber("leftContextTokens", c.LeftContextTokens);
            if (c.Rnnt is { } r)
            {
                w.WriteStartObject("rnnt");
                w.WriteNumber("inputFeatures", r.InputFeatures);
                w.WriteNumber("timeReductionInputWidth", r.TimeReductionInputWidth);
                w.WriteNumber("timeReductionStride", r.TimeReductionStride);
                w.WriteNumber("encoderOutputWidth", r.EncoderOutputWidth);
                w.WriteNumber("predictorWidth", r.PredictorWidth);
                w.WriteNumber("predictorLstmLayers", r.PredictorLstmLayers);
                w.WriteBoolean("lstmLayerNorm", r.LstmLayerNorm);
                w.WriteNumber("vocabulary", r.Vocabulary);
                w.WriteNumber("frameShiftMs", r.FrameShiftMs);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads typed values from one JSON object, rejecting unknown and duplicate keys.</summary>
    private sealed class ObjectReader
    {
        private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
        private readonly string _path;

        public ObjectReader(JsonElement element, string path, string[] known)
        {
            _path = path;
            if (element.ValueKind != JsonValueKind.Object)
                throw ModelConfig.Field(path.TrimEnd('.') is { Length: > 0 } p ? p : "config",
                    $"{(path.Length == 0 ? "the configuration" : path.TrimEnd('.'))} must be a JSON object");
            foreach (var prop in element.EnumerateObject())
            {
                if (!known.Contains(prop.Name, StringComparer.Ordinal))
                    throw ModelConfig.Field(path + prop.Name,
                        $"unknown key '{path}{prop.Name}' (expected: {string.Join(", ", known.Select(k => path + k))})");
                if (!_values.TryAdd(prop.Name, prop.Value))
                    throw ModelConfig.Field(path + prop.Name, $"key '{path}{prop.Name}' appears twice");
            }
        }

        public bool TryGet(string key, out JsonElement value) => _values.TryGetValue(key, out value);

        public string String(string key)
        {
            var v = Required(key);
            if (v.ValueKind != JsonValueKind.String) throw Type(key, "a string");
            return v.GetString()!;
        }

        public int Int(string key) => Int(Required(key), key);

        public int Int(string key, int fallback) => _values.TryGetValue(key, out var v) ? Int(v, key) : fallback;

        public bool Bool(string key, bool fallback)
        {
            if (!_values.TryGetValue(key, out var v)) return fallback;
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Type(key, "true or false"),
            };
        }

        public double Number(string key, double fallback)
        {
            if (!_values.TryGetValue(key, out var v)) return fallback;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d)) throw Type(key, "a number");
            return d;
        }

        private int Int(JsonElement v, string key)
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n)) throw Type(key, "an integer");
            return n;
        }

        private JsonElement Required(string key) =>
            _values.TryGetValue(key, out var v) ? v : throw ModelConfig.Field(_path + key, $"missing key '{_path}{key}'");

        private ConfigFieldException Type(string key, string what) =>
            ModelConfig.Field(_path + key, $"key '{_path}{key}' must be {what}, got {Describe(_values[key])}");

        private static string Describe(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.String => $"\"{v.GetString()}\"",
            JsonValueKind.Number => v.GetRawText(),
            _ => v.ValueKind.ToString().ToLowerInvariant(),
        };
    }
}
