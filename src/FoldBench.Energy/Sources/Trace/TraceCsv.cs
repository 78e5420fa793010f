using System.Globalization;
using System.Text;

namespace FoldBench.Energy.Sources.Trace;

/// <summary>
/// An external meter's CSV log, read incrementally while the meter appends to it. The header names a time column
/// (time_s, timestamp, time, t, or unix_s for Unix epoch seconds) and a value column: watts (watts, power_w, w) or
/// cumulative joules (joules, energy_j, j). '#' lines are comments; ',', ';' and tab separate fields.
/// </summary>
public sealed class TraceCsv : IDisposable
{
    public enum ValueKind { Watts, Joules }

    private static readonly string[] TimeNames = ["time_s", "timestamp", "time", "t", "seconds", "unix_s", "epoch_s"];
    private static readonly string[] WattNames = ["watts", "power_w", "w", "power"];
    private static readonly string[] JouleNames = ["joules", "energy_j", "j", "energy"];

    private readonly FileStream _stream;
    private readonly StringBuilder _partial = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private char _separator;
    private int _timeColumn = -1, _valueColumn = -1, _columns;
    private long _lineNumber;

    public string Path { get; }
    public ValueKind Kind { get; private set; }
    /// <summary>True when the timestamps are Unix epoch seconds (column unix_s/epoch_s, or values above 10⁹).</summary>
    public bool UnixClock { get; private set; }
    public bool HasHeader => _timeColumn >= 0;
    /// <summary>Every row read so far: (meter time in seconds, watts or cumulative joules).</summary>
    public List<(double Time, double Value)> Rows { get; } = [];

    public TraceCsv(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
    }

    /// <summary>Reads whatever the meter appended since the last call; returns the number of new rows.
    /// Throws <see cref="FormatException"/> naming the line for a malformed header or row.</summary>
    public int Poll()
    {
        int before = Rows.Count;
        int n;
        while ((n = _stream.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            _partial.Append(Encoding.UTF8.GetString(_buffer, 0, n));
            string text = _partial.ToString();
            int last = text.LastIndexOf('\n');
            if (last < 0) continue;
            _partial.Clear().Append(text, last + 1, text.Length - last - 1);
            foreach (var line in text[..last].Split('\n')) ParseLine(line.TrimEnd('\r'));
        }
        return Rows.Count - before;
    }

    private void ParseLine(string line)
    {
        _lineNumber++;
        if (line.Length == 0 || line.StartsWith('#')) return;
        if (_timeColumn < 0)
        {
            ParseHeader(line);
            return;
        }
        var fields = line.Split(_separator);
        if (fields.Length < _columns)
            throw new FormatException($"{Path} line {_lineNumber}: {fields.Length} fields, the header has {_columns}");
        if (!double.TryParse(fields[_timeColumn].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !double.IsFinite(t) ||
            !double.TryParse(fields[_valueColumn].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new FormatException($"{Path} line {_lineNumber}: '{Sources.Trace.TraceCsv.Shorten(line)}' is not a time and a {(Kind == ValueKind.Watts ? "power" : "energy")} number");
        if (Rows.Count > 0 && t <= Rows[^1].Time)
            throw new FormatException($"{Path} line {_lineNumber}: time {t} does not increase (previous {Rows[^1].Time})");
        if (Rows.Count == 0 && t > 1e9) UnixClock = true;
        if (Kind == ValueKind.Watts && v < 0) v = -v; // meters differ in sign convention for sourced current
        Rows.Add((t, v));
    }

    private void ParseHeader(string line)
    {
        _separator = line.Contains(',') ? ',' : line.Contains(';') ? ';' : '\t';
        var names = line.Split(_separator).Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToArray();
        _columns = names.Length;
        _timeColumn = Array.FindIndex(names, n => TimeNames.Contains(n));
        int watts = Array.FindIndex(names, n => WattNames.Contains(n));
        int joules = Array.FindIndex(names, n => JouleNames.Contains(n));
        if (_timeColumn < 0 || (watts < 0 && joules < 0))
        {
            _timeColumn = -1;
            throw new FormatException($"{Path} line {_lineNumber}: header '{Shorten(line)}' needs a time column ({string.Join("/", TimeNames)}) and a watts ({string.Join("/", WattNames)}) or joules ({string.Join("/", JouleNames)}) column");
        }
        Kind = joules >= 0 ? ValueKind.Joules : ValueKind.Watts;
        _valueColumn = joules >= 0 ? joules : watts;
        UnixClock = names[_timeColumn] is "unix_s" or "epoch_s";
    }

    internal static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;

    public void Dispose() => _stream.Dispose();
}
