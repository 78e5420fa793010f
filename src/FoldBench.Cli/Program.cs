using FoldBench.Cli;
using FoldBench.Cli.Commands;
using FoldBench.Results;

return Cli.Run(args);

namespace FoldBench.Cli
{
    /// <summary>The <c>foldbench</c> command: one verb per concern, each in Commands/.</summary>
    public static class Cli
    {
        public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2;

        public static readonly IReadOnlyList<ICommand> Commands =
        [
            new RunCommand(),
            new ModelCommand(),
            new SensorsCommand(),
            new PlotCommand(),
            new CompareCommand(),
            new KernelProbeCommand(),
        ];

        public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                stdout.Write(Usage());
                return args.Length == 0 ? ExitUsage : ExitOk;
            }
            if (args[0] is "--version")
            {
                stdout.WriteLine(Version);
                return ExitOk;
            }
            var command = Commands.FirstOrDefault(c => c.Name == args[0]);
            if (command is null)
            {
                stderr.WriteLine($"foldbench: unknown command '{args[0]}'");
                stderr.Write(Usage());
                return ExitUsage;
            }
            var rest = args.Skip(1).ToArray();
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                stdout.Write(command.Usage);
                return ExitOk;
            }
            try
            {
                return command.Execute(rest, stdout, stderr);
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"foldbench {command.Name}: {e.Message}");
                stderr.Write(command.Usage);
                return ExitUsage;
            }
            catch (Exception e) when (e is ResultsFormatException or ArgumentException or FormatException
                                          or FileNotFoundException or DirectoryNotFoundException or PlatformNotSupportedException)
            {
                // Bad input: a one-line error, never a stack trace.
                stderr.WriteLine($"foldbench {command.Name}: {OneLine(e)}");
                return ExitUsage;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                stderr.WriteLine($"foldbench {command.Name}: error: {OneLine(e)}");
                return ExitFailure;
            }
        }

        /// <summary>The message alone, on one line (ArgumentException appends " (Parameter 'x')").</summary>
        public static string OneLine(Exception e)
        {
            string m = e.Message;
            if (e is ArgumentException { ParamName: { } p } && m.EndsWith($" (Parameter '{p}')", StringComparison.Ordinal))
                m = m[..^$" (Parameter '{p}')".Length];
            return m.ReplaceLineEndings(" ");
        }

        public static string Version =>
            typeof(Cli).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        public static string Usage()
        {
            var w = new StringWriter();
            w.WriteLine("usage: foldbench <command> [options]    (foldbench <command> --help for its options)");
            w.WriteLine();
            // Internal verbs (the workloads other commands launch) still run, but are not advertised.
            foreach (var c in Commands.Where(c => !c.Summary.StartsWith("(internal)", StringComparison.Ordinal)))
                w.WriteLine($"  {c.Name,-9} {c.Summary}");
            return w.ToString();
        }
    }

    /// <summary>One verb of the command line.</summary>
    public interface ICommand
    {
        string Name { get; }
        string Summary { get; }
        string Usage { get; }
        int Execute(string[] args, TextWriter stdout, TextWriter stderr);
    }
}
