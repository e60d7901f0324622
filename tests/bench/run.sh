#!/bin/sh
# run.sh: the benchmark behind `make bench`.  For each size it makes a
# synthetic census with tests/gen, then times, side by side in the same
# run: cat (the machine's limit), the libcsv floor (parse with empty
# callbacks and copy the bytes, the least any libcsv-based filter can
# cost), and the eldercare tools (report on visit-due --overdue's list
# and on a rollup, its time and memory only).  Each command runs 3 times
# (once at national size, where Miller and datamash, which hold the whole
# sheet, are left out); the best wall time is kept.  A tool's ratio to
# its floor is the median of 5 ratios of runs side by side (3 at national
# size: one pair there swings by a tenth either way).  Below 10^6
# records a run is 10^6 / N runs in a row (10 at most), its times divided
# by that.  Results go to stdout and build/bench/results.md.
#
#   BENCH_SIZES="100000 1000000"   sizes (records)
#   BENCH_NATIONAL=1               also 16000000
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=build/bench
mkdir -p "$out"
sizes=${BENCH_SIZES:-"100000 1000000"}
[ -n "${BENCH_NATIONAL:-}" ] && sizes="$sizes 16000000"
asof=2026-11-30
md=$out/results.md

# The peers it measures against, from Debian, if missing.
sh tests/deps.sh miller datamash time
cc -O2 -o "$out/gen" tests/gen/gen.c
cc -O3 -o "$out/floor" tests/bench/floor.c -lcsv

# /usr/bin/time counts hundredths of a second: below 10^6 records each
# command is timed over $reps runs in a row, its times divided by $reps
# (its memory is that of the largest run).
reps=1
again() {
	if [ "$reps" -eq 1 ]; then
		echo "$1"
	else
		echo "for i in \$(seq $reps); do $1; done"
	fi
}
per_run() {	# "wall user sys maxrss_kb" of $reps runs -> of one
	awk -v k="$reps" '{ printf "%.3f %.3f %.3f %s\n", $1 / k, $2 / k,
	    $3 / k, $4 }' "$out/time"
}

# best of $runs (3; 1 at national size): prints "wall user sys maxrss_kb"
runs=3
measure() {
	best=""
	for i in $(seq $runs); do
		/usr/bin/time -o "$out/time" -f "%e %U %S %M" \
		    sh -c "$(again "$1")" > /dev/null 2>&1
		r=$(per_run)
		w=${r%% *}
		if [ -z "$best" ] || awk "BEGIN{exit !($w < ${best%% *})}"; then
			best=$r
		fi
	done
	echo "$best"
}

{
echo "# eldercare benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores"
} > "$md"

# The command and its floor in turn, $pairs times: the command's best
# "wall user sys maxrss_kb", then the median of the ratios of each pair.
# A VM's speed drifts by the minute: a ratio of runs side by side holds
# better than one of bests taken minutes apart.
pairs() {	# floor command, command
	best="" ratios=""
	for i in $(seq $((runs == 1 ? 3 : 5))); do
		/usr/bin/time -o "$out/time" -f "%e 0 0 0" \
		    sh -c "$(again "$1")" > /dev/null 2>&1
		fw=$(per_run)
		fw=${fw%% *}
		/usr/bin/time -o "$out/time" -f "%e %U %S %M" \
		    sh -c "$(again "$2")" > /dev/null 2>&1
		r=$(per_run)
		w=${r%% *}
		ratios="$ratios $(awk "BEGIN{print $w / ($fw > 0 ? $fw : 0.01)}")"
		if [ -z "$best" ] || awk "BEGIN{exit !($w < ${best%% *})}"; then
			best=$r
		fi
	done
	echo "$best $(echo $ratios | tr ' ' '\n' | sort -n |
	    awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] }')"
}

