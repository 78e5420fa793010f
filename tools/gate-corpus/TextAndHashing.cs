using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace GateCorpus;

/// <summary>
/// String and hashing work of the kind application code does. GATE_CORPUS_SLOWDOWN_PERCENT=P makes
/// <see cref="Fnv1a"/> and <see cref="JoinCsv"/> do P% more of their own work (more bytes hashed,
/// more fields joined); the other cases never change.
/// </summary>
public class TextAndHashing
{
    private byte[] _kib = [];
    private byte[] _block = [];
    private string[] _words = [];
    private string _line = "";
    private Dictionary<string, int> _index = [];
    private string _text = "";
    private int _fnvBytes;
    private int _csvFields;

    [GlobalSetup]
    public void Setup()
    {
        double extra = 0;
        string? percent = Environment.GetEnvironmentVariable("GATE_CORPUS_SLOWDOWN_PERCENT");
        if (!string.IsNullOrEmpty(percent)) extra = double.Parse(percent, CultureInfo.InvariantCulture) / 100;
        var rng = new Random(42);
        _kib = new byte[1024];
        rng.NextBytes(_kib);
        _fnvBytes = (int)Math.Round(4096 * (1 + extra));
        _block = new byte[_fnvBytes];
        rng.NextBytes(_block);
        _csvFields = (int)Math.Round(200 * (1 + extra));
        _words = Enumerable.Range(0, 512).Select(i => $"word{i:x4}-{rng.Next(1000)}").ToArray();
        _line = string.Join(',', Enumerable.Range(0, 64).Select(i => (i * 7919 % 10007).ToString(CultureInfo.InvariantCulture)));
        _index = _words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
        _text = string.Join(' ', _words.Take(128));
    }

    [Benchmark]
    public byte[] Sha256() => SHA256.HashData(_kib);

    [Benchmark]
    public uint Fnv1a()
    {
        uint h = 2166136261;
        foreach (byte b in _block.AsSpan(0, _fnvBytes)) h = (h ^ b) * 16777619;
        return h;
    }

    [Benchmark]
    public string JoinCsv()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _csvFields; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(i * 31).Append(':').Append(_words[i % _words.Length]);
        }
        return sb.ToString();
    }

    [Benchmark]
    public int SplitAndParse()
    {
        int sum = 0;
        foreach (var part in _line.Split(',')) sum += int.Parse(part, CultureInfo.InvariantCulture);
        return sum;
    }

    [Benchmark]
    public string UpperAndReplace() => _text.ToUpperInvariant().Replace("WORD", "w", StringComparison.Ordinal);

    [Benchmark]
    public int DictionaryLookup()
    {
        int hits = 0;
        for (int i = 0; i < _words.Length; i += 4) if (_index.TryGetValue(_words[i], out int v)) hits += v & 1;
        return hits;
    }

    [Benchmark]
    public int StringHashCodes()
    {
        int h = 0;
        for (int i = 0; i < 64; i++) h ^= _words[i].GetHashCode(StringComparison.OrdinalIgnoreCase);
        return h;
    }
}
