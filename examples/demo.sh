#!/bin/sh
# demo.sh: the main job on the shipped examples, from a fresh Debian
# machine: installs the Debian packages it needs if any is missing,
# builds, then runs the whole pipeline on examples/census.csv and
# examples/visits.csv as of 2026-11-30, writing into build/demo/:
#
#   classified.csv  rejects.csv     elder-classify's output and rejects
#   scored.csv                      with risk-score's columns
#   due.csv                         with visit-due's columns
#   overdue/VILLAGE.csv             each village's overdue list
#   counts.csv                      rollup by county and township
#   summary.txt  summary.html       the supervision summary
#   visit-sheets.html               printable visit sheets, one a village
set -u
cd "$(dirname "$0")/.."
sh tests/deps.sh || exit 2
make -s || exit 2
out=build/demo
rm -rf "$out"
mkdir -p "$out"
asof=2026-11-30
PATH=$PWD/bin:$PATH

echo "== elder-classify --check examples/census.csv (as of $asof)"
elder-classify --check --as-of $asof examples/census.csv 2>&1 |
    grep -v 'guardian phone\|under 60\|outside the policy' 
echo "(warnings about guardian phones, ages under 60 and IDs issued"
echo " outside Sichuan left out here; elder-classify --check shows them all)"
echo
echo "== the same sheet saved by Excel in GB18030"
elder-classify --check --as-of $asof -E gb18030 examples/census-gb18030.csv 2>/dev/null
echo
echo "== the pipeline"
elder-classify --as-of $asof --stats --rejects $out/rejects.csv \
    -o $out/classified.csv examples/census.csv 2>&1 | tail -n 1
risk-score --as-of $asof --stats -o $out/scored.csv $out/classified.csv
visit-due --as-of $asof --visits examples/visits.csv --stats \
    -o $out/due.csv $out/scored.csv 2>&1 | grep -v 'no one with this ID'
visit-due --as-of $asof --visits examples/visits.csv --overdue \
    --split-by village --out-dir $out/overdue $out/scored.csv 2>/dev/null
echo "visit-due: $(ls $out/overdue | wc -l) village lists in $out/overdue"
rollup -o $out/counts.csv $out/due.csv
rollup -b county $out/due.csv | report --as-of $asof -o $out/summary.txt
rollup $out/due.csv | report -f html --as-of $asof -o $out/summary.html
visit-due --as-of $asof --visits examples/visits.csv --overdue \
    $out/scored.csv 2>/dev/null | report -f html --as-of $asof \
    -o $out/visit-sheets.html
echo
cat $out/summary.txt
echo
echo "written in $out:"
ls $out
