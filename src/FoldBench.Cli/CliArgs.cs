using System.Globalization;

namespace FoldBench.Cli;

/// <summary>
/// A small, strict command-line parser: every option a command accepts is declared, so an unknown
/// option or a malformed value is a one-line usage error (exit 2), never a silent default.
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    public IReadOnlyList<string> Positionals => _positionals;

    /// <param name="args">The arguments after the verb.</param>
    /// <param name="flags">Options that take no value, e.g. "--quick".</param>
    /// <param name="valued">Options that take one value, e.g. "--out" (given as "--out DIR" or "--out=DIR").</param>
    public static CliArgs Parse(IReadOnlyList<string> args, IEnumerable<string> flags, IEnumerable<string> valued)
    {
        var flagSet = new HashSet<string>(flags, StringComparer.Ordinal);
        var valuedSet = new HashSet<string>(valued, StringComparer.Ordinal);
        var result = new CliArgs();
        bool onlyPositionals = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (onlyPositionals || !a.StartsWith('-') || a == "-")
            {
                result._positionals.Add(a);
                continue;
            }
            if (a == "--") { onlyPositionals = true; continue; }
            string name = a;
            string? value = null;
            int eq = a.IndexOf('=');
            if (eq > 0) { name = a[..eq]; value = a[(eq + 1)..]; }
            if (flagSet.Contains(name))
            {
                if (value is not null) throw new UsageException($"option {name} takes no value");
                result._options[name] = null;
            }
            else if (valuedSet.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count) throw new UsageException($"option {name} needs a value");
                    value = args[++i];
                }
                result._options[name] = value;
            }
            else throw new UsageException($"unknown option '{name}'");
        }
        return result;
    }

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Get(string option) => _options.TryGetValue(option, out var v) ? v : null;

    public string Get(string option, string fallback) => Get(option) ?? fallback;

    public int GetInt(string option, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? v = Get(option);
        if (v is null) return fallback;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            throw new UsageException($"option {option} expects an integer, got '{v}'");
        if (n < min || n > max) throw new UsageException($"option {option} must be between {min} and {max}, got {n}");
        return n;
    }

    public double GetDouble(string option, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        string? v = Get(option);
        if (v is null) return fallback;
        string t = v.EndsWith('%') ? v[..^1] : v;
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || double.IsNaN(d))
            throw new UsageException($"option {option} expects a number, got '{v}'");
        if (v.EndsWith('%')) d /= 100;
        if (d < min || d > max) throw new UsageException($"option {option} must be between {min} and {max}, got {v}");
        return d;
    }

    /// <summary>A comma-separated list of positive integers, e.g. "--fold 1,2,4".</summary>
    public IReadOnlyList<int> GetIntList(string option, IReadOnlyList<int> fallback, int min = 1, int max = int.MaxValue)
    {
        string? v = Get(option);
        if (v is null) return fallback;
        var list = new List<int>();
        foreach (var part in v.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
                throw new UsageException($"option {option} expects a comma-separated list of integers in {min}..{max}, got '{v}'");
            list.Add(n);
        }
        if (list.Count == 0) throw new UsageException($"option {option} is empty");
        return list;
    }

    /// <summary>A comma-separated list of names, each checked against the allowed set.</summary>
    public IReadOnlyList<string> GetNameList(string option, IReadOnlyList<string> fallback, IReadOnlyCollection<string> allowed)
    {
        string? v = Get(option);
        if (v is null) return fallback;
        var list = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (list.Count == 0) throw new UsageException($"option {option} is empty");
        foreach (var n in list)
            if (!allowed.Contains(n, StringComparer.OrdinalIgnoreCase))
                throw new UsageException($"option {option}: unknown value '{n}' (expected one of: {string.Join(", ", allowed)})");
        return list;
    }

    public void ExpectPositionals(int min, int max, string what)
    {
        if (_positionals.Count < min) throw new UsageException($"missing {what}");
        if (_positionals.Count > max) throw new UsageException($"unexpected argument '{_positionals[max]}'");
    }
}

/// <summary>Bad command-line input: printed as one line plus the command's usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
