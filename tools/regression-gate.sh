#!/usr/bin/env bash
# FoldBench's kernel regression gate (called by .ci/run; usable in any CI, see
# tools/github-actions-example.yml and src/FoldBench.Regression/README.md).
#
#   1. builds the CLI and kernels in Release;
#   2. deterministic: counts instructions per kernel call under valgrind's callgrind
#      (foldbench run --instructions) and compares with the committed results/baseline/instructions
#      at 1% (valgrind presents one virtual CPU everywhere, so these counts travel between machines);
#   3. timed, A/B on this machine: builds the base commit (FOLDBENCH_GATE_BASE, else the pull
#      request's merge base, else the commit recorded in results/baseline/commit) in a temporary
#      folder, then times base and current kernels by thread CPU time (foldbench kernel-probe
#      --timed) in 3 alternating processes per side, each case keeping its best, and compares the
#      pair with a 15% threshold; a slower verdict is re-measured once in the opposite order and
#      fails only if it repeats. Timings are never judged against another machine: the committed
#      results/baseline/timed is compared for information only (compare itself refuses to judge a
#      baseline from another CPU);
#   4. ends with exactly one line "regression: N passed, N failed[, N skipped]" (N counts gate checks)
#      and exits non-zero when any check failed.
#
# Usage: tools/regression-gate.sh [--update]
#   --update     measure and write a new baseline into results/baseline/ (instruction counts, an
#                informational timed run, and the commit it was measured at) instead of comparing;
#                then commit results/baseline/
# Environment:
#   FOLDBENCH_BASELINE           baseline folder (default: results/baseline)
#   FOLDBENCH_GATE_BASE          git revision the timed A/B check builds as its base
#   FOLDBENCH_GATE_MARKDOWN      also write the comparisons as markdown to this file (PR comment)
#   FOLDBENCH_GATE_PATHS, FOLDBENCH_GATE_M, FOLDBENCH_GATE_KN
#                                kernel cases (default: best,scalar / 1,16 / 512); the instruction
#                                baseline must hold the same cases
#   FOLDBENCH_GATE_TIMED_PATHS   kernel paths of the timed A/B cases (default on x86-64: best,avx2,scalar,
#                                so avx2 stays compared when `best` moves to a wider path the base lacks;
#                                elsewhere best,scalar)
#   FOLDBENCH_GATE_TIMED_KN      K = N of the timed A/B cases (default: 256: 256 KiB of weights stay in
#                                L2 on every CPU seen here; 1 MiB sits at the edge of a Zen 5's L2 and
#                                moves with the other core's traffic)
#   FOLDBENCH_TEST_SLOWDOWN_PERCENT=P  makes the current side's kernel cases do P% extra kernel work (never the
#                                A/B base's): a self-test that the gate fails
#   FOLDBENCH_GATE_FAIL_ON_UNSTABLE=1  strict: the timed A/B check also fails when compare finds no slowdown but
#                                a case whose iterations stepped or drifted (compare's exit 3, --fail-on-unstable),
#                                after the same one re-measurement in the opposite order; by default such a
#                                case is reported and does not fail the gate
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

update=0
for arg in "$@"; do
  case "$arg" in
    --update) update=1 ;;
    -h|--help) sed -n '2,42p' "$0"; exit 0 ;;
    *) echo "regression-gate: unknown option '$arg' (expected --update)"; echo "regression: 0 passed, 1 failed"; exit 2 ;;
  esac
done

