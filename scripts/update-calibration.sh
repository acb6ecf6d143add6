#!/bin/sh
# Regenerates what is printed from the model: the tables between the
# "calfpump calibrate --markdown" markers of README.md and data/CALIBRATION.md, and the reference
# results of the regression test (tests/reference/protocols.csv). Run after an intended change of
# the model, and say in the commit why the figures moved.
#   scripts/update-calibration.sh [path/to/calfpump]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-$root/build/release/app/calfpump}
tables=$(mktemp)
trap 'rm -f "$tables"' EXIT
"$exe" calibrate --markdown > "$tables"
"$exe" calibrate --reference-csv "$root/tests/reference/protocols.csv"
for f in "$root/README.md" "$root/data/CALIBRATION.md"; do
  python3 - "$f" "$tables" <<'PY'
import sys
path, tables = sys.argv[1], open(sys.argv[2]).read()
begin, end = "<!-- calfpump calibrate --markdown: begin -->\n", "<!-- calfpump calibrate --markdown: end -->"
text = open(path).read()
a, b = text.index(begin) + len(begin), text.index(end)
open(path + ".partial", "w").write(text[:a] + tables + text[b:])
PY
  mv "$f.partial" "$f"
  echo "updated $f"
done
