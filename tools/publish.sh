#!/usr/bin/env bash
# Builds foldbench as one self-contained file per runtime identifier: artifacts/foldbench-<rid>/foldbench[.exe]
# needs no .NET SDK or runtime, no internet and no installed font on the device (the chart font is
# embedded, see src/FoldBench.Reporting/Fonts), and carries its native libraries inside; they are
# unpacked on first start to a cache folder ($DOTNET_BUNDLE_EXTRACT_BASE_DIR, default ~/.net or %TEMP%\.net).
#
# Usage: tools/publish.sh [RID...]      (default: linux-x64 linux-arm64 osx-arm64 osx-x64 win-x64 win-arm64)
#   FOLDBENCH_PUBLISH_CONFIG   build configuration (default: Release)
#   FOLDBENCH_ARTIFACTS        output folder (default: artifacts)
#
# After each build the bundle's manifest is read (tools/bundle-contents.py) to check that SkiaSharp's and
# HarfBuzzSharp's native libraries for that RID are inside; a build without them fails. Not trimmed:
# BenchmarkDotNet builds and runs benchmarks by reflection (and emits IL in process), which trimming breaks.
# Ends with one line per RID: "publish: <rid> <size> MiB <path>", or the reason it failed; exits 1 on any failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
config=${FOLDBENCH_PUBLISH_CONFIG:-Release}
artifacts=${FOLDBENCH_ARTIFACTS:-artifacts}
all_rids="linux-x64 linux-arm64 osx-arm64 osx-x64 win-x64 win-arm64"
rids=("$@")
[ ${#rids[@]} -gt 0 ] || read -r -a rids <<<"$all_rids"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { echo "publish: $*"; }

# The native libraries the charts need, by file name on each OS.
natives_for() {
  case "$1" in
    linux-*) echo "libSkiaSharp.so libHarfBuzzSharp.so" ;;
    osx-*) echo "libSkiaSharp.dylib libHarfBuzzSharp.dylib" ;;
    win-*) echo "libSkiaSharp.dll libHarfBuzzSharp.dll" ;;
    *) return 1 ;;
  esac
}

for rid in "${rids[@]}"; do
  if ! natives_for "$rid" >/dev/null || ! [[ " $all_rids " == *" $rid "* ]]; then
    echo "publish: unknown runtime identifier '$rid' (one of: $all_rids)" >&2
    exit 2
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
summary=()
for rid in "${rids[@]}"; do
  exe=foldbench
  [[ $rid == win-* ]] && exe=foldbench.exe
  stage="$work/$rid"
  start=$(date +%s)
  say "$rid: dotnet publish"
  if ! dotnet publish src/FoldBench.Cli -c "$config" -r "$rid" --self-contained \
      -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
      -p:DebugType=none -p:GenerateDocumentationFile=false \
      -o "$stage" -nologo -v:q >"$work/$rid.log" 2>&1; then
    tail -n 30 "$work/$rid.log"
    summary+=("publish: $rid FAILED: dotnet publish (log above)")
    status=1
    continue
  fi
  if [ ! -f "$stage/$exe" ]; then
    summary+=("publish: $rid FAILED: no $exe in the publish output")
    status=1
    continue
  fi
  contents=$(python3 tools/bundle-contents.py "$stage/$exe") || { summary+=("publish: $rid FAILED: $exe is not a single-file bundle"); status=1; continue; }
  missing=()
  for lib in $(natives_for "$rid"); do
    grep -qE "^native [0-9]+ $lib\$" <<<"$contents" || missing+=("$lib")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    summary+=("publish: $rid FAILED: the bundle lacks ${missing[*]} (charts could not be drawn)")
    status=1
    continue
  fi
  if [[ $rid == osx-* ]] && ! python3 tools/bundle-contents.py --macho-signed "$stage/$exe" >/dev/null; then
    summary+=("publish: $rid FAILED: $exe has no code signature (macOS on Apple Silicon would refuse to start it)")
    status=1
    continue
  fi
  # Everything else publish leaves beside the bundle (BenchmarkDotNet's Windows ETW helpers under amd64/, arm64/,
  # x86/) serves diagnosers FoldBench does not use; the folder gets the one file and the font's licence.
  out="$artifacts/foldbench-$rid"
  rm -rf "$out"
  mkdir -p "$out"
  cp "$stage/$exe" "$out/$exe"
  cp src/FoldBench.Reporting/Fonts/LICENSE-DejaVu.txt "$out/"
  left=$(cd "$stage" && find . -type f ! -name "$exe" | sed 's|^\./||' | sort | tr '\n' ' ')
  natives=$(grep -E '^native ' <<<"$contents" | awk '{print $3}' | tr '\n' ' ')
  size=$(du -m "$out/$exe" | cut -f1)
  say "$rid: $out/$exe, $size MiB in $(( $(date +%s) - start )) s; native libraries inside: ${natives% }"
  [ -z "$left" ] || say "$rid: left out (unused here): ${left% }"
  summary+=("publish: $rid $size MiB $out/$exe")
done

printf '%s\n' "${summary[@]}"
exit $status
