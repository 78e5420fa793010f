namespace FoldBench.Kernels;

/// <summary>
/// Shape of one register tile: <see cref="Rows"/> rows of X against one 16-wide weight panel, with
/// the K loop split into <see cref="Phases"/> interleaved phases that each own their accumulators.
/// Rows × Phases "slots" (at most 6) each hold one row's 16 outputs for one phase; the phases are
/// summed once at the end. Few rows (the streaming M = 1..3 case) thus still get 12 independent
/// FMA chains, enough to hide the FMA latency (4 cycles × 2 pipes needs ≥ 8).
/// </summary>
/// <remarks>
/// The shapes are struct type arguments, so every kernel instantiation is compiled separately and
/// <c>T.Rows</c>/<c>T.Phases</c> are constants there: the JIT drops the code for unused slots.
/// </remarks>
internal interface ITileShape
{
    static abstract int Rows { get; }
    static abstract int Phases { get; }
}

internal struct Rows6 : ITileShape { public static int Rows => 6; public static int Phases => 1; }
internal struct Rows5 : ITileShape { public static int Rows => 5; public static int Phases => 1; }
internal struct Rows4 : ITileShape { public static int Rows => 4; public static int Phases => 1; }
internal struct Rows3 : ITileShape { public static int Rows => 3; public static int Phases => 2; }
internal struct Rows2 : ITileShape { public static int Rows => 2; public static int Phases => 3; }
internal struct Rows1 : ITileShape { public static int Rows => 1; public static int Phases => 6; }

/// <summary>Splits M rows into register-tile row blocks of at most <c>maxRows</c>, as evenly as possible.</summary>
/// <remarks>
/// Even splitting keeps every block near the full tile height (M = 16 → 6, 5, 5 rather than
/// 6, 6, 4; M = 7 → 4, 3 rather than 6, 1), so no block runs on too few accumulators.
/// </remarks>
internal readonly struct RowBlocks(int m, int maxRows)
{
    public int Count { get; } = (m + maxRows - 1) / maxRows;

    /// <summary>Rows in block <paramref name="b"/>; the first M mod Count blocks get one extra.</summary>
    public int Size(int b) => m / Count + (b < m % Count ? 1 : 0);
}
