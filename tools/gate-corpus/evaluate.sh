#!/usr/bin/env bash
# Runs `foldbench compare` over every pair of the corpus and counts false alarms and detections.
#
#   tools/gate-corpus/evaluate.sh [FOLDBENCH_DLL] [COMPARE OPTIONS...]
#
# FOLDBENCH_DLL defaults to this checkout's Release build; give another build's foldbench.dll to measure
# its logic on the same corpus (the "before" figures came from the main branch built into /tmp).
# Pairs are listed in the corpus's pairs.tsv: kind, BASE label, CURRENT label. Kinds starting with
# "unchanged" are unchanged code (a failure is a false alarm); "slowP" pairs have P% extra work in
# Fnv1a and JoinCsv (a failure is a detection; "slowed cases" counts those two cases judged slower).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dll=${1:-$root/src/FoldBench.Cli/bin/Release/net10.0/foldbench.dll}
shift || true
corpus=${GATE_CORPUS_OUT:-$root/tests/FoldBench.Regression.Tests/Corpus}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
while IFS=$'\t' read -r kind base current; do
  [ -z "$kind" ] || [ "${kind:0:1}" = "#" ] && continue
  set +e
  dotnet "$dll" compare "$corpus/$base.json" "$corpus/$current.json" --json "$@" > "$out/$base--$current.json" 2> "$out/err"
  code=$?
  set -e
  printf '%s\t%s\t%s\t%s\n' "$kind" "$base" "$current" "$code" >> "$out/codes.tsv"
done < "$corpus/pairs.tsv"
python3 - "$out" <<'PY'
import collections, json, os, sys
out = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "codes.tsv"))]
slowed = ("Fnv1a", "JoinCsv")
tally = collections.OrderedDict()
print("kind\tbase\tcurrent\texit\tverdicts")
for kind, base, current, code in rows:
    try:
        doc = json.load(open(os.path.join(out, f"{base}--{current}.json")))
        cases = doc["cases"]
    except Exception:
        cases = []
    verdicts = collections.Counter(c["verdict"] for c in cases)
    caught = sum(1 for c in cases if c["verdict"] == "slower" and c["fullName"].split(".")[-1] in slowed)
    wrong = sum(1 for c in cases if c["verdict"] == "slower" and c["fullName"].split(".")[-1] not in slowed)
    print(f"{kind}\t{base}\t{current}\t{code}\t" + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())))
    t = tally.setdefault(kind, {"pairs": 0, "exit1": 0, "exit0": 0, "other": 0, "caught": 0, "wrong": 0, "cases": 0, "unstable": 0, "drift": 0})
    t["pairs"] += 1
    t["exit1" if code == "1" else "exit0" if code == "0" else "other"] += 1
    t["caught"] += caught
    t["wrong"] += wrong
    t["cases"] += len(cases)
    t["unstable"] += verdicts.get("unstable", 0)
    t["drift"] += 1 if doc.get("machineDrift") else 0
print()
print("kind\tpairs\tfailed (exit 1)\tslowed cases judged slower\tother cases judged slower\tunstable cases\tdrift suspected")
for kind, t in tally.items():
    slow = kind.startswith("slow")
    print(f"{kind}\t{t['pairs']}\t{t['exit1']}\t{(str(t['caught']) + ' of ' + str(2 * t['pairs'])) if slow else '-'}\t{t['wrong']}\t{t['unstable']}\t{t['drift']}")
PY
