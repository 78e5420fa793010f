namespace FoldBench.Cli.Commands;

public sealed class ModelCommand : ICommand
{
    public string Name => "model";
    public string Summary => "Print a model configuration's size, compute and memory accounting";
    public string Usage => "usage: foldbench model\n";

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        CliArgs.Parse(args, [], []);
        stderr.WriteLine("foldbench model: not available in this build yet");
        return Cli.ExitFailure;
    }
}
