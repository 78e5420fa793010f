using System.Runtime.InteropServices;

namespace FoldBench.Benchmarks.Peers;

/// <summary>
/// OpenBLAS: <c>cblas_sgemm</c> (X·Wᵀ with W transposed in the call, bias copied into Y first and
/// β = 1), and <c>cblas_sgemv</c> at M = 1, one thread. On Linux from Debian's libopenblas0
/// ("libopenblas.so.0"); elsewhere, or to pick another build, <c>FOLDBENCH_OPENBLAS</c> names the file.
/// <para>
/// Core type: an environment may set <c>OPENBLAS_CORETYPE</c> (and <c>OPENBLAS_L2_SIZE</c>), which
/// OpenBLAS reads once, when it loads, and which can force slow kernels (Haswell on an AVX-512 CPU).
/// The suite lets OpenBLAS detect the CPU: both variables are removed from the C environment before
/// the load. <c>FOLDBENCH_OPENBLAS_CORETYPE=inherit</c> keeps the environment's values; any other
/// value is passed as OPENBLAS_CORETYPE. What ran is in <see cref="Notes"/> (corename, config).
/// </para>
/// </summary>
public sealed unsafe class OpenBlasPeer : IProjectionPeer
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112; // CBLAS_ORDER, CBLAS_TRANSPOSE

    /// <summary>The library, loaded once per process (OpenBLAS reads its environment only then).</summary>
    private static readonly Lazy<Library> Loaded = new(Library.Load);

    public string Name => "openblas";
    public string? Availability => Loaded.Value.Why;
    public IReadOnlyDictionary<string, string> Notes => Loaded.Value.Notes;

    public IPreparedProjection Prepare(float[] w, float[] bias, int m, int k, int n)
    {
        var lib = Loaded.Value;
        if (lib.Why is not null) throw new InvalidOperationException(lib.Why);
        return new Prepared(lib, (float[])w.Clone(), (float[])bias.Clone(), m, k, n);
    }

    private sealed class Prepared(Library lib, float[] w, float[] bias, int m, int k, int n) : IPreparedProjection
    {
        public void Run(float[] x, float[] y)
        {
            for (int i = 0; i < m; i++) bias.CopyTo(y, i * n);
            fixed (float* px = x, pw = w, py = y)
            {
                if (m == 1) lib.Sgemv(RowMajor, NoTrans, n, k, 1f, pw, k, px, 1, 1f, py, 1);
                else lib.Sgemm(RowMajor, NoTrans, Trans, m, n, k, 1f, px, k, pw, k, 1f, py, n);
            }
        }

        public void Dispose() { }
    }

    private sealed class Library
    {
        public string? Why { get; private set; }
        public Dictionary<string, string> Notes { get; } = [];
        public delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;
        public delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemv;

        public static Library Load()
        {
            string? path = Environment.GetEnvironmentVariable("FOLDBENCH_OPENBLAS");
            string file = string.IsNullOrEmpty(path) ? "libopenblas.so.0" : path;
            string? coretype = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE");
            string? l2 = Environment.GetEnvironmentVariable("OPENBLAS_L2_SIZE");
            string policy = Environment.GetEnvironmentVariable("FOLDBENCH_OPENBLAS_CORETYPE") ?? "";
            var notes = new Dictionary<string, string>
            {
                ["library"] = file,
                ["environment OPENBLAS_CORETYPE"] = coretype ?? "(unset)",
                ["environment OPENBLAS_L2_SIZE"] = l2 ?? "(unset)",
            };
            if (policy.Equals("inherit", StringComparison.OrdinalIgnoreCase))
                notes["coretype policy"] = "inherited from the environment (FOLDBENCH_OPENBLAS_CORETYPE=inherit)";
            else if (policy.Length > 0)
            {
                NativeEnvironment.Set("OPENBLAS_CORETYPE", policy);
                notes["coretype policy"] = $"forced to {policy} (FOLDBENCH_OPENBLAS_CORETYPE)";
            }
            else
            {
                NativeEnvironment.Set("OPENBLAS_CORETYPE", null);
                NativeEnvironment.Set("OPENBLAS_L2_SIZE", null);
                notes["coretype policy"] = "OpenBLAS's own detection (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed before loading; FOLDBENCH_OPENBLAS_CORETYPE=inherit keeps them)";
            }
            NativeEnvironment.Set("OPENBLAS_NUM_THREADS", "1"); // no thread pool at load; set_num_threads(1) below as well

            var lib = new Library();
            foreach (var kv in notes) lib.Notes[kv.Key] = kv.Value;
            if (!NativeLibrary.TryLoad(file, out var h))
            {
                lib.Why = string.IsNullOrEmpty(path)
                    ? $"{file} not found: apt-get install libopenblas0 (Debian/Ubuntu), or set FOLDBENCH_OPENBLAS to the library's path"
                    : $"FOLDBENCH_OPENBLAS={path} could not be loaded";
                return lib;
            }
            string[] needed = ["cblas_sgemm", "cblas_sgemv", "openblas_set_num_threads"];
            var missing = needed.Where(s => !NativeLibrary.TryGetExport(h, s, out _)).ToList();
            if (missing.Count > 0)
            {
                lib.Why = $"{file} lacks {string.Join(", ", missing)}: not an OpenBLAS build";
                return lib;
            }
            lib.Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(h, "cblas_sgemm");
            lib.Sgemv = (delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(h, "cblas_sgemv");
            ((delegate* unmanaged<int, void>)NativeLibrary.GetExport(h, "openblas_set_num_threads"))(1);
            lib.Notes["threads"] = "1";
            lib.Notes["corename"] = Text(h, "openblas_get_corename") ?? "?";
            lib.Notes["config"] = Text(h, "openblas_get_config") ?? "?";
            return lib;
        }

        private static string? Text(nint h, string export) =>
            NativeLibrary.TryGetExport(h, export, out var f) ? Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)f)()) : null;
    }
}
