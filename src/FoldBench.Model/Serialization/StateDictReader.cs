namespace FoldBench.Model;

/// <summary>
/// Reads a PyTorch <c>state_dict</c> stored as .safetensors tensor by tensor, checking each one's
/// shape, and remembers what it read: whatever the model did not ask for is then an error naming
/// the tensor (<see cref="Unread"/>), so a file never loads partly and silently.
/// </summary>
internal sealed class StateDictReader : IDisposable
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public StateDictReader(string path)
    {
        File = SafeTensors.Open(path);
        Where = $"safetensors file '{path}'";
    }

    public SafeTensorFile File { get; }

    /// <summary>"safetensors file 'PATH'", the start of every error message.</summary>
    public string Where { get; }

    /// <summary>The tensor as floats (F32, F16, BF16 or F64), after checking that it exists and has <paramref name="shape"/>.</summary>
    /// <param name="needs">Who needs the shape, for the message: "D = 32, F = 64, unfolded".</param>
    public float[] Read(string name, IReadOnlyList<int> shape, string needs)
    {
        string expected = "[" + string.Join(", ", shape) + "]";
        if (!File.Tensors.TryGetValue(name, out var info))
            throw new SafeTensorsException($"{Where}: tensor '{name}' is missing ({needs} needs {expected})");
        if (!info.Shape.SequenceEqual(shape.Select(d => (long)d)))
            throw new SafeTensorsException($"{Where}: tensor '{name}' has shape {info.ShapeText} but {needs} needs {expected}");
        _read.Add(name);
        return File.ReadSingles(name);
    }

    /// <summary>Names in the file that nobody read, in file order, optionally only those <paramref name="within"/> accepts.</summary>
    public IEnumerable<string> Unread(Func<string, bool>? within = null) =>
        File.Tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => t.Name)
            .Where(n => !_read.Contains(n) && (within is null || within(n)));

    public void Dispose() => File.Dispose();
}
