namespace FoldBench.Cli.Commands;

public sealed class RunCommand : ICommand
{
    public string Name => "run";
    public string Summary => "Run the benchmark sweep and write a results folder";
    public string Usage => "usage: foldbench run\n";

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        CliArgs.Parse(args, [], []);
        stderr.WriteLine("foldbench run: not available in this build yet");
        return Cli.ExitFailure;
    }
}
