using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FoldBench.Model;

/// <summary>
/// The JSON form of <see cref="ModelConfig"/>, read strictly by System.Text.Json itself: unknown keys
/// (<see cref="JsonUnmappedMemberHandling.Disallow"/>), missing <c>required</c> members, duplicate keys,
/// nulls where the type is not nullable and values of the wrong type are all errors. The records are
/// the schema (their <c>required</c> members and defaults); this file only names the key in the error.
/// </summary>
internal static class ConfigJson
{
    // Reflection metadata, not a generated context: the source generator builds records with init-only
    // members through one object initializer and so sets every key absent from the file to default(T),
    // losing the initializers' defaults (rnnt.lstmLayerNorm = true, rnnt.frameShiftMs = 10); the
    // reflection resolver sets only the keys present.
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        // Enumerations (activation) are exactly their lower-case names: no number, other case or padding.
        Converters = { new ExactEnumNames() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OnlySettable } },
    };

    /// <summary>Computed members (queryTokens, tokenSeconds…) are not keys of the file: neither written nor accepted.</summary>
    private static void OnlySettable(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (int i = info.Properties.Count - 1; i >= 0; i--)
            if (info.Properties[i].Set is null) info.Properties.RemoveAt(i);
    }

    private static JsonTypeInfo<ModelConfig> Info => (JsonTypeInfo<ModelConfig>)Options.GetTypeInfo(typeof(ModelConfig));

    public static string Write(ModelConfig c) => JsonSerializer.Serialize(c, Info);

    /// <summary>Reads a configuration; a syntax error is a <see cref="JsonException"/>, anything else a <see cref="ConfigFieldException"/> naming the key.</summary>
    public static ModelConfig Read(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            return doc.Deserialize(Info) ?? throw ModelConfig.Field("config", "the configuration must be a JSON object, got null");
        }
        catch (JsonException e)
        {
            throw Explain(e, doc.RootElement);
        }
    }

    /// <summary>
    /// Turns the serializer's error into one line naming the key. Which error it was is read off the
    /// exception's JSON path against the document and the generated contract, not off its wording.
    /// </summary>
    private static ConfigFieldException Explain(JsonException e, JsonElement root)
    {
        string[] keys = KeysOf(e.Path);
        JsonTypeInfo type = Info;
        JsonElement element = root;
        for (int i = 0; i < keys.Length; i++)
        {
            string key = string.Join('.', keys[..(i + 1)]);
            string parent = i == 0 ? "" : string.Join('.', keys[..i]) + ".";
            if (element.ValueKind != JsonValueKind.Object) break;
            var property = type.Properties.FirstOrDefault(p => p.Name == keys[i]);
            if (property is null)
                return ModelConfig.Field(key,
                    $"unknown key '{key}' (expected: {string.Join(", ", type.Properties.Select(p => parent + p.Name))})");
            if (element.EnumerateObject().Count(p => p.Name == keys[i]) > 1)
                return ModelConfig.Field(key, $"key '{key}' appears twice");
            element = element.GetProperty(keys[i]);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (Options.GetTypeInfo(propertyType) is not { Kind: JsonTypeInfoKind.Object } nested ||
                element.ValueKind != JsonValueKind.Object)
                return ModelConfig.Field(key, $"key '{key}' must be {Expected(propertyType)}, got {Describe(element)}");
            type = nested;
        }

        // The path ends at an object: either it is not one, or a required key is missing from it.
        string at = string.Join('.', keys);
        if (element.ValueKind != JsonValueKind.Object)
            return ModelConfig.Field(at.Length == 0 ? "config" : at, $"{(at.Length == 0 ? "the configuration" : at)} must be a JSON object");
        string prefix = at.Length == 0 ? "" : at + ".";
        var missing = type.Properties.FirstOrDefault(p => p.IsRequired && !element.TryGetProperty(p.Name, out _));
        return missing is not null
            ? ModelConfig.Field(prefix + missing.Name, $"missing key '{prefix}{missing.Name}'")
            : ModelConfig.Field(at.Length == 0 ? "config" : at, e.Message);
    }

    /// <summary>
    /// Enumerations as their camel-case names, read exactly. System.Text.Json's own
    /// <see cref="JsonStringEnumConverter"/> also takes any case, surrounding spaces and
    /// comma-separated flags, which a strict configuration must not.
    /// </summary>
    private sealed class ExactEnumNames : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

        private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
        {
            private static readonly Dictionary<string, T> ByName =
                Enum.GetValues<T>().ToDictionary(v => NameOf(v), StringComparer.Ordinal);

            private static string NameOf(T value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value)
                    ? value
                    : throw new JsonException($"not one of {string.Join(", ", ByName.Keys)}");

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                writer.WriteStringValue(NameOf(value));
        }
    }

    /// <summary>"$.rnnt.vocab" → ["rnnt", "vocab"]; also "$['odd key']".</summary>
    private static string[] KeysOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return [];
        var keys = new List<string>();
        for (int i = 1; i < path.Length;)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                keys.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                int end = path.IndexOf("']", i, StringComparison.Ordinal);
                if (end < 0) break;
                keys.Add(path[(i + 2)..end]);
                i = end + 2;
            }
            else break; // an array index: configurations have no arrays
        }
        return [.. keys];
    }

    private static string Expected(Type t) =>
        t == typeof(int) ? "an integer" :
        t == typeof(double) ? "a number" :
        t == typeof(bool) ? "true or false" :
        t == typeof(string) ? "a string" :
        t.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(t).Select(n => $"\"{JsonNamingPolicy.CamelCase.ConvertName(n)}\"")) :
        "a JSON object";

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"\"{v.GetString()}\"",
        JsonValueKind.Number => v.GetRawText(),
        _ => v.ValueKind.ToString().ToLowerInvariant(),
    };
}
