#!/bin/sh
# demo.sh: the main job on the shipped examples, from a fresh Debian
# machine: installs the Debian packages it needs if any is missing,
# builds, validates the census sheet, then classifies it, writing into
# build/demo/.
set -u
cd "$(dirname "$0")/.."
sh tests/deps.sh || exit 2
make -s || exit 2
out=build/demo
mkdir -p "$out"
asof=2026-11-30
PATH=$PWD/bin:$PATH

echo "== elder-classify --check examples/census.csv (as of $asof)"
elder-classify --check --as-of $asof examples/census.csv
echo
echo "== the same sheet saved by Excel in GB18030"
elder-classify --check --as-of $asof -E gb18030 examples/census-gb18030.csv 2>/dev/null
echo
echo "== elder-classify examples/census.csv > $out/classified.csv"
elder-classify --as-of $asof --stats --rejects $out/rejects.csv \
    -o $out/classified.csv examples/census.csv 2>&1 | tail -n 1
echo "left-behind: $(elder-classify --as-of $asof -l examples/census.csv 2>/dev/null | tail -n +2 | wc -l)"
echo
echo "written: $out/classified.csv (every valid record, with age, left_behind,"
echo "groups, special and focus) and $out/rejects.csv (the rejected records)"
