#!/usr/bin/env bash
# Runs the linux-arm64 one-file build the way a device would, under qemu-user on an x64 machine:
# `foldbench run --quick --suites kernels --paths neon`, then checks the results folder. Where it can
# (root and unshare), the run has no network, no .NET SDK and no installed fonts: /usr/share/dotnet and
# /usr/share/fonts are hidden behind empty folders in a private mount namespace.
#
# Usage: tools/test-onefile-arm64.sh
#   FOLDBENCH_ONEFILE   an existing build to test (default: built now by tools/publish.sh linux-arm64)
#   FOLDBENCH_ONEFILE_ARGS  extra run arguments (default: one small kernel shape, see below)
#
# Checks: the run exits 0; summary.json is complete and every case ran the neon path and matched its
# reference; the machine is marked emulated by qemu-user, with how it was detected; report.md says so
# first; summary.csv, report.md and the charts are there. Ends with exactly one line
#   onefile-arm64: N passed, N failed
# and exits non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { echo "test-onefile-arm64: $*"; }

# shellcheck source=tools/arm64-emulation.sh
source "$root/tools/arm64-emulation.sh"
if [ "$(uname -m)" != "aarch64" ]; then
  setup_emulation
fi

exe=${FOLDBENCH_ONEFILE:-}
if [ -z "$exe" ]; then
  start=$(date +%s)
  bash tools/publish.sh linux-arm64 | sed 's/^/  /'
  exe="$root/artifacts/foldbench-linux-arm64/foldbench"
  say "published in $(( $(date +%s) - start )) s"
fi
[ -x "$exe" ] || { say "no executable at $exe"; echo "onefile-arm64: 0 passed, 1 failed"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/results"
# One kernel shape in the cache regime and no calibration keep the emulated run short: its timings mean
# nothing under qemu, and what is checked is that the build runs, the neon path runs and the run is marked.
# shellcheck disable=SC2206 # a list of arguments
extra=(${FOLDBENCH_ONEFILE_ARGS:---m 1 --kn 64 --regimes cache --no-calibration})
cmd=("$exe" run --quick --suites kernels --paths neon --machine qemu-arm64 --out "$out" "${extra[@]}")

# qemu-user does not keep .NET's two views of JIT code coherent (see tools/test-arm64.sh).
export DOTNET_EnableWriteXorExecute=0 DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract" NO_COLOR=1
isolated=no
start=$(date +%s)
set +e
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 && unshare --mount --net true 2>/dev/null; then
  isolated=yes
  # A private mount namespace: empty folders over the SDK and the fonts; no network at all.
  unshare --mount --net -- bash -c '
    for d in /usr/share/dotnet /usr/lib/dotnet /usr/share/fonts /usr/local/share/fonts; do
      [ -d "$d" ] && mount -t tmpfs tmpfs "$d"
    done
    exec env PATH=/usr/bin:/bin "$@"' bash "${cmd[@]}" >"$work/run.log" 2>&1
else
  "${cmd[@]}" >"$work/run.log" 2>&1
fi
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))
say "run took $elapsed s under qemu-user (isolated from network, SDK and fonts: $isolated)"

passed=0 failed=0
check() {
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); say "ok: $what"
  else failed=$((failed + 1)); say "FAILED: $what"
  fi
}

check "the run exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 40 "$work/run.log"
check "the results folder is complete (summary.json, summary.csv, report.md, charts)" \
  bash -c '[ -s "$1/summary.json" ] && [ -s "$1/summary.csv" ] && [ -s "$1/report.md" ] && compgen -G "$1/plots/*.png" >/dev/null' _ "$out"
summary_check() {
  python3 - "$out/summary.json" "$1" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
m, cases = s["machine"], s["cases"]
checks = {
    "complete": s["complete"] is True and len(cases) > 0,
    "neon": all(c["path"] == "neon" for c in cases) and all(c.get("correctnessOk") is True for c in cases),
    "emulated": m["emulated"] is True and (m.get("emulation") or {}).get("emulator") == "qemu-user"
                and "binfmt_misc" in (m.get("emulation") or {}).get("detectedBy", ""),
}
ok = checks[sys.argv[2]]
if not ok:
    print(json.dumps({"complete": s["complete"], "cases": [(c["name"], c["path"], c.get("correctnessOk")) for c in cases],
                      "emulated": m["emulated"], "emulation": m.get("emulation")}, indent=1), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
check "summary.json says complete, with cases" summary_check complete
check "every case ran the neon path and matched its reference" summary_check neon
check "the machine is marked emulated by qemu-user, with how it was detected" summary_check emulated
python3 -c 'import json,sys; e=(json.load(open(sys.argv[1]))["machine"].get("emulation") or {}); print("test-onefile-arm64: machine.emulation:", json.dumps(e))' \
  "$out/summary.json" 2>/dev/null || true
check "report.md says it is an emulated run before anything else" \
  bash -c 'sed -n 3p "$1/report.md" | grep -q "^> \*\*Emulated run\*\*: the arm64 process ran under qemu-user"' _ "$out"

echo "onefile-arm64: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
