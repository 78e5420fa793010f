namespace FoldBench.Cli.Commands;

public sealed class PlotCommand : ICommand
{
    public string Name => "plot";
    public string Summary => "Draw charts and the report from results folders";
    public string Usage => "usage: foldbench plot\n";

    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        CliArgs.Parse(args, [], []);
        stderr.WriteLine("foldbench plot: not available in this build yet");
        return Cli.ExitFailure;
    }
}
