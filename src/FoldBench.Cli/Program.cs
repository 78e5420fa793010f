using System.CommandLine;
using System.CommandLine.Invocation;
using FoldBench.Cli;
using FoldBench.Cli.Commands;
using FoldBench.Cli.Terminal;
using FoldBench.Results;

return Cli.Run(args);

namespace FoldBench.Cli
{
    /// <summary>
    /// The <c>foldbench</c> command: one verb per concern, each in Commands/, parsed by System.CommandLine
    /// (help, --version, typo suggestions, @response files and the [suggest] completion directive come
    /// from it). What stays here is the contract the library does not offer: every bad input is exit
    /// code 2 with one line on stderr naming the problem, never a stack trace.
    /// </summary>
    public static class Cli
    {
        public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2;

        /// <summary>The verbs; hidden ones (workloads other commands launch) run but are not advertised.</summary>
        public static RootCommand CreateRoot(TextWriter stdout, TextWriter stderr) => CreateRoot(new CliConsole(stdout, stderr));

        public static RootCommand CreateRoot(CliConsole console)
        {
            ArgumentNullException.ThrowIfNull(console);
            TextWriter stdout = console.Out, stderr = console.Error;
            var root = new RootCommand("FoldBench: benchmarks and power profiles of folded-attention kernels and models")
            {
                RunCommand.Create(console),
                ModelCommand.Create(stdout, stderr),
                InferCommand.Create(stdout, stderr),
                SensorsCommand.Create(console),
                PlotCommand.Create(stdout, stderr),
                CompareCommand.Create(console),
                KernelProbeCommand.Create(stdout, stderr),
            };
            return root;
        }

        /// <summary>The real process: Spectre on a terminal, plain lines when redirected or NO_COLOR / CI is set.</summary>
        public static int Run(string[] args) => Run(args, CliConsole.FromProcess());

        /// <summary>Plain text on both writers (tests, embedding).</summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, new CliConsole(stdout, stderr));

        public static int Run(string[] args, CliConsole console)
        {
            ArgumentNullException.ThrowIfNull(args);
            ArgumentNullException.ThrowIfNull(console);
            TextWriter stdout = console.Out, stderr = console.Error;
            var root = CreateRoot(console);
            var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            if (args.Length == 0)
            {
                // No verb: the overview, but as a usage error (a script that forgot its verb must fail).
                root.Parse(["--help"]).Invoke(config);
                return ExitUsage;
            }
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
            {
                ReportParseError(parse, stderr);
                return ExitUsage;
            }
            return parse.Invoke(config);
        }

        /// <summary>
        /// One line naming the first problem, with System.CommandLine's own suggestions for a misspelt option or verb
        /// ("foldbench run: unknown option '--quik' (did you mean --quick?)"), then the command's usage line.
        /// </summary>
        private static void ReportParseError(ParseResult parse, TextWriter stderr)
        {
            var command = parse.CommandResult.Command;
            string prefix = command is RootCommand ? "foldbench" : $"foldbench {FullName(command)}";
            string message;
            if (parse.UnmatchedTokens.Count > 0)
            {
                string token = parse.UnmatchedTokens[0];
                message = command is RootCommand && !token.StartsWith('-') ? $"unknown command '{token}'"
                    : token.StartsWith('-') && token.Length > 1 ? $"unknown option '{token}'"
                    : $"unexpected argument '{token}'";
                if (Suggestions(parse, token) is { Count: > 0 } guesses)
                    message += guesses.Count == 1 ? $" (did you mean {guesses[0]}?)" : $" (did you mean one of {string.Join(", ", guesses)}?)";
            }
            else message = parse.Errors[0].Message.ReplaceLineEndings(" ").TrimEnd('.');
            stderr.WriteLine($"{prefix}: {message}");
            stderr.WriteLine(UsageLine(command));
        }

        /// <summary>
        /// The library's typo corrections for <paramref name="token"/>: it prints "'--quik' was not matched. Did you mean
        /// one of the following?" and one guess per line; only the block about this token counts (it also guesses for
        /// stray values).
        /// </summary>
        private static List<string> Suggestions(ParseResult parse, string token)
        {
            var text = new StringWriter();
            parse.InvocationConfiguration.Output = text;
            parse.InvocationConfiguration.Error = TextWriter.Null;
            new ParseErrorAction { ShowHelp = false, ShowTypoCorrections = true }.Invoke(parse);
            var guesses = new List<string>();
            bool inBlock = false;
            foreach (var line in text.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.EndsWith("was not matched. Did you mean one of the following?", StringComparison.Ordinal))
                    inBlock = line.StartsWith($"'{token}'", StringComparison.Ordinal);
                else if (inBlock) guesses.Add(line);
            }
            return guesses;
        }

        /// <summary>"usage: foldbench compare BASE CURRENT [options]   (foldbench compare --help for all options)".</summary>
        public static string UsageLine(Command command)
        {
            ArgumentNullException.ThrowIfNull(command);
            if (command is RootCommand) return "usage: foldbench <command> [options]    (foldbench --help lists the commands)";
            string name = FullName(command);
            string args = string.Concat(command.Arguments.Select(a => " " + a.Name + (a.Arity.MaximumNumberOfValues > 1 ? " ..." : "")));
            return $"usage: foldbench {name}{args} [options]    (foldbench {name} --help for all options)";
        }

        /// <summary>"run", or "sensors simulate" for a verb under a verb.</summary>
        private static string FullName(Command command) =>
            command.Parents.OfType<Command>().FirstOrDefault() is { } parent and not RootCommand
                ? $"{parent.Name} {command.Name}" : command.Name;

        /// <summary>Runs a verb's work: bad input that only shows once the work starts is still one line and exit 2.</summary>
        internal static int Guard(Command command, TextWriter stderr, Func<int> action)
        {
            string name = FullName(command);
            try
            {
                return action();
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"foldbench {name}: {e.Message}");
                stderr.WriteLine(UsageLine(command));
                return ExitUsage;
            }
            catch (Exception e) when (e is ResultsFormatException or ArgumentException or FormatException
                                          or FileNotFoundException or DirectoryNotFoundException or PlatformNotSupportedException)
            {
                // Bad input: a one-line error, never a stack trace.
                stderr.WriteLine($"foldbench {name}: {OneLine(e)}");
                return ExitUsage;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                stderr.WriteLine($"foldbench {name}: error: {OneLine(e)}");
                return ExitFailure;
            }
        }

        /// <summary>The message alone, on one line (ArgumentException appends " (Parameter 'x')").</summary>
        public static string OneLine(Exception e)
        {
            ArgumentNullException.ThrowIfNull(e);
            string m = e.Message;
            if (e is ArgumentException { ParamName: { } p } && m.EndsWith($" (Parameter '{p}')", StringComparison.Ordinal))
                m = m[..^$" (Parameter '{p}')".Length];
            return m.ReplaceLineEndings(" ");
        }

        public static string Version =>
            typeof(Cli).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    /// <summary>Bad command-line input found after parsing (options that do not go together): one line plus the usage line, exit 2.</summary>
    public sealed class UsageException(string message) : Exception(message);
}
