#!/usr/bin/env bash
# The sequence that recorded tests/FoldBench.Regression.Tests/Corpus.
# Labels: q quiet, l load (a busy loop per core), o one CPU; sP a run with P% extra work in Fnv1a and
# JoinCsv (sPl under load). Every slowed run has an unchanged run of its condition right before it (a
# pull request's base and head measured back to back, as CI does).
#
# Phase sh- ("shared"): the 2-core machine as it was, shared with other builds (load average 9-19, see
#   runs.tsv): what a badly oversubscribed CI runner measures.
# Phase c<block>-: each run in its own cpu cgroup (GATE_CORPUS_SHARES=262144), so that the benchmark
#   has the machine as on a dedicated runner and `load` is the busy loops only (about 60 minutes);
#   then t1-t3, the late tier-up runs (one minute).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${GATE_CORPUS_OUT:-$here/../../tests/FoldBench.Regression.Tests/Corpus}
record() { [ -f "$out/$1.json" ] || "$here/record.sh" "$@"; }   # resumable

# Phase m<block>- and msh- (record-all.sh --launches): every case in three processes (LaunchCount 3,
#   BenchmarkDotNet's out-of-process toolchain) with 100 ms iterations, blocks 1-3 in the cgroup, then
#   msh- without it (about 50 minutes).
if [ "${1:-}" = --launches ]; then
  export GATE_CORPUS_LAUNCHES=3 GATE_CORPUS_BDN_ARGS="--iterationTime 100"
  for b in 1 2 3; do
    for r in "q1 quiet" "s20 quiet 20" "q2 quiet" "s10 quiet 10" "q3 quiet" "s5 quiet 5" "l1 load" "s20l load 20" "l2 load" "o1 onecpu" "o2 onecpu"; do
      set -- $r; label=m$b-$1; shift; GATE_CORPUS_SHARES=262144 record "$label" "$@"
    done
  done
  for r in "q1 quiet" "s20 quiet 20" "q2 quiet" "s10 quiet 10" "q3 quiet" "l1 load"; do
    set -- $r; label=msh-$1; shift; record "$label" "$@"
  done
  exit 0
fi
if [ "${1:-}" = --shared ]; then
  for r in "q1 quiet" "l1 load" "s20-1 quiet 20" "o1 onecpu" "q2 quiet" "s10-1 quiet 10" "l2 load" \
           "b1-q1 quiet" "b1-s20 quiet 20" "b1-q2 quiet" "b1-s10 quiet 10" "b1-q3 quiet" "b1-s5 quiet 5" "b1-l1 load"; do
    set -- $r; label=sh-$1; shift; record "$label" "$@"
  done
  exit 0
fi
export GATE_CORPUS_SHARES=${GATE_CORPUS_SHARES:-262144}
for b in 1 2 3; do
  # Block 1's loaded runs had the busy loops at nice -11 (`heavy`: the benchmark got about a tenth of a
  # core); blocks 2 and 3 at default priority (`load`).
  if [ $b = 1 ]; then loaded=("h1 heavy" "s20h heavy 20" "h2 heavy"); else loaded=("l1 load" "s20l load 20" "l2 load"); fi
  for r in "q1 quiet" "s20 quiet 20" "q2 quiet" "s10 quiet 10" "q3 quiet" "s5 quiet 5" "${loaded[@]}" "o1 onecpu" "o2 onecpu"; do
    set -- $r; label=c$b-$1; shift; record "$label" "$@"
  done
done
# Late tier-up: one CPU (the runtime's call-counting delay grows tenfold) with one warm-up iteration of
# 100 ms, so that BenchmarkDotNet starts measuring before the JIT has promoted every method.
for i in 1 2 3; do GATE_CORPUS_BDN_ARGS="--warmupCount 1 --iterationTime 100" record "t$i" onecpu; done
