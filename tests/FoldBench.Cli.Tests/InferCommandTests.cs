using FoldBench.Model;

namespace FoldBench.Cli.Tests;

/// <summary>
/// <c>foldbench infer</c> on torchaudio 0.13.1's own Emformer (tests/Fixtures/torchaudio, from
/// tools/torchaudio-golden.py): the output must be torchaudio's to 1e-4 · max(1, max |Y|), and every bad
/// input is one line and exit 2.
/// </summary>
public sealed class InferCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-infer-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torchaudio", name);

    private (int Code, string Out, string Err) Infer(string? input = null, string? config = null, params string[] extra) =>
        CommandLineTests.Invoke([
            "infer", "--config", config ?? Fixture("emformer.config.json"), "--weights", Fixture("emformer.weights.safetensors"),
            "--input", input ?? Fixture("emformer.input.safetensors"), "--output", Path.Combine(_dir, "y.safetensors"), .. extra]);

    [Fact]
    public void Infer_writes_torchaudios_output()
    {
        var (code, output, err) = Infer(extra: ["--fold", "1", "--path", "scalar"]);
        Assert.True(code == 0, err);
        Assert.Equal("", err);
        Assert.StartsWith("foldbench infer: 6 chunks, [26, 48] → [24, 48] through the Emformer (fold 1, path scalar)", output);
        Assert.Single(output.TrimEnd('\n').Split('\n'));

        using var written = SafeTensors.Open(Path.Combine(_dir, "y.safetensors"));
        using var expected = SafeTensors.Open(Fixture("emformer.expected.safetensors"));
        Assert.Equal([24L, 48L], written.Info("output").Shape);
        var y = written.ReadSingles("output");
        var reference = expected.ReadSingles("output");
        double scale = Math.Max(1, reference.Max(Math.Abs));
        double worst = y.Zip(reference, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(worst <= 1e-4 * scale, $"max |Y − Y_torchaudio| = {worst:E2} > 1e-4 × {scale:F3}");
    }

    [Fact]
    public void Rows_not_of_the_form_n_chunks_plus_look_ahead_are_one_line_and_exit_2()
    {
        string input = Path.Combine(_dir, "25.safetensors");
        SafeTensors.Write(input, [SafeTensorData.FromSingles("input", [25, 48], new float[25 * 48])]);
        var (code, output, err) = Infer(input);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("foldbench infer: the input has 25 rows but streaming needs n·S + R = n·4 + 2 rows (tokens) for some n ≥ 1; the nearest are 22 and 26",
            err.TrimEnd('\n'));
        Assert.False(File.Exists(Path.Combine(_dir, "y.safetensors")));
    }

    [Fact]
    public void A_missing_file_a_contradicting_config_or_option_is_one_line_and_exit_2()
    {
        var (code, _, err) = Infer(Path.Combine(_dir, "absent.safetensors"));
        Assert.Equal(2, code);
        Assert.StartsWith("foldbench infer: ", err);
        Assert.Contains("absent.safetensors", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));

        string config = Path.Combine(_dir, "relu-silu.json");
        File.WriteAllText(config, File.ReadAllText(Fixture("emformer.config.json")).Replace("\"ffnWidth\": 96", "\"ffnWidth\": 64"));
        (code, _, err) = Infer(config: config);
        Assert.Equal(2, code);
        Assert.Contains("tensor 'emformer_layers.0.pos_ff.1.weight' has shape [96, 48]", err);
        Assert.DoesNotContain("   at ", err);

        (code, _, err) = Infer(extra: ["--fold", "5"]);
        Assert.Equal(2, code);
        Assert.Contains("fold factor N = 5 does not divide width D = 48", err);

        (code, _, err) = CommandLineTests.Invoke("infer", "--config", Fixture("emformer.config.json"));
        Assert.Equal(2, code);
        Assert.StartsWith("foldbench infer: ", err);
        Assert.Contains("--weights", err);
    }
}
