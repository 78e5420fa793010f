namespace FoldBench.Cli.Commands;

public sealed class SensorsCommand : ICommand
{
    public string Name => "sensors";
    public string Summary => "List energy sources and whether each is usable";
    public string Usage => "usage: foldbench sensors\n";

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        CliArgs.Parse(args, [], []);
        stderr.WriteLine("foldbench sensors: not available in this build yet");
        return Cli.ExitFailure;
    }
}
