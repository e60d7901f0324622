#!/bin/sh
# run.sh SECONDS HARNESS...: runs each libFuzzer harness (built by make
# fuzz-build into build/fuzz/) for SECONDS on a copy of its seed corpus
# tests/fuzz/corpus/TARGET/, one at a time, and prints one line a target
# and a summary.  What a run finds stays beside the harness: the corpus
# it grew in corpus/TARGET/, crashing inputs in artifacts/TARGET/, the
# whole output in logs/TARGET.log.  Fails when any target found a crash,
# a leak, a hang (over 10 s for one input) or a sanitizer report.
#
#   FUZZ_ARGS="-runs=10000000"   more libFuzzer options
secs=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	target=${name#fuzz_}
	dir=$(dirname "$bin")
	work=$dir/corpus/$target
	art=$dir/artifacts/$target
	log=$dir/logs/$target.log
	mkdir -p "$work" "$art" "$dir/logs"
	# The repository's seeds are copied, never written by the fuzzer.
	cp "$top/tests/fuzz/corpus/$target"/* "$work"/
	case $target in
	csv|classify) max_len=65536 ;;
	policy) max_len=16384 ;;
	expr) max_len=4096 ;;
	*) max_len=1024 ;;
	esac
	dict=
	[ -f "$top/tests/fuzz/$target.dict" ] && dict=-dict=$top/tests/fuzz/$target.dict
	"$bin" -max_total_time="$secs" -max_len=$max_len -timeout=10 \
	    -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1 \
	    -artifact_prefix="$art/" $dict ${FUZZ_ARGS:-} "$work" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
	if [ "$rc" -eq 0 ]; then
		result=ok
		pass=$((pass + 1))
	else
		found=$(ls -t "$art" 2>/dev/null | head -1)
		result="FAILED (status $rc${found:+, input $art/$found}; see $log)"
		fail=$((fail + 1))
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant failed|.*runtime error)' \
		    "$log" | head -5
	fi
	echo "fuzz: $target: ${runs:-0} runs in ${took:-?} s (${rate:-0}/s), cov ${cov:-0}: $result"
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
