#!/bin/sh
# run-unit.sh TEST...: runs the cmocka test programs, then prints one
# summary line over all of them.
pass=0 fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