row() {	# name, floor command or "", command
	if [ -n "$2" ]; then
		set -- "$1" "$2" "$(pairs "$2" "$3")"
	else
		set -- "$1" "" "$(measure "$3") -"
	fi
	name=$1
	set -- $3
	ratio=$5
	awk -v name="$name" -v w="$1" -v u="$2" -v s="$3" -v m="$4" \
	    -v n="$n" -v mb="$mb" -v r="$ratio" 'BEGIN{
		ww = w > 0 ? w : 0.01
		printf "| %s | %.2f | %.2f | %.2f | %.1f | %.0f | %.0f | %s |\n",
		    name, w, u, s, m / 1024, n / ww, mb / ww, r }' >> "$md"
	last=$1
}

# the same work by eldercare and by a general tool: how many times more
# wall time, CPU time and memory the general tool takes
peer() {	# what, eldercare command, peer command
	set -- "$1" "$(measure "$2")" "$(measure "$3")" "$3"
	what=$1 peercmd=$4
	set -- $2 $3
	awk -v what="$what" -v peer="${peercmd%% *}" -v w="$1" -v c="$(awk "BEGIN{print $2 + $3}")" -v m="$4" \
	    -v pw="$5" -v pc="$(awk "BEGIN{print $6 + $7}")" -v pm="$8" 'BEGIN{
		printf "| %s | %s | %.2f / %.2f s | %.2f / %.2f s | %.1f / %.1f MiB | %.1f× | %.1f× | %.0f× |\n",
		    what, peer, w, pw, c, pc, m / 1024, pm / 1024,
		    pw / (w > 0 ? w : 0.01), pc / (c > 0 ? c : 0.01), pm / m }' >> "$peers"
}

