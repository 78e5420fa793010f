#!/usr/bin/env bash
# Runs FoldBench's test projects as self-contained linux-arm64 builds under qemu-user, so the NEON
# kernels run for real on an x64 machine. Sets up qemu-user + binfmt and the
# arm64 C libraries first when they are not already working (needs root or sudo for that part).
#
# Usage: tools/test-arm64.sh
#   FOLDBENCH_ARM64_PROJECTS  test project folders (default: the kernel and model tests; a folder
#                             that does not exist is skipped)
#   FOLDBENCH_ARM64_CONFIG    build configuration (default: Release)
#
# Prints each project's totals and ends with exactly one line
#   arm64: N passed, N failed, N skipped
# (a project that does not build or whose run ends without a summary counts as one failure).
# Exits non-zero on any failure, or when the kernel tests ran no NEON test or skipped one.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
projects=${FOLDBENCH_ARM64_PROJECTS:-"tests/FoldBench.Kernels.Tests tests/FoldBench.Model.Tests"}
config=${FOLDBENCH_ARM64_CONFIG:-Release}
# Projects whose run must show NEON tests that passed and none skipped.
neon_projects="FoldBench.Kernels.Tests"

say() { echo "test-arm64: $*"; }

# qemu-user, binfmt_misc and the arm64 C libraries: installed and registered when missing.
# shellcheck source=tools/arm64-emulation.sh
source "$root/tools/arm64-emulation.sh"

if [ "$(uname -m)" != "aarch64" ]; then
  setup_emulation
fi

# .NET maps JIT code through a second, writable view (W^X); qemu-user does not keep the two views
# coherent, which shows up as random NullReferenceExceptions and aborts. Turn it off for the run.
export DOTNET_EnableWriteXorExecute=0
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total_passed=0 total_failed=0 total_skipped=0 status=0

for proj in $projects; do
  name=$(basename "$proj")
  if [ ! -d "$proj" ]; then
    say "$name: not present, skipped"
    continue
  fi
  start=$(date +%s)
  if ! dotnet build "$proj" -c "$config" -r linux-arm64 -p:SelfContained=true -nologo -v:q >"$work/$name.build.log" 2>&1; then
    cat "$work/$name.build.log"
    say "$name: build for linux-arm64 failed"
    total_failed=$((total_failed + 1)); status=1
    continue
  fi
  exe="$proj/bin/$config/net10.0/linux-arm64/$name"
  set +e
  "$exe" --no-progress --no-ansi --output Detailed --timeout 20m --results-directory "$work/$name" >"$work/$name.log" 2>&1
  rc=$?
  set -e
  log="$work/$name.log"
  # Microsoft Testing Platform's closing summary: "  succeeded: N" etc.
  summary_value() { grep -E "^\s+$1: [0-9]+" "$log" | tail -n 1 | awk '{print $2}' || true; }
  passed=$(summary_value succeeded); failed=$(summary_value failed); skipped=$(summary_value skipped)
  if [ -z "$passed" ] || [ -z "$failed" ] || [ -z "$skipped" ]; then
    tail -n 60 "$log"
    say "$name: the run ended without a test summary (exit $rc)"
    total_failed=$((total_failed + 1)); status=1
    continue
  fi
  # Show what failed, with its message.
  if [ "$failed" -gt 0 ] || [ "$rc" -ne 0 ]; then
    grep -E -A 12 "^failed " "$log" | grep -vE '^\s+at ' || true
    status=1
  fi
  line="$name: $passed passed, $failed failed, $skipped skipped in $(( $(date +%s) - start )) s"
  case " $neon_projects " in
    *" $name "*)
      neon_passed=$(grep -cE '^passed .*path: Neon' "$log" || true)
      neon_skipped=$(grep -cE '^skipped .*path: Neon' "$log" || true)
      line="$line (neon tests: $neon_passed passed, $neon_skipped skipped)"
      if [ "$neon_passed" -eq 0 ] || [ "$neon_skipped" -gt 0 ]; then
        say "$name: the NEON path was not exercised ($neon_passed passed, $neon_skipped skipped)"
        grep -E -A 1 '^skipped .*path: Neon' "$log" | head -n 4 || true
        status=1
      fi
      ;;
  esac
  say "$line"
  total_passed=$((total_passed + passed)); total_failed=$((total_failed + failed)); total_skipped=$((total_skipped + skipped))
  [ "$rc" -eq 0 ] || status=1
done

echo "arm64: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit $status
