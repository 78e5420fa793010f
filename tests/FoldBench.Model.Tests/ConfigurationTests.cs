namespace FoldBench.Model.Tests;

public class ConfigurationTests
{
    private const string Valid = """
        {
          "name": "custom",
          "width": 256, "heads": 4, "ffnWidth": 1024, "layers": 12,
          "chunkTokens": 4, "rightContextTokens": 1, "leftContextTokens": 30,
          "rnnt": { "inputFeatures": 80, "timeReductionInputWidth": 64, "timeReductionStride": 4,
                    "encoderOutputWidth": 512, "predictorWidth": 256, "predictorLstmLayers": 2,
                    "lstmLayerNorm": true, "vocabulary": 4097 }
        }
        """;

    private static ArgumentException Rejects(string json) => Assert.ThrowsAny<ArgumentException>(() => ModelConfig.Parse(json));

    private static string With(string key, string value) =>
        System.Text.RegularExpressions.Regex.Replace(Valid, $"\"{key}\": [^,}}\\n]+", $"\"{key}\": {value}");

    [Fact]
    public void A_valid_file_loads_and_round_trips()
    {
        string path = Path.Combine(Path.GetTempPath(), $"foldbench-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Valid);
        try
        {
            var c = ModelConfig.Load(path);
            Assert.Equal(256, c.Width);
            Assert.Equal(30, c.LeftContextTokens);
            Assert.Equal(64, c.Rnnt!.TimeReductionInputWidth);
            Assert.Equal(c, ModelConfig.Parse(c.ToJson()) with { Rnnt = c.Rnnt });
            Assert.Equal(c.Rnnt, ModelConfig.Parse(c.ToJson()).Rnnt);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Every_preset_round_trips_through_json()
    {
        foreach (var name in ModelPresets.Names)
        {
            var c = ModelPresets.Get(name);
            var back = ModelConfig.Parse(c.ToJson());
            Assert.Equal(c.ToJson(), back.ToJson());
        }
    }

    [Theory]
    [InlineData(null, Activation.Gelu)]   // absent: GELU, as emformer_rnnt_base
    [InlineData("\"relu\"", Activation.Relu)]
    [InlineData("\"gelu\"", Activation.Gelu)]
    [InlineData("\"silu\"", Activation.Silu)]
    public void Activation_is_read_by_name_and_defaults_to_gelu(string? value, Activation expected)
    {
        string json = value is null ? Valid : Valid.Replace("\"layers\": 12,", $"\"layers\": 12, \"activation\": {value},");
        var c = ModelConfig.Parse(json);
        Assert.Equal(expected, c.Activation);
        Assert.Equal(expected, ModelConfig.Parse(c.ToJson()).Activation);
    }

    [Theory]
    [InlineData("\"tanh\"", "got \"tanh\"")]
    [InlineData("1", "got 1")]            // the enumeration's number is not a spelling of it
    [InlineData("\"Relu \"", "got \"Relu \"")]
    public void An_unknown_activation_names_the_key_and_the_choices(string value, string got)
    {
        var e = Rejects(Valid.Replace("\"layers\": 12,", $"\"layers\": 12, \"activation\": {value},"));
        Assert.Equal("activation", e.ParamName);
        Assert.Contains("'activation' must be one of \"relu\", \"gelu\", \"silu\"", e.Message);
        Assert.Contains(got, e.Message);
    }

    [Fact]
    public void Width_not_divisible_by_heads_names_heads()
    {
        var e = Rejects(With("heads", "3"));
        Assert.Equal("heads", e.ParamName);
        Assert.Contains("heads H = 3", e.Message);
    }

    [Theory]
    [InlineData("width", "-8")]
    [InlineData("layers", "0")]
    [InlineData("ffnWidth", "-1")]
    [InlineData("chunkTokens", "0")]
    [InlineData("leftContextTokens", "-2")]
    [InlineData("rightContextTokens", "-1")]
    public void Negative_or_zero_sizes_name_the_field(string field, string value)
    {
        var e = Rejects(With(field, value));
        Assert.Equal(field, e.ParamName);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Unknown_keys_are_rejected_by_name()
    {
        var e = Rejects(Valid.Replace("\"layers\"", "\"layerz\""));
        Assert.Contains("'layerz'", e.Message);
        var nested = Rejects(Valid.Replace("\"vocabulary\"", "\"vocab\""));
        Assert.Contains("'rnnt.vocab'", nested.Message);
    }

    [Fact]
    public void Missing_and_mistyped_keys_are_named()
    {
        Assert.Contains("'width'", Rejects(Valid.Replace("\"width\": 256,", "")).Message);
        Assert.Contains("'heads' must be an integer", Rejects(With("heads", "\"four\"")).Message);
        Assert.Contains("'heads' must be an integer", Rejects(With("heads", "4.5")).Message);
    }

    [Fact]
    public void Inconsistent_front_end_names_the_field()
    {
        var e = Rejects(With("timeReductionInputWidth", "60"));
        Assert.Equal("rnnt.timeReductionInputWidth", e.ParamName);
    }

    [Fact]
    public void Malformed_json_is_a_format_error_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"foldbench-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"width\": 512, ");
        try
        {
            var e = Assert.Throws<FormatException>(() => ModelConfig.Load(path));
            Assert.Contains(path, e.Message);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(3, HeadPolicy.KeepHeads, false, "fold factor N = 3 does not divide width D = 512")]
    [InlineData(128, HeadPolicy.KeepHeads, false, "N·H = 1024")]
    [InlineData(16, HeadPolicy.ReduceHeads, false, "N to divide heads H = 8")]
    [InlineData(0, HeadPolicy.KeepHeads, false, "must be positive")]
    public void Folding_that_does_not_divide_names_fold(int fold, HeadPolicy heads, bool foldFfn, string message)
    {
        var c = ModelPresets.Get("emformer-base");
        var e = Assert.Throws<ConfigFieldException>(() => c.Validate(new FoldingOptions(fold, heads, FoldFfn: foldFfn)));
        Assert.Equal("fold", e.ParamName);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Folding_the_ffn_needs_n_to_divide_f()
    {
        var c = TestModels.Tiny() with { FfnWidth = 66 };
        var e = Assert.Throws<ConfigFieldException>(() => c.Validate(new FoldingOptions(4, FoldFfn: true)));
        Assert.Contains("ffnWidth F = 66", e.Message);
        c.Validate(new FoldingOptions(2, FoldFfn: true));
    }

    [Fact]
    public void Presets_are_listed_and_unknown_names_list_them()
    {
        Assert.Equal(["emformer-base", "ondevice-256", "ondevice-144"], ModelPresets.Names);
        foreach (var name in ModelPresets.Names) ModelPresets.Get(name).Validate(FoldingOptions.Unfolded);
        var e = Assert.Throws<ConfigFieldException>(() => ModelPresets.Get("emformer-huge"));
        Assert.Contains("emformer-base, ondevice-256, ondevice-144", e.Message);
    }

    [Fact]
    public void With_chunk_changes_only_the_chunk_and_rejects_non_positive()
    {
        var c = ModelPresets.Get("emformer-base");
        Assert.Equal(c with { ChunkTokens = 16 }, c.WithChunk(16));
        Assert.Equal("chunkTokens", Assert.Throws<ConfigFieldException>(() => c.WithChunk(0)).ParamName);
    }

    [Fact]
    public void Emformer_base_token_is_40_ms()
    {
        Assert.Equal(0.04, ModelPresets.Get("emformer-base").TokenSeconds!.Value, 12);
        Assert.Null(TestModels.Tiny().TokenSeconds);
    }
}