for n in $sizes; do
	runs=3
	[ "$n" -ge 10000000 ] && runs=1
	reps=$((n >= 1000000 ? 1 : 1000000 / n))
	[ $reps -gt 10 ] && reps=10
	census=$out/census-$n.csv
	visits=$out/visits-$n.csv
	cls=$out/classified-$n.csv
	scored=$out/scored-$n.csv
	[ -f "$census" ] || "$out/gen" census -n "$n" -s 1 > "$census"
	# At national size the log is the issue's 10^8 rows, the visits of
	# the last people left out (they count as never visited).
	[ -f "$visits" ] || "$out/gen" visits -n "$n" -s 1 -k 10 |
	    head -n 100000001 > "$visits"
	bin/elder-classify --as-of $asof "$census" > "$cls" 2>/dev/null
	bin/risk-score --as-of $asof "$cls" > "$scored"
	mb=$(awk "BEGIN{printf \"%.1f\", $(wc -c < "$census") / 1048576}")
	nv=$(($(wc -l < "$visits") - 1))
	{
	echo
	echo "## $n records ($mb MiB), $nv visits"
	echo
	echo "Each tool beside the floor on its own input (the floor parses the"
	echo "same bytes with libcsv and empty callbacks and copies them out)."
	echo "Wall time is the best run's; wall / floor is the median of" \
	    "$((runs == 1 ? 3 : 5))"
	echo "ratios, each of a run of the tool beside a run of its floor."
	[ $reps -gt 1 ] &&
	    echo "Each run here is $reps in a row, its times divided by $reps."
	echo
	echo "| command | wall s | user s | sys s | peak MiB | records/s | MiB/s | wall / floor |"
	echo "|---|---|---|---|---|---|---|---|"
	} >> "$md"
	peers=$out/peers-$n.md
	{
	echo "| work | peer | wall: eldercare / peer | CPU | peak memory | peer's wall ÷ ours | CPU ÷ | memory ÷ |"
	echo "|---|---|---|---|---|---|---|---|"
	} > "$peers"
	row "cat census" "" "cat $census"
	f="$out/floor < $census"
	row "floor: census" "" "$f"
	row "elder-classify" "$f" "bin/elder-classify --as-of $asof $census"
	f="$out/floor < $cls"
	row "floor: classified" "" "$f"
	row "risk-score" "$f" "bin/risk-score --as-of $asof $cls"
	f="$out/floor < $scored; $out/floor < $visits"
	row "floor: scored + visits" "" "$f"
	row "visit-due" "$f" "bin/visit-due --as-of $asof --visits $visits $scored"
	f="$out/floor < $scored"
	row "floor: scored" "" "$f"
	row "rollup" "$f" "bin/rollup $scored"
	f="$out/floor < $census; $out/floor < $visits"
	row "floor: census + visits" "" "$f"
	row "pipeline" "$f" "bin/elder-classify --as-of $asof $census | bin/risk-score --as-of $asof | bin/visit-due --as-of $asof --visits $visits | bin/rollup"
	# Who uses the CPU of the pipeline, in one more run.
	t="/usr/bin/time -f %U+%S"
	sh -c "$t -o $out/t1 bin/elder-classify --as-of $asof $census 2>/dev/null |
	    $t -o $out/t2 bin/risk-score --as-of $asof |
	    $t -o $out/t3 bin/visit-due --as-of $asof --visits $visits |
	    $t -o $out/t4 bin/rollup > /dev/null"
	{
	echo
	printf "CPU of the pipeline's tools in one run: elder-classify %s s, risk-score %s s, visit-due %s s, rollup %s s (user + system).\n" \
	    "$(tail -1 $out/t1 | awk -F+ '{ printf "%.2f", $1 + $2 }')" \
	    "$(tail -1 $out/t2 | awk -F+ '{ printf "%.2f", $1 + $2 }')" \
	    "$(tail -1 $out/t3 | awk -F+ '{ printf "%.2f", $1 + $2 }')" \
	    "$(tail -1 $out/t4 | awk -F+ '{ printf "%.2f", $1 + $2 }')"
	} >> "$md"
	# report: the visit sheets of the overdue (its memory must not grow
	# with the people) and the summary of a three-level rollup.
	overdue=$out/overdue-$n.csv
	bin/visit-due --as-of $asof --visits "$visits" --overdue "$scored" \
	    > "$overdue" 2>/dev/null
	bin/rollup -b county,township,village "$scored" \
	    > "$out/rollup-$n.csv" 2>/dev/null
	sheets=$(measure "bin/report --as-of $asof -f html $overdue")
	summary=$(measure "bin/report --as-of $asof -f html $out/rollup-$n.csv")
	echo "$sheets $summary $(($(wc -l < "$overdue") - 1)) $(($(wc -l < "$out/rollup-$n.csv") - 1))" |
	    awk '{ printf "\nreport -f html: the visit sheets of visit-due --overdue'"'"'s %d people, %.2f s and %.1f MiB; the summary of a rollup of %d rows (-b county,township,village), %.2f s and %.1f MiB.\n",
		$9, $1, $4 / 1024, $10, $5, $8 / 1024 }' >> "$md"
	# Miller holds the whole sheet in memory: not at national size.
	if [ "$runs" -gt 1 ] && command -v mlr > /dev/null; then
		peer "classification" \
		    "bin/elder-classify --as-of $asof $census" \
		    "mlr --icsv --ocsv put -f tests/bench/classify.mlr $census"
		peer "two-level count" "bin/rollup -m left_behind $scored" \
		    "mlr --icsv --ocsv count -g '县(区),乡(镇)' $scored"
	fi
	if [ "$runs" -gt 1 ] && command -v datamash > /dev/null; then
		peer "two-level count (datamash)" \
		    "bin/rollup -m left_behind $scored" \
		    "datamash -t, --header-in -s -g 5,6 count 1 < $scored"
	fi
	[ "$runs" -gt 1 ] && {
	echo
	echo "The same work by a general tool, in the same run (Miller's put with"
	echo "tests/bench/classify.mlr computes the same five columns):"
	echo
	cat "$peers"
	} >> "$md"
done
cat "$md"
