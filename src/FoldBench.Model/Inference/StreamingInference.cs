using System.Globalization;
using FoldBench.Kernels;

namespace FoldBench.Model;

/// <summary>What <see cref="StreamingInference.Run"/> did, for the one line the command prints.</summary>
public sealed record InferenceRun(StateDictKind Kind, int Chunks, int InputRows, int InputWidth, int OutputRows, int OutputWidth,
    FoldingOptions Options, string KernelPath, string Precision = "fp32");

/// <summary>
/// Streams a whole input through a model chunk by chunk, exactly as a streaming client calls
/// torchaudio's <c>Emformer.infer</c> (or <c>RNNT.transcribe_streaming</c>): with chunk S and
/// look-ahead R tokens, an input of n·S + R rows is n calls; call i gets rows i·S … i·S + S + R − 1
/// and the states call i − 1 left, and returns its S chunk rows. The outputs, concatenated, are n·S rows.
/// For an RNN-T the rows are feature frames, stride per token (n·S·stride + R·stride frames), and
/// the output is the transcriber's.
/// </summary>
public static class StreamingInference
{
    public const string InputTensor = "input";
    public const string OutputTensor = "output";

    /// <summary>Encoder outputs [n·S, D] of an input [n·S + R, D]; the encoder's caches start empty.</summary>
    public static float[] Encode(StreamingEncoder encoder, ReadOnlySpan<float> input, int rows)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var c = encoder.Config;
        int chunks = Chunks(rows, c.ChunkTokens, c.RightContextTokens, "tokens");
        CheckLength(input.Length, rows, c.Width);
        encoder.ResetCache();
        int step = c.ChunkTokens * c.Width;
        var output = new float[chunks * step];
        for (int i = 0; i < chunks; i++)
            encoder.Step(input.Slice(i * step, encoder.InputLength), output.AsSpan(i * step, step));
        return output;
    }

    /// <summary>Transcriber outputs [n·S, E] of feature frames [(n·S + R)·stride, F]; the caches start empty.</summary>
    public static float[] Transcribe(Transcriber transcriber, ReadOnlySpan<float> frames, int rows)
    {
        ArgumentNullException.ThrowIfNull(transcriber);
        var c = transcriber.Config;
        int stride = c.Rnnt!.TimeReductionStride;
        int chunks = Chunks(rows, c.ChunkTokens * stride, c.RightContextTokens * stride, "frames");
        CheckLength(frames.Length, rows, transcriber.InputFeatures);
        transcriber.ResetCache();
        int advance = transcriber.FramesPerChunk * transcriber.InputFeatures;
        var output = new float[chunks * transcriber.OutputLength];
        for (int i = 0; i < chunks; i++)
            transcriber.Step(frames.Slice(i * advance, transcriber.InputLength), output.AsSpan(i * transcriber.OutputLength, transcriber.OutputLength));
        return output;
    }

    /// <summary>n for an input of <paramref name="rows"/> = n·<paramref name="chunk"/> + <paramref name="right"/>, n ≥ 1; otherwise a one-line error.</summary>
    public static int Chunks(int rows, int chunk, int right, string unit)
    {
        if (rows < chunk + right || (rows - right) % chunk != 0)
            throw new ArgumentException(
                $"the input has {rows} rows but streaming needs n·S + R = n·{chunk} + {right} rows ({unit}) for some n ≥ 1" +
                (rows > chunk + right ? $"; the nearest are {(rows - right) / chunk * chunk + right} and {((rows - right) / chunk + 1) * chunk + right}" : ""));
        return (rows - right) / chunk;
    }

    private static void CheckLength(int length, int rows, int width)
    {
        if (length != (long)rows * width)
            throw new ArgumentException($"the input has {length} floats but {rows} rows of width {width} need {(long)rows * width}");
    }

    /// <summary>
    /// <c>foldbench infer</c>: reads the configuration, the torchaudio state_dict (an Emformer's or a
    /// whole RNN-T's; <see cref="TorchStateDict"/>) and the tensor <c>input</c>, streams it, and writes
    /// the tensor <c>output</c> (F32) atomically. Every bad input is an exception with a one-line
    /// message: <see cref="ArgumentException"/>, <see cref="FormatException"/>, a missing file, or
    /// <see cref="PlatformNotSupportedException"/> for a kernel path this CPU cannot run. At <paramref name="precision"/>
    /// "int8" every linear layer runs on the int8 kernels (the path's <see cref="Precisions.Int8Counterpart"/>; the
    /// portable path has none, an <see cref="ArgumentException"/>); the file's metadata then names the int8 path that ran.
    /// </summary>
    public static InferenceRun Run(string configPath, string weightsPath, string inputPath, string outputPath, int fold = 1, string kernelPath = "best",
        string precision = "fp32")
    {
        var path = KernelPaths.Parse(kernelPath);
        KernelPaths.EnsureSupported(path);
        var format = Precisions.Parse(precision);
        string ran = path.Name();
        if (format == Precision.Int8)
        {
            var int8 = Compute.FoldedLinear.Int8Path(path);
            Kernels.Quantized.QuantizedPaths.EnsureSupported(int8);
            ran = Kernels.Quantized.QuantizedPaths.Name(int8);
        }
        var config = ModelConfig.Load(configPath);
        var options = new FoldingOptions(fold);
        config.Validate(options);
        var (input, rows, width) = ReadInput(inputPath);
        var weights = TorchStateDict.Load(weightsPath, config, options);

        float[] output;
        int outputWidth;
        if (weights.Kind == StateDictKind.Emformer)
        {
            Expect(width, config.Width, "the encoder's width D (config 'width')", inputPath);
            var encoder = new StreamingEncoder(config, options, path, weights.Encoder, precision: format);
            output = Encode(encoder, input, rows);
            outputWidth = config.Width;
        }
        else
        {
            Expect(width, config.Rnnt!.InputFeatures, "the RNN-T's feature width (config 'rnnt.inputFeatures')", inputPath);
            var transcriber = new Transcriber(config, options, path, weights.Rnnt!.Transcriber, precision: format);
            output = Transcribe(transcriber, input, rows);
            outputWidth = transcriber.OutputWidth;
        }
        int outputRows = output.Length / outputWidth;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["foldbench.config"] = config.ToJson(),
            ["foldbench.fold"] = fold.ToString(CultureInfo.InvariantCulture),
            ["foldbench.path"] = ran,
            ["foldbench.weights"] = Path.GetFileName(weightsPath),
        };
        // Written only at int8, so an fp32 output file stays byte for byte what it was (no key: fp32).
        if (format != Precision.Fp32) metadata["foldbench.precision"] = format.Name();
        SafeTensors.Write(outputPath, [SafeTensorData.FromSingles(OutputTensor, [outputRows, outputWidth], output)], metadata);
        int chunks = outputRows / config.ChunkTokens;
        return new InferenceRun(weights.Kind, chunks, rows, width, outputRows, outputWidth, options, ran, format.Name());
    }

    private static void Expect(int width, int needed, string what, string inputPath)
    {
        if (width != needed)
            throw new ArgumentException($"input file '{inputPath}': tensor '{InputTensor}' has width {width} but {what} is {needed}");
    }

    /// <summary>The file's only tensor, <c>input</c>, of shape [rows, width] and a floating-point dtype.</summary>
    private static (float[] Data, int Rows, int Width) ReadInput(string path)
    {
        using var file = SafeTensors.Open(path);
        string where = $"input file '{path}'";
        if (!file.Tensors.TryGetValue(InputTensor, out var info))
            throw new SafeTensorsException($"{where} has no tensor '{InputTensor}'" +
                (file.Tensors.Count > 0 ? $" (it holds {string.Join(", ", file.Tensors.Keys.Take(5).Select(k => $"'{k}'"))})" : " (it holds no tensors)"));
        var extra = file.Tensors.Keys.FirstOrDefault(k => k != InputTensor);
        if (extra is not null)
            throw new SafeTensorsException($"{where}: unexpected tensor '{extra}': the input file holds one tensor, '{InputTensor}'");
        if (info.Shape.Count != 2 || info.Shape[0] < 1 || info.Shape[1] < 1 || info.Shape[0] > int.MaxValue || info.Shape[1] > int.MaxValue)
            throw new SafeTensorsException($"{where}: tensor '{InputTensor}' has shape {info.ShapeText} but must be [T, width] (rows, then features)");
        return (file.ReadSingles(InputTensor), (int)info.Shape[0], (int)info.Shape[1]);
    }
}
