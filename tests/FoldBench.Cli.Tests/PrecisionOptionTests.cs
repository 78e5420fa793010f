using FoldBench.Model;

namespace FoldBench.Cli.Tests;

/// <summary><c>model --precision</c> and <c>infer --precision</c>: int8 accounting and inference, one-line errors for what cannot be.</summary>
public sealed class PrecisionOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("foldbench-precision-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torchaudio", name);

    [Fact]
    public void Model_at_fp32_is_what_it_was_and_fp32_int8_adds_an_int8_table()
    {
        var (code, plain, err) = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--folds", "1,4");
        Assert.True(code == 0, err);
        var (code32, fp32, err32) = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--folds", "1,4", "--precision", "fp32");
        Assert.True(code32 == 0, err32);
        Assert.Equal(plain, fp32);
        var (codeBoth, both, errBoth) = CommandLineTests.Invoke("model", "--preset", "emformer-base", "--folds", "1,4", "--precision", "fp32,int8");
        Assert.True(codeBoth == 0, errBoth);
        Assert.StartsWith(plain, both);
        string int8 = both[plain.Length..];
        Assert.Contains("precision: int8 linear layers", int8);
        // Weights read per step at int8, by hand (Int8AccountingTests): 63,897,600 bytes = 60.94 MiB unfolded,
        // 43,991,040 = 41.95 MiB at N = 4.
        var weights = int8.Split('\n').Single(l => l.StartsWith("weights read/step", StringComparison.Ordinal));
        Assert.Equal(["60.94", "41.95"], weights.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^2..]);
    }

    [Fact]
    public void Model_json_names_the_precision_of_every_fold_when_int8_is_asked()
    {
        var (code, output, err) = CommandLineTests.Invoke("model", "--preset", "ondevice-144", "--folds", "1,2", "--precision", "int8,fp32", "--json");
        Assert.True(code == 0, err);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(["int8", "int8", "fp32", "fp32"], doc.RootElement.GetProperty("folds").EnumerateArray().Select(f => f.GetProperty("precision").GetString()));
        var (codeChunks, chunks, errChunks) = CommandLineTests.Invoke("model", "--preset", "ondevice-144", "--chunks", "2,8", "--precision", "int8", "--json");
        Assert.True(codeChunks == 0, errChunks);
        using var nested = System.Text.Json.JsonDocument.Parse(chunks);
        Assert.All(nested.RootElement.GetProperty("chunks").EnumerateArray().SelectMany(c => c.GetProperty("folds").EnumerateArray()),
            f => Assert.Equal("int8", f.GetProperty("precision").GetString()));
    }

    [Theory]
    [InlineData(new[] { "model", "--precision", "int4" }, "foldbench model: option --precision: unknown value 'int4' (expected one of: fp32, int8)")]
    [InlineData(new[] { "model", "--precision", "" }, "foldbench model: option --precision is empty")]
    public void A_bad_precision_is_one_line_and_exit_2(string[] args, string line)
    {
        var (code, output, err) = CommandLineTests.Invoke(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(line, err.Split('\n')[0].TrimEnd('\r'));
        Assert.DoesNotContain("   at ", err);
    }

    private (int Code, string Out, string Err) Infer(params string[] extra) =>
        CommandLineTests.Invoke([
            "infer", "--config", Fixture("emformer.config.json"), "--weights", Fixture("emformer.weights.safetensors"),
            "--input", Fixture("emformer.input.safetensors"), "--output", Path.Combine(_dir, "y.safetensors"), .. extra]);

    [Fact]
    public void Infer_at_int8_runs_the_int8_path_and_says_so()
    {
        var (code, output, err) = Infer("--path", "scalar", "--precision", "int8");
        Assert.True(code == 0, err);
        Assert.StartsWith("foldbench infer: 6 chunks, [26, 48] → [24, 48] through the Emformer (fold 1, path int8-scalar, int8)", output);
        using var written = SafeTensors.Open(Path.Combine(_dir, "y.safetensors"));
        Assert.Equal("int8", written.Metadata["foldbench.precision"]);
    }

    [Theory]
    [InlineData(new[] { "--path", "portable", "--precision", "int8" }, "foldbench infer: kernel path 'portable' has no int8 counterpart: int8 runs on the scalar, avx2, avx512 and neon paths")]
    [InlineData(new[] { "--precision", "fp16" }, "foldbench infer: option --precision: unknown value 'fp16' (expected one of: fp32, int8)")]
    public void Infer_refuses_what_int8_cannot_do_in_one_line(string[] extra, string line)
    {
        var (code, output, err) = Infer(extra);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(line, err.Split('\n')[0].TrimEnd('\r'));
        Assert.False(File.Exists(Path.Combine(_dir, "y.safetensors")));
    }
}
