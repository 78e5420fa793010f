using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FoldBench.Cli;

/// <summary>
/// Typed options with FoldBench's value syntax (comma-separated lists, "5%" fractions, durations):
/// System.CommandLine does the tokens, help and completion; these parsers turn one token into a value
/// or a one-line error naming the option. No default values here: a verb asks <see cref="Given"/> and
/// applies its own default, which can depend on other options (--quick, --instructions).
/// </summary>
public static class CliOptions
{
    /// <summary>Whether the option appeared on the command line.</summary>
    public static bool Given(this ParseResult parse, Option option)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetResult(option) is { Implicit: false };
    }

    public static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<string> Text(string name, string valueName, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = valueName };

    /// <summary>An option that may repeat, e.g. --trace A --trace B.</summary>
    public static Option<string[]> Repeated(string name, string valueName, string description) =>
        new(name) { Description = description, HelpName = valueName, Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

    public static Option<int> Int(string name, string valueName, string description, int min, int max) =>
        Parsed(name, valueName, description, text =>
            !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? throw new FormatException($"option {name} expects an integer, got '{text}'")
            : n < min || n > max ? throw new FormatException($"option {name} must be between {min} and {max}, got {n}")
            : n);

    /// <summary>A number; "5%" means 0.05.</summary>
    public static Option<double> Double(string name, string valueName, string description, double min = double.MinValue, double max = double.MaxValue) =>
        Parsed(name, valueName, description, text => ParseDouble(name, text, min, max));

    public static double ParseDouble(string name, string text, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.EndsWith('%') ? text[..^1] : text;
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || double.IsNaN(d))
            throw new FormatException($"option {name} expects a number, got '{text}'");
        if (text.EndsWith('%')) d /= 100;
        if (d < min || d > max) throw new FormatException($"option {name} must be between {min} and {max}, got {text}");
        return d;
    }

    /// <summary>A comma-separated list of integers, e.g. "--folds 1,2,4".</summary>
    public static Option<IReadOnlyList<int>> IntList(string name, string description, int min = 1, int max = int.MaxValue, params string[] aliases) =>
        Parsed(name, "LIST", description, text => ParseIntList(name, text, min, max), aliases);

    public static IReadOnlyList<int> ParseIntList(string name, string text, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
                throw new FormatException($"option {name} expects a comma-separated list of integers in {min}..{max}, got '{text}'");
            list.Add(n);
        }
        return list;
    }

    /// <summary>A comma-separated list of names, each one of <paramref name="allowed"/> (offered as completions).</summary>
    public static Option<IReadOnlyList<string>> NameList(string name, string description, IReadOnlyCollection<string> allowed) =>
        Completing(Parsed(name, "LIST", description, text =>
        {
            var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            if (list.Count == 0) throw new FormatException($"option {name} is empty");
            foreach (var n in list)
                if (!allowed.Contains(n, StringComparer.OrdinalIgnoreCase))
                    throw new FormatException($"option {name}: unknown value '{n}' (expected one of: {string.Join(", ", allowed)})");
            return (IReadOnlyList<string>)list;
        }), allowed);

    /// <summary>One name of <paramref name="allowed"/>.</summary>
    public static Option<string> OneOf(string name, string description, IReadOnlyCollection<string> allowed) =>
        Completing(Parsed(name, string.Join('|', allowed), description, text =>
            allowed.Contains(text, StringComparer.Ordinal) ? text
                : throw new FormatException($"option {name}: unknown value '{text}' (expected one of: {string.Join(", ", allowed)})")), allowed);

    /// <summary>An option whose single token <paramref name="parse"/> turns into a value; any exception it throws is the option's error.</summary>
    public static Option<T> Parsed<T>(string name, string valueName, string description, Func<string, T> parse, params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new Option<T>(name, aliases)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0) return default!;
                string text = result.Tokens[^1].Value;
                try
                {
                    return parse(text);
                }
                catch (Exception e) when (e is FormatException or ArgumentException or PlatformNotSupportedException or OverflowException)
                {
                    result.AddError(Cli.OneLine(e));
                    return default!;
                }
            },
        };
    }

    private static Option<T> Completing<T>(Option<T> option, IReadOnlyCollection<string> values)
    {
        option.CompletionSources.Add([.. values]);
        return option;
    }
}