baseline=${FOLDBENCH_BASELINE:-results/baseline}
paths=${FOLDBENCH_GATE_PATHS:-best,scalar}
ms=${FOLDBENCH_GATE_M:-1,16}
kn=${FOLDBENCH_GATE_KN:-512}
timed_kn=${FOLDBENCH_GATE_TIMED_KN:-256}
if [ "$(uname -m)" = x86_64 ]; then timed_paths=${FOLDBENCH_GATE_TIMED_PATHS:-best,avx2,scalar}
else timed_paths=${FOLDBENCH_GATE_TIMED_PATHS:-best,scalar}; fi
work=$(mktemp -d "${TMPDIR:-/tmp}/foldbench-gate.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0 failed=0 skipped=0
say() { echo "regression: $*"; }
# check NAME COMMAND...: runs the command, counts it, shows its output.
check() {
  local name=$1; shift
  local t0=$SECONDS
  if "$@"; then passed=$((passed + 1)); say "PASS $name ($((SECONDS - t0)) s)"
  else failed=$((failed + 1)); say "FAIL $name ($((SECONDS - t0)) s)"; fi
}
# skip NAME REASON: a check that could not run here, said plainly and counted apart.
skip() { skipped=$((skipped + 1)); say "SKIP $1: $2"; }
finish() {
  say "$passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
  [ "$failed" -eq 0 ]
  exit $?
}

start=$SECONDS
check "build (Release)" dotnet build -c Release src/FoldBench.Cli -v quiet -nologo
fb=(dotnet src/FoldBench.Cli/bin/Release/net10.0/foldbench.dll)
if [ ! -f "${fb[1]}" ]; then finish; fi

instr_args=(run --instructions --paths "$paths" --m "$ms" --kn "$kn")
timed_args=(kernel-probe --timed --paths "$timed_paths" --m "$ms" --kn "$timed_kn" --rounds 3)

if [ "$update" -eq 1 ]; then
  new="$work/baseline"
  check "instruction counts measured" "${fb[@]}" "${instr_args[@]}" --out "$new/instructions"
  check "timed run measured" env DOTNET_TieredCompilation=0 "${fb[@]}" "${timed_args[@]}" --out "$new/timed"
  if [ "$failed" -eq 0 ]; then
    mkdir -p "$baseline"
    rm -rf "$baseline/instructions" "$baseline/timed"
    cp -r "$new/instructions" "$new/timed" "$baseline/"
    # The timed A/B check builds this commit as its base when no merge base is given.
    git rev-parse HEAD > "$baseline/commit" 2>/dev/null || rm -f "$baseline/commit"
    git diff --quiet HEAD -- src bench 2>/dev/null ||
      say "note: src/ or bench/ has uncommitted changes; $baseline/commit names HEAD, which lacks them"
    say "baseline written to $baseline (commit it)"
  fi
  finish
fi

if [ ! -f "$baseline/instructions/summary.json" ]; then
  say "no baseline: $baseline/instructions/summary.json is missing (create one with tools/regression-gate.sh --update)"
  failed=$((failed + 1)); finish
fi

# Instruction counts move with the JIT: a different .NET runtime or valgrind makes the comparison
# about the toolchain rather than the code, so say so.
runtime_of() { grep -o '"dotnetVersion": *"[^"]*"' "$1" | head -n 1 | sed 's/.*: *"//; s/"$//'; }

# Deterministic gate.
check "instruction counts measured" "${fb[@]}" "${instr_args[@]}" --out "$work/instructions"
if [ -f "$work/instructions/summary.json" ]; then
  b=$(runtime_of "$baseline/instructions/summary.json"); c=$(runtime_of "$work/instructions/summary.json")
  [ "$b" = "$c" ] || say "note: baseline counted on '$b', this run on '$c': refresh the baseline if only the runtime changed"
  check "instructions within 1% of baseline" "${fb[@]}" compare "$baseline/instructions" "$work/instructions" --metric instructions
fi

# Timed gate: base and current measured here, in this job, in alternating processes. A baseline
# timed on another machine says nothing about a change (a memory-bound reference measured 424 µs on
# a Zen 5 and 705 µs on a Xeon while the kernels ran alike), so only an A/B pair is judged.
base_rev() {
  if [ -n "${FOLDBENCH_GATE_BASE:-}" ]; then echo "$FOLDBENCH_GATE_BASE"
  elif [ -n "${GITHUB_BASE_REF:-}" ] && git rev-parse -q --verify "origin/$GITHUB_BASE_REF" >/dev/null; then
    git merge-base HEAD "origin/$GITHUB_BASE_REF"
  elif [ -f "$baseline/commit" ]; then tr -d '[:space:]' < "$baseline/commit"
  fi
}
# Each side is 3 processes (2 rounds each) merged into one result, best per case: a short cache-bound
# case moves by up to 25% between processes here (where its buffers land, what the neighbours do), so
# one process a side cannot tell 15% from luck. The processes alternate: B C B C B C.
ab_args=(kernel-probe --timed --paths "$timed_paths" --m "$ms" --kn "$timed_kn" --rounds 2)
probe_base() { env -u FOLDBENCH_TEST_SLOWDOWN_PERCENT DOTNET_TieredCompilation=0 "${basefb[@]}" "${ab_args[@]}" --out "$1" >/dev/null; }
probe_current() { env DOTNET_TieredCompilation=0 "${fb[@]}" "${ab_args[@]}" --out "$1" >/dev/null; }
ab_measure() { # SET ORDER: 3 alternating processes per side, merged (by this build) into $work/ab/{base,current}-SET
  local i side
  for i in 1 2 3; do
    if [ "$2" = base-first ]; then probe_base "$work/ab/base-$1.$i" && probe_current "$work/ab/current-$1.$i" || return 1
    else probe_current "$work/ab/current-$1.$i" && probe_base "$work/ab/base-$1.$i" || return 1; fi
  done
  for side in base current; do
    "${fb[@]}" kernel-probe --merge-runs "$work/ab/$side-$1.1,$work/ab/$side-$1.2,$work/ab/$side-$1.3" --out "$work/ab/$side-$1" >/dev/null || return 1
  done
}
strict=()
[ "${FOLDBENCH_GATE_FAIL_ON_UNSTABLE:-0}" = 1 ] && strict=(--fail-on-unstable)
ab_compare() { "${fb[@]}" compare "$work/ab/base-$1" "$work/ab/current-$1" --threshold 15% "${strict[@]}" "${@:2}"; }
# A slower verdict (exit 1), or in strict mode an unstable one (exit 3), is measured again in the
# opposite order and fails only if it repeats: a disturbance rarely hits the same side twice in
# opposite orders; a regression always shows. Bad input (exit 2) fails at once.
timed_ab() {
  local code
  ab_measure 1 base-first || return 1
  ab_compare 1; code=$?
  case $code in
    0) return 0 ;;
    1) say "timed A/B says slower; measuring again in the opposite order to confirm" ;;
    3) say "timed A/B found an unstable or drifted case (FOLDBENCH_GATE_FAIL_ON_UNSTABLE=1); measuring again in the opposite order" ;;
    *) return "$code" ;;
  esac
  ab_measure 2 current-first || return 1
  ab_compare 2
}
build_base() {
  local rev=$1
  mkdir -p "$work/base-src" &&
  git archive "$rev" | tar -x -C "$work/base-src" &&
  dotnet build -c Release "$work/base-src/src/FoldBench.Cli" -v quiet -nologo
}
rev=$(base_rev)
if [ -z "$rev" ]; then
  skip "timed A/B" "no base commit (set FOLDBENCH_GATE_BASE, or record one with --update)"
