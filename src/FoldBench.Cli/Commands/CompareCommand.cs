namespace FoldBench.Cli.Commands;

public sealed class CompareCommand : ICommand
{
    public string Name => "compare";
    public string Summary => "Compare two results for regressions (CI gate)";
    public string Usage => "usage: foldbench compare\n";

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        CliArgs.Parse(args, [], []);
        stderr.WriteLine("foldbench compare: not available in this build yet");
        return Cli.ExitFailure;
    }
}
