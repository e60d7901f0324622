#!/bin/sh
# run-unit.sh TEST...: runs the cmocka test programs, then prints one
# summary line over all their tests.
pass=0 fail=0 skip=0 bad=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "$@"; do
	"$t" > "$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$out")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$out")
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed below:/\1/p' "$out")
	pass=$((pass + ${p:-0}))
	skip=$((skip + ${s:-0}))
	fail=$((fail + ${f:-0}))
	if [ "$rc" -ne 0 ]; then
		bad=$((bad + 1))
		# A program that died before its summary counts as one failure.
		[ -z "$f" ] && fail=$((fail + 1))
		echo "FAILED: $t"
	fi
done
echo "unit: $pass passed, $fail failed, $skip skipped"
[ "$bad" -eq 0 ]