elif ! commit=$(git rev-parse -q --verify "$rev^{commit}" 2>/dev/null); then
  skip "timed A/B" "base commit '$rev' is not in this clone (a shallow clone? fetch with full history)"
else
  say "timed A/B: base $commit ($(git log -1 --format=%s "$commit" 2>/dev/null | cut -c1-60)), current $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench 2>/dev/null || echo ' plus uncommitted changes')"
  check "base commit built (Release)" build_base "$commit"
  basefb=(dotnet "$work/base-src/src/FoldBench.Cli/bin/Release/net10.0/foldbench.dll")
  if [ -f "${basefb[1]}" ]; then
    mkdir -p "$work/ab"
    check "time within 15% of the base commit, measured here (a failure is re-measured once, in the opposite order)" timed_ab
  fi
fi

# The committed timed baseline, for information only: compare says so, and refuses to judge it,
# when it was recorded on another CPU or runtime. It never fails the gate.
if [ -f "$baseline/timed/summary.json" ] && [ -f "$work/ab/current-1/summary.json" ]; then
  say "for information, against the committed timed baseline (never judged by the gate):"
  "${fb[@]}" compare "$baseline/timed" "$work/ab/current-1" --threshold 15% || say "(information only: not counted)"
fi

if [ -n "${FOLDBENCH_GATE_MARKDOWN:-}" ]; then
  {
    [ -f "$work/instructions/summary.json" ] && "${fb[@]}" compare "$baseline/instructions" "$work/instructions" --metric instructions --markdown
    echo
    [ -f "$work/ab/current-1/summary.json" ] && ab_compare 1 --markdown
  } > "$FOLDBENCH_GATE_MARKDOWN" 2>&1
fi

say "gate took $((SECONDS - start)) s"
finish
