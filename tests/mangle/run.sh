#!/bin/sh
# run.sh [N [FIRST]]: spoils the examples N ways (seeds FIRST.., 1 by
# default; 200 by default) with tests/mangle/mangle.c and runs each tool
# on what it gets: elder-classify on a spoilt census, risk-score on a
# spoilt classified sheet, visit-due on a spoilt sheet (to the standard
# output, and with --split-by village to one file a village under
# --out-dir) and on a spoilt visit log, rollup on a spoilt visit list,
# report on spoilt counts and on a spoilt visit list (its sheets).
# For every run it asserts what a data officer may count on (and, of
# elder-classify, that its two ways of finding repeated IDs agree, on
# files and on standard input):
#
#   - the tool exits 0, 1 or 2, never by a signal, within two minutes;
#   - each line of its messages names the file and the line (or is the
#     count of messages not shown, or the --stats line);
#   - unless it stopped (2), read = written + rejected (+ not selected),
#     the output holds the records written (with --split-by, its files
#     together, nothing but NAME.csv under --out-dir, no temporary file
#     left) and the rejects file the records rejected.
#
# Prints the seed and the tool of each failure and "mangle: N passed,
# N failed".  `make check` runs 200 seeds; MANGLE_SEEDS=100000 make
# mangle runs more.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-200}
first=${2:-1}
bin=$top/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/eldercare-mangle.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
asof=2026-11-30
export LC_ALL=C.UTF-8

# Built where no other run can build it again under it.
mangle=$work/mangle
cc -O2 -o "$mangle" "$top/tests/mangle/mangle.c" || exit 2

# The good inputs, each the output of the tool before.
ex=$top/examples
cp "$ex/census.csv" "$work/census.csv"
cp "$ex/visits.csv" "$work/visits.csv"
"$bin/elder-classify" --as-of $asof "$work/census.csv" \
    > "$work/classified.csv" 2>/dev/null
"$bin/risk-score" --as-of $asof "$work/classified.csv" \
    > "$work/scored.csv" 2>/dev/null
"$bin/visit-due" --as-of $asof --visits "$work/visits.csv" \
    "$work/scored.csv" > "$work/due.csv" 2>/dev/null
"$bin/rollup" --as-of $asof -b county,township "$work/due.csv" \
    > "$work/counts.csv" 2>/dev/null

pass=0 fail=0
split=		# the --out-dir of a --split-by run, else empty

# A run on files this small that takes minutes is a hang: it is stopped
# and counted as a failure, and the next seed goes on.
hang=${MANGLE_HANG:-120}
limit=
command -v timeout > /dev/null 2>&1 && limit="timeout $hang"

failed() {
	fail=$((fail + 1))
	echo "FAIL seed $seed, $tool: $1"
	[ -n "${MANGLE_KEEP:-}" ] && cp "$work/bad.csv" "$top/build/mangle-$seed-$tool.csv"
}

# check TOOL ARGS...: runs the tool (its last argument the spoilt file)
# with --stats and --rejects, and asserts the above.
check() {
	tool=$1
	shift
	$limit "$bin/$tool" --as-of $asof --stats --rejects "$work/rej.csv" \
	    "$@" > "$work/out.csv" 2> "$work/err.txt"
	st=$?
	if [ -n "$limit" ] && [ $st -eq 124 ]; then
		failed "still running after $hang seconds: a hang"
		return
	fi
	if [ $st -gt 2 ]; then
		failed "exit status $st"
		return
	fi
	# Every message names a file and a line (or says the file is empty);
	# the other lines allowed are the stats, the count of messages left
	# out, and rollup's note of a metric it leaves out.
	bad=$(grep -v -E "^$tool: [^ ]+:[0-9]+: " "$work/err.txt" |
	    grep -v -E "^$tool: [^ ]+: no header: the file is empty$" |
	    grep -v -E "^rollup: note: metric '[a-z_]+' left out: " |
	    grep -v -E "^$tool: ([^ ]+: )?[0-9]+ more messages like " |
	    grep -v -E "^$tool: (visits: )?read [0-9]+, " | head -1)
	if [ -n "$bad" ]; then
		failed "message without a line: $bad"
		return
	fi
	# Only NAME.csv files, none hidden (a temporary file left), nothing
	# else made under the directory, whatever the status.
	if [ -n "$split" ]; then
		odd=$(ls -A "$split" | grep -v -E '^[^.].*\.csv$' | head -1)
		if [ -n "$odd" ]; then
			failed "--out-dir holds '$odd'"
			return
		fi
	fi
	if [ $st -eq 2 ]; then
		pass=$((pass + 1))
		return
	fi
	stats=$(grep -E "^$tool: read [0-9]+, " "$work/err.txt" | tail -1)
	set -- $(echo "$stats" | sed -E 's/^[^:]*: read ([0-9]+), written ([0-9]+), rejected ([0-9]+)(, not selected ([0-9]+))?.*/\1 \2 \3 \5/')
	if [ $# -lt 3 ]; then
		failed "no stats line: $stats"
		return
	fi
	read=$1 written=$2 rejected=$3 skipped=${4:-0}
	if [ "$read" -ne $((written + rejected + skipped)) ]; then
		failed "$stats"
		return
	fi
	# rollup and report write counts, not records
	case $tool in
	rollup|report) ;;
	*)
		if [ -n "$split" ]; then
			got=0
			for f in "$split"/*.csv; do
				[ -f "$f" ] || continue
				got=$((got + $("$mangle" -c < "$f")))
			done
		else
			got=$("$mangle" -c < "$work/out.csv")
		fi
		if [ "$got" -ne "$written" ]; then
			failed "$got records in the output, the stats say $written"
			return
		fi
		;;
	esac
	got=0
	[ -s "$work/rej.csv" ] && got=$("$mangle" -c < "$work/rej.csv")
	if [ "$got" -ne "$rejected" ]; then
		failed "$got records rejected, the stats say $rejected"
		return
	fi
	pass=$((pass + 1))
}

seed=$first
while [ $seed -lt $((first + n)) ]; do
	"$mangle" $seed < "$work/census.csv" > "$work/bad.csv"
	check elder-classify "$work/bad.csv"
	"$mangle" $seed < "$work/classified.csv" > "$work/bad.csv"
	check risk-score "$work/bad.csv"
	"$mangle" $seed < "$work/scored.csv" > "$work/bad.csv"
	check visit-due --visits "$work/visits.csv" "$work/bad.csv"
	# The same, one file per village: all of them inside the directory.
	rm -rf "$work/lists"
	mkdir "$work/lists"
	split=$work/lists
	check visit-due --visits "$work/visits.csv" --split-by village \
	    --out-dir "$work/lists" "$work/bad.csv"
	split=
	"$mangle" $seed < "$work/visits.csv" > "$work/bad.csv"
	check visit-due --visits "$work/bad.csv" "$work/scored.csv"
	"$mangle" $seed < "$work/due.csv" > "$work/bad.csv"
	check rollup -b county,township "$work/bad.csv"
	"$mangle" $seed < "$work/counts.csv" > "$work/bad.csv"
	check report -f csv "$work/bad.csv"
	"$mangle" $seed < "$work/due.csv" > "$work/bad.csv"
	check report -f csv "$work/bad.csv"
	seed=$((seed + 1))
done
echo "mangle: $pass passed, $fail failed"
[ $fail -eq 0 ]
