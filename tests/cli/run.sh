#!/bin/sh
# run.sh [CASE...]: the command-line tests.
#
# Each case is a folder under tests/cli/cases/ holding
#   cmd       a shell command, run in tests/cli/data/ with bin/ on PATH
#   stdin     (optional) its standard input, else /dev/null
#   out       the exact standard output expected
#   err       the exact standard error expected
#   status    the exit status expected (0 when absent)
#   novalgrind  (optional) the case cannot run under valgrind: too heavy
#             (a 100 MB input, say), or the reason its first line gives;
#             with VALGRIND=1 it is skipped, said so
# With VALGRIND=1 every eldercare binary runs under valgrind, and any
# error or leak fails the case.  BLESS=1 writes what a case produced as
# its expectation (review the diff before committing it).
# A cmd that exits 77 could not run here (no tmpfs to mount, say): the
# case is skipped and the first line of its stderr says why.
top=$(cd "$(dirname "$0")/../.." && pwd)
cases=$top/tests/cli/cases
data=$top/tests/cli/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

wrap=$top/bin
if [ -n "$VALGRIND" ]; then
	wrap=$tmp/wrap
	mkdir -p "$wrap"
	for b in "$top"/bin/*; do
		n=$(basename "$b")
		cat > "$wrap/$n" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect "$b" "\$@"
EOS
		chmod +x "$wrap/$n"
	done
fi

pass=0 fail=0 skip=0
if [ $# -eq 0 ]; then set -- $(ls "$cases"); fi
for name in "$@"; do
	c=$cases/$name
	[ -f "$c/cmd" ] || continue
	if [ -n "$VALGRIND" ] && [ -f "$c/novalgrind" ]; then
		why=$(head -n 1 "$c/novalgrind")
		echo "SKIP: $name (${why:-too heavy for valgrind}: novalgrind)"
		skip=$((skip + 1))
		continue
	fi
	in=/dev/null
	[ -f "$c/stdin" ] && in=$c/stdin
	want_status=0
	[ -f "$c/status" ] && want_status=$(cat "$c/status")
	work=$tmp/work
	rm -rf "$work"
	cp -R "$data" "$work"
	(cd "$work" && PATH="$wrap:$PATH" ELDERCARE_POLICY= TZ=UTC \
	    sh "$c/cmd" < "$in" > "$tmp/out" 2> "$tmp/err")
	status=$?
	if [ "$status" -eq 77 ]; then
		echo "SKIP: $name ($(head -n 1 "$tmp/err"))"
		skip=$((skip + 1))
		continue
	fi
	if [ -n "$BLESS" ]; then
		cp "$tmp/out" "$c/out"
		cp "$tmp/err" "$c/err"
		if [ "$status" -ne 0 ]; then echo "$status" > "$c/status"; else rm -f "$c/status"; fi
		want_status=$status
	fi
	ok=1
	if ! cmp -s "$tmp/out" "$c/out"; then
		ok=0; echo "--- $name: stdout differs"; diff "$c/out" "$tmp/out" | head -20
	fi
	if ! cmp -s "$tmp/err" "$c/err"; then
		ok=0; echo "--- $name: stderr differs"; diff "$c/err" "$tmp/err" | head -20
	fi
	if [ "$status" != "$want_status" ]; then
		ok=0; echo "--- $name: status $status, expected $want_status"
	fi
	if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
