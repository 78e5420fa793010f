"""Keeps what `foldbench compare` reads of a BenchmarkDotNet full JSON report, and the warm-up as evidence.

    trim.py REPORT-full.json OUT.json

Kept: HostEnvironmentInfo; per benchmark its names, DisplayInfo (the job), HardwareIntrinsics, and the
Workload Warmup/Actual and Overhead Actual measurements (IterationMode, IterationStage, LaunchIndex, IterationIndex,
Operations, Nanoseconds). Dropped: statistics, metrics, pilot and jitting stages. Written compactly.
"""
import json
import sys

src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    report = json.load(f)
keep_stages = {("Workload", "Warmup"), ("Workload", "Actual"), ("Overhead", "Actual")}
benchmarks = []
for b in report["Benchmarks"]:
    kept = {k: b[k] for k in ("DisplayInfo", "Namespace", "Type", "Method", "MethodTitle", "Parameters", "FullName", "HardwareIntrinsics") if k in b}
    kept["Measurements"] = [
        {k: m[k] for k in ("IterationMode", "IterationStage", "LaunchIndex", "IterationIndex", "Operations", "Nanoseconds") if k in m}
        for m in b.get("Measurements", [])
        if (m.get("IterationMode"), m.get("IterationStage")) in keep_stages
    ]
    benchmarks.append(kept)
out = {"Title": report.get("Title"), "HostEnvironmentInfo": report.get("HostEnvironmentInfo"), "Benchmarks": benchmarks}
with open(dst, "w", encoding="utf-8") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
