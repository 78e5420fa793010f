using FoldBench.Regression.Comparison;
using FoldBench.Regression.Loading;
using FoldBench.Results;

namespace FoldBench.Regression.Tests;

public class LoadingTests
{
    [Fact]
    public void A_real_report_from_another_project_parses_with_raw_samples()
    {
        var set = ResultsLoader.Load(Fixture.Path("MyLib.Benchmarks.Sorting-report-full.json"));
        Assert.Equal("benchmarkdotnet", set.Kind);
        Assert.Equal(["MyLib.Benchmarks.Sorting.QuickSort(N: 100)", "MyLib.Benchmarks.Sorting.QuickSort(N: 1000)"], set.Cases.Select(c => c.FullName));
        var big = set.Find("MyLib.Benchmarks.Sorting.QuickSort(N: 1000)")!;
        // 8 actual workload iterations (outliers kept), overhead subtracted: close to BenchmarkDotNet's own median.
        Assert.Equal(8, big.SamplesNs.Count);
        Assert.InRange(Statistics.SampleStats.Median(big.SamplesNs) / 15660.69, 0.95, 1.05);
    }

    [Fact]
    public void Reports_of_another_project_compare_and_catch_the_slowed_case()
    {
        var b = ResultsLoader.Load(Fixture.Path("MyLib.Benchmarks.Sorting-report-full.json"));
        var c = ResultsLoader.Load(Fixture.Path("mylib-current"));
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        Assert.Equal(Verdict.Same, r.Cases.Single(x => x.FullName.EndsWith("(N: 100)")).Verdict);
        var slow = r.Cases.Single(x => x.FullName.EndsWith("(N: 1000)"));
        Assert.Equal(Verdict.Slower, slow.Verdict);
        Assert.InRange(slow.Ratio, 1.59, 1.61);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void A_small_change_inside_heavy_real_noise_is_noisy_not_a_false_alarm()
    {
        // The recorded QuickSort(N: 1000) iterations range from 13.5 to 25.6 µs (a busy 2-core VM).
        var b = ResultsLoader.Load(Fixture.Path("MyLib.Benchmarks.Sorting-report-full.json"));
        var c = new ResultSet("scaled", "benchmarkdotnet", b.Cases.Select(x => new BenchmarkCase
        {
            FullName = x.FullName, DisplayName = x.DisplayName, SamplesNs = x.SamplesNs.Select(v => v * 1.12).ToList(),
        }));
        var r = Comparer.Compare(b, c, new ComparisonOptions());
        var big = r.Cases.Single(x => x.FullName.EndsWith("(N: 1000)"));
        Assert.Equal(Verdict.Noisy, big.Verdict);
        Assert.InRange(big.Ratio, 1.11, 1.13);
    }

    [Fact]
    public void A_legacy_report_without_full_names_or_measurements_still_loads()
    {
        var set = ResultsLoader.Load(Fixture.Path("acme-legacy-report-full.json"));
        var parse = set.Find("Acme.Parsing.Benchmarks.JsonParse.Parse(Size: 4096, Mode: Fast)")!;
        Assert.Equal(8, parse.SamplesNs.Count);
        var small = set.Find("Acme.Parsing.Benchmarks.JsonParse.Parse(Size: 64, Mode: Strict)")!;
        Assert.Empty(small.SamplesNs);
        Assert.Equal(48.25, small.RecordedMedianNs);
        Assert.Equal([48.25], small.TimingValues);

        var r = Comparer.Compare(set, set, new ComparisonOptions());
        Assert.Equal(CompareMethod.MannWhitney, r.Cases[0].Method);
        Assert.Equal(CompareMethod.MediansOnly, r.Cases[1].Method);
        Assert.All(r.Cases, c => Assert.Equal(Verdict.Same, c.Verdict));
    }

    [Fact]
    public void A_foldbench_results_folder_loads_its_summary_and_the_calibration_reports_beside_it()
    {
        var set = ResultsLoader.Load(Fixture.Path("foldbench-run"));
        Assert.Equal("foldbench", set.Kind);
        var m16 = set.Cases.Single(c => c.DisplayName == "avx2 M=16 K=N=512 cache");
        Assert.Equal("FoldBench.Benchmarks.Suites.KernelBenchmarks.Project(Path: \"avx2\", M: 16, KN: 512, Regime: \"cache\")", m16.FullName);
        Assert.True(m16.SamplesNs.Count >= 5);
        Assert.True(m16.CorrectnessOk);
        var fma = set.Cases.Single(c => c.DisplayName == "CalibrationBenchmarks.FmaPeak");
        Assert.True(fma.SamplesNs.Count >= 5);

        // The summary file alone finds the same reports (they sit in its folder).
        var viaFile = ResultsLoader.Load(Fixture.Path("foldbench-run", "summary.json"));
        Assert.Equal(set.Cases.Select(c => c.FullName), viaFile.Cases.Select(c => c.FullName));

        var r = Comparer.Compare(set, viaFile, new ComparisonOptions { NormalizeTo = "FmaPeak" });
        Assert.Equal(0, r.ExitCode);
        Assert.All(r.Cases.Where(c => !c.IsReference), c => Assert.Equal(Verdict.Same, c.Verdict));
    }

    [Fact]
    public void A_foldbench_summary_with_only_a_median_borrows_samples_from_its_report()
    {
        using var tmp = new Fixture.TempDir();
        var summary = SummaryStore.Read(Fixture.Path("foldbench-run"));
        foreach (var c in summary.Cases) c.SamplesNs = null;
        SummaryStore.Write(tmp.File("summary.json"), summary);
        Directory.CreateDirectory(tmp.File("bdn"));
        foreach (var f in Directory.GetFiles(Fixture.Path("foldbench-run", "bdn")))
            File.Copy(f, Path.Combine(tmp.File("bdn"), Path.GetFileName(f)));
        var set = ResultsLoader.Load(tmp.FullName);
        Assert.All(set.Cases, c => Assert.True(c.SamplesNs.Count >= 5, c.FullName));
    }

    [Fact]
    public void Duplicate_full_names_from_several_jobs_are_kept_apart()
    {
        var a = new BenchmarkCase { FullName = "X.Y.Z", DisplayName = "X.Y.Z", SamplesNs = [1] };
        var b = new BenchmarkCase { FullName = "X.Y.Z", DisplayName = "X.Y.Z", SamplesNs = [2] };
        var set = new ResultSet("s", "benchmarkdotnet", [a, b]);
        Assert.Equal(["X.Y.Z", "X.Y.Z #2"], set.Cases.Select(c => c.FullName));
        Assert.Equal([2.0], set.Find("X.Y.Z #2")!.SamplesNs);
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_a_clear_message()
    {
        using var tmp = new Fixture.TempDir();
        Assert.Throws<FileNotFoundException>(() => ResultsLoader.Load(tmp.File("missing")));
        Assert.Contains("not a results folder", Assert.Throws<ResultsFormatException>(() => ResultsLoader.Load(tmp.FullName)).Message);

        File.WriteAllText(tmp.File("foreign.json"), "{\"hello\": 1}");
        Assert.Contains("neither a FoldBench summary.json nor a BenchmarkDotNet", Assert.Throws<ResultsFormatException>(() => ResultsLoader.Load(tmp.File("foreign.json"))).Message);

        File.WriteAllText(tmp.File("cut-report-full.json"), File.ReadAllText(Fixture.Path("MyLib.Benchmarks.Sorting-report-full.json"))[..500]);
        Assert.Contains("not valid JSON", Assert.Throws<ResultsFormatException>(() => ResultsLoader.Load(tmp.File("cut-report-full.json"))).Message);

        File.WriteAllText(tmp.File("bad-report-full.json"), "{\"Benchmarks\": [{\"Method\": \"M\"}]}");
        Assert.Contains("no \"FullName\"", Assert.Throws<ResultsFormatException>(() => ResultsLoader.Load(tmp.File("bad-report-full.json"))).Message);

        File.WriteAllText(tmp.File("nomeasure-report-full.json"), "{\"Benchmarks\": [{\"FullName\": \"A.B\", \"Measurements\": [{\"IterationMode\": \"Workload\"}]}]}");
        Assert.Contains("lacks Nanoseconds", Assert.Throws<ResultsFormatException>(() => ResultsLoader.Load(tmp.File("nomeasure-report-full.json"))).Message);
    }
}
