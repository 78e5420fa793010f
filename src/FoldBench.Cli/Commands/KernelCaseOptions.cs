using System.CommandLine;
using FoldBench.Benchmarks.Probes;

namespace FoldBench.Cli.Commands;

/// <summary>
/// The kernel-case options shared by `run --instructions` and `kernel-probe`: --paths, --m, --kn (or
/// --k and --n) and --reps, turned into the cases <see cref="KernelCases"/> expands, in its fixed order.
/// </summary>
internal sealed class KernelCaseOptions
{
    public Option<IReadOnlyList<string>> Paths { get; }
    public Option<IReadOnlyList<int>> M { get; } = CliOptions.IntList("--m", "rows M (default: 1,16)", 1, 4096);
    public Option<IReadOnlyList<int>> KN { get; } = CliOptions.IntList("--kn", "K = N, the input and output width (default: 512); or --k and --n for every K×N pair", 1, 16384);
    public Option<IReadOnlyList<int>> K { get; } = CliOptions.IntList("--k", "input widths K (with --n)", 1, 16384);
    public Option<IReadOnlyList<int>> N { get; } = CliOptions.IntList("--n", "output widths N (with --k)", 1, 16384);
    public Option<(int R1, int R2)> Reps { get; } = CliOptions.Parsed("--reps", "R1,R2",
        "operations per measured phase (default: 1,3); count = (I(R2) − I(R1)) / (R2 − R1)", text =>
        {
            var reps = CliOptions.ParseIntList("--reps", text, 1, 1_000_000);
            if (reps.Count != 2 || reps[1] <= reps[0])
                throw new FormatException($"option --reps expects two counts R1,R2 with R1 < R2, got '{text}'");
            return (reps[0], reps[1]);
        });

    public KernelCaseOptions(string pathsDescription) =>
        Paths = CliOptions.NameList("--paths", pathsDescription, KernelCases.PathNames);

    public IEnumerable<Option> All => [Paths, M, KN, K, N, Reps];

    /// <summary>The shape options (everything but --reps), for "does not go with" checks.</summary>
    public IEnumerable<Option> Shape => [Paths, M, KN, K, N];

    /// <summary>The cases the options name; <paramref name="underValgrind"/> for `run --instructions` (see <see cref="KernelCases.Expand"/>).</summary>
    public IReadOnlyList<KernelCaseSpec> Cases(ParseResult p, bool underValgrind = false)
    {
        var paths = p.Given(Paths) ? p.GetValue(Paths)! : ["best"];
        var ms = p.Given(M) ? p.GetValue(M)! : KernelCases.DefaultM;
        IReadOnlyList<(int K, int N)> shapes;
        if (p.Given(KN))
        {
            if (p.Given(K) || p.Given(N)) throw new UsageException("give either --kn or --k and --n, not both");
            shapes = p.GetValue(KN)!.Select(v => (v, v)).ToList();
        }
        else if (p.Given(K) || p.Given(N))
        {
            var ks = p.Given(K) ? p.GetValue(K)! : KernelCases.DefaultKN;
            var ns = p.Given(N) ? p.GetValue(N)! : KernelCases.DefaultKN;
            shapes = ks.SelectMany(k => ns.Select(n => (k, n))).ToList();
        }
        else shapes = KernelCases.DefaultKN.Select(v => (v, v)).ToList();
        return KernelCases.Expand(paths, ms, shapes, underValgrind);
    }

    public (int R1, int R2) RepsOf(ParseResult p) =>
        p.Given(Reps) ? p.GetValue(Reps) : (InstructionRun.DefaultR1, InstructionRun.DefaultR2);
}
