#!/usr/bin/env bash
# Runs the whole test suite (`dotnet test` at the repository root, as the README says) R times while one busy
# loop per core keeps every CPU saturated, to catch tests that depend on timing or scheduling.
#   tools/test-under-load.sh [ROUNDS]        (or ROUNDS=N; default 5)
#   TEST_CMD="dotnet test --project tests/FoldBench.Cli.Tests" tools/test-under-load.sh 3   # one project
# Prints "test-under-load: P of R rounds passed" last; exits 1 if any round failed, 2 on bad input.
set -u
rounds="${1:-${ROUNDS:-5}}"
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
    echo "test-under-load: rounds must be a positive integer, got '$rounds'" >&2
    exit 2
fi
cd "$(dirname "$0")/.."
cmd="${TEST_CMD:-dotnet test}"
cores="$(nproc 2>/dev/null || echo 2)"

hogs=()
stop_hogs() {
    for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done
    wait "${hogs[@]}" 2>/dev/null
    hogs=()
}
trap stop_hogs EXIT
trap 'stop_hogs; exit 130' INT TERM

# Build once before the hogs start, so each round measures the tests, not the compiler.
if [ -z "${TEST_CMD:-}" ]; then dotnet build >/dev/null || { echo "test-under-load: build failed" >&2; exit 1; }; fi

if command -v stress-ng >/dev/null 2>&1; then
    stress-ng --cpu "$cores" --quiet & hogs+=("$!")
else
    for _ in $(seq "$cores"); do (while :; do :; done) & hogs+=("$!"); done
fi
echo "test-under-load: $cores busy loops, $rounds rounds of: $cmd" >&2

passed=0
for r in $(seq "$rounds"); do
    log="$(mktemp -t test-under-load.XXXXXX)"
    if $cmd >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "round $r: passed" >&2
    else
        echo "round $r: FAILED (log kept in $log):" >&2
        grep -E "^\s*failed |error|Assert" "$log" | head -20 >&2
        continue
    fi
    rm -f "$log"
done
stop_hogs
echo "test-under-load: $passed of $rounds rounds passed"
[ "$passed" -eq "$rounds" ]
