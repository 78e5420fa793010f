namespace FoldBench.Kernels;

/// <summary>
/// Shape of one register tile: <see cref="Rows"/> rows of X against one 16-wide weight panel, with
/// the K loop split into <see cref="Phases"/> interleaved phases that each own their accumulators.
/// Rows × Phases "slots" (at most 6 where phases split K) each hold one row's 16 outputs for one phase; the phases are
/// summed once at the end. Few rows (the streaming M = 1..3 case) thus still get 12 independent
/// FMA chains, enough to hide the FMA latency (4 cycles × 2 pipes needs ≥ 8).
/// <see cref="Phases"/> is what the 16-register paths (AVX2, NEON) use; the AVX-512 tile has room
/// for 12 slots of two ZMM each and picks its own phase count from <see cref="Rows"/>
/// (<c>Linear.Avx512.cs</c>).
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

// Taller tiles, used where AVX-512 gives 32 vector registers; one phase, the rows alone give the chains. 7–12 rows: the
// AVX-512 fp32 tile (and 7–8 the int8-avxvnni tile, Quantized/QuantizedLinear.AvxVnni.cs); 8–16 rows: the one-panel fp32
// tile over packed X (Linear.Avx512.SixteenRows.cs).
internal struct Rows16 : ITileShape { public static int Rows => 16; public static int Phases => 1; }
internal struct Rows15 : ITileShape { public static int Rows => 15; public static int Phases => 1; }
internal struct Rows14 : ITileShape { public static int Rows => 14; public static int Phases => 1; }
internal struct Rows13 : ITileShape { public static int Rows => 13; public static int Phases => 1; }
internal struct Rows12 : ITileShape { public static int Rows => 12; public static int Phases => 1; }
internal struct Rows11 : ITileShape { public static int Rows => 11; public static int Phases => 1; }
internal struct Rows10 : ITileShape { public static int Rows => 10; public static int Phases => 1; }
internal struct Rows9 : ITileShape { public static int Rows => 9; public static int Phases => 1; }
internal struct Rows8 : ITileShape { public static int Rows => 8; public static int Phases => 1; }
internal struct Rows7 : ITileShape { public static int Rows => 7; public static int Phases => 1; }
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
