#!/usr/bin/env bash
# Records one run of the gate corpus app (a plain BenchmarkDotNet app) and keeps a trimmed copy of its
# full JSON report for tests/FoldBench.Regression.Tests/Corpus.
#
#   tools/gate-corpus/record.sh LABEL CONDITION [SLOWDOWN_PERCENT]
#
# CONDITION: quiet    nothing added to whatever else the machine runs;
#            load     one busy loop per core (`yes > /dev/null`, default priority) for the whole run;
#            heavy    the same loops at nice -11: the benchmark's thread (default priority) then gets
#                     about a tenth of a core;
#            onecpu   the process pinned to CPU 0 (taskset -c 0), as in a one-CPU container: the
#                     runtime then waits 10x longer (TC_DelaySingleProcMultiplier) before counting
#                     calls for tier-up, which BenchmarkDotNet's jitting stage does not wait for.
# SLOWDOWN_PERCENT sets GATE_CORPUS_SLOWDOWN_PERCENT (extra work in Fnv1a and JoinCsv only).
# GATE_CORPUS_BDN_ARGS adds BenchmarkDotNet command-line options (e.g. "--warmupCount 1 --iterationTime 100").
# GATE_CORPUS_SHARES=N (root, cgroup v1 cpu controller) runs the recording in its own cpu cgroup with
# N shares against the 1024 of every other process: the benchmark then has the machine nearly to itself
# however busy the rest of the machine is (other builds), as on a dedicated CI runner, and `load` is
# the only load that competes with it.
# Appends a line to runs.tsv in the corpus folder: label, condition, slowdown, load average before
# and after, UTC start, seconds, cpu shares ("-" without a cgroup).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
label=$1 condition=$2 slowdown=${3:-0}
corpus=${GATE_CORPUS_OUT:-$root/tests/FoldBench.Regression.Tests/Corpus}
raw=${GATE_CORPUS_RAW:-${TMPDIR:-/tmp}/gate-corpus-raw}/$label
app=$root/tools/gate-corpus/bin/Release/net10.0/GateCorpus.dll
[ -f "$app" ] || dotnet build "$root/tools/gate-corpus" -c Release -v quiet -nologo >/dev/null
mkdir -p "$corpus" "$raw"
shares=${GATE_CORPUS_SHARES:--}
if [ "$shares" != - ]; then
  cg=/sys/fs/cgroup/cpu/gate-corpus
  mkdir -p "$cg" && echo "$shares" > "$cg/cpu.shares" && echo $$ > "$cg/cgroup.procs" ||
    { echo "record.sh: cannot use a cpu cgroup at $cg (root and cgroup v1 needed)" >&2; exit 2; }
fi
load_pids=()
stop_load() { for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_load EXIT
prefix=()
case "$condition" in
  quiet) ;;
  load) for _ in $(seq "$(nproc)"); do yes > /dev/null & load_pids+=($!); done ;;
  heavy) for _ in $(seq "$(nproc)"); do nice -n -11 yes > /dev/null & load_pids+=($!); done ;;
  onecpu) prefix=(taskset -c 0) ;;
  *) echo "record.sh: unknown condition '$condition' (quiet, load, heavy, onecpu)" >&2; exit 2 ;;
esac
before=$(cut -d' ' -f1 /proc/loadavg) start=$(date -u +%FT%TZ) t0=$SECONDS
env GATE_CORPUS_SLOWDOWN_PERCENT="$slowdown" "${prefix[@]}" dotnet "$app" --filter '*' --artifacts "$raw" ${GATE_CORPUS_BDN_ARGS:-} > "$raw/console.log" 2>&1
after=$(cut -d' ' -f1 /proc/loadavg)
stop_load
python3 "$root/tools/gate-corpus/trim.py" "$raw"/results/*-report-full.json "$corpus/$label.json"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$condition" "$slowdown" "$before" "$after" "$start" "$((SECONDS - t0))" "$shares" >> "$corpus/runs.tsv"
echo "$label: $condition, slowdown $slowdown%, load $before -> $after, $((SECONDS - t0)) s, shares $shares"
