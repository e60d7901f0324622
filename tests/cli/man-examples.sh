#!/bin/sh
# man-examples.sh: runs the examples of the EXAMPLES section of every page
# in man/, taken from the pages themselves.
#
# Within EXAMPLES, only the .Bd -literal blocks are read:
#   - a line beginning with "$ " is a command; it goes on over the next
#     lines while a line ends in \, | or && (as sh reads it);
#   - the lines after a command, up to the next "$ " or .Ed, are its
#     output, and each must be a line of its standard output and error
#     together, leading and trailing blanks aside; a line ending in "..."
#     matches any line it begins; a line that is only "..." (lines left
#     out) and blank lines are not checked.
# Roff comments, which a reader of the page never sees, say what the
# script cannot read from the text:
#   .\" test: status N	the next command exits N (0 when not said);
#   .\" test: folded	the next command's output is folded to fit the
#			page: a line beginning with a blank goes on the
#			line before;
#   .\" test: check CMD	CMD, one line of sh, checks what the commands
#			before it did (a file they wrote): it must exit 0;
#   .\" test: not run	the next block is no command (a crontab line, a
#			file fragment); any other block must begin with
#			"$ ", lest a command without it go untested.
# The roff escapes \e and \& are read as the page shows them; any other
# escape, or a macro within a block, is reported as a failure.
#
# Each runs with bin/ on PATH, as from the top of the source tree: the
# scratch directory it runs in links examples/ and tests/ from there, so
# the files the examples write (classified.csv, my-policy.yaml ...) never
# land in the tree.  Each page starts in a fresh directory, so its
# examples depend on nothing but each other, in order.  Each command and
# each check counts as one example; a failure names its page and line.
#
# usage: sh tests/cli/man-examples.sh     (after make)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP

if [ ! -x "$top/bin/elder-classify" ]; then
	echo "man-examples: $top/bin/elder-classify is missing: run make" >&2
	exit 2
fi
PATH=$top/bin:$PATH
export PATH
unset ELDERCARE_POLICY

# The steps of a page, in order, as files in dir: N.line (the line of the
# page), then N.cmd, N.status and N.want (the output lines) for a command,
# N.check for a check, N.bad for what cannot be read.
extract='
function put(k, ext, s,   f) {
	f = dir "/" k "." ext
	print s >> f
	close(f)
}
function step(ext, s) {
	n++
	put(n, "line", NR)
	put(n, ext, s)
}
function bad(s) {
	step("bad", s)
	cur = 0
}
function unescape(s,   out, i, c) {
	out = ""
	while ((i = index(s, "\\")) > 0) {
		c = substr(s, i + 1, 1)
		out = out substr(s, 1, i - 1)
		if (c == "e")
			out = out "\\"
		else if (c != "&") {
			bad("the escape \\" c " is not read here")
			broken = 1
		}
		s = substr(s, i + 2)
	}
	return out s
}
function goes_on(s) {
	return s ~ /(\\|\||&&)[ \t]*$/
}
function flush() {
	if (cur && held != "" && held != "...")
		put(cur, "want", held)
	held = ""
}
function done() {
	flush()
	if (block)
		bad("the EXAMPLES section ends within a block")
	if (status != "" || folded || notrun)
		bad("no command after a test: comment")
	block = incmd = cur = folded = notrun = 0
	status = ""
}
/^\.Sh / {
	if (in_ex)
		done()
	in_ex = $0 == ".Sh EXAMPLES"
	next
}
!in_ex { next }
/^\.\\" test: status [0-9]+$/ { status = $4; next }
/^\.\\" test: folded$/ { folded = 1; next }
/^\.\\" test: not run$/ { notrun = 1; next }
/^\.\\" test: check / {
	s = $0
	sub(/^\.\\" test: check /, "", s)
	step("check", s)
	next
}
/^\.\\" test:/ { bad("unknown test: comment"); next }
/^\.\\"/ { next }
!block && /^\.Bd -literal/ { block = first = 1; next }
!block { next }
/^\.Ed/ {
	flush()
	if (incmd)
		bad("the command goes on past .Ed")
	block = incmd = cur = skip = 0
	next
}
/^[.\047]/ { bad("a macro within a literal block"); next }
first {
	first = 0
	skip = notrun
	notrun = 0
	if (!skip && !/^\$ /)
		bad("a block that is no command is to be marked test: not run")
}
skip { next }
{ s = unescape($0) }
broken { broken = incmd = 0; next }
incmd { put(cur, "cmd", s); incmd = goes_on(s); next }
/^\$ / {
	flush()
	step("cmd", substr(s, 3))
	cur = n
	put(cur, "status", status == "" ? 0 : status)
	fold = folded
	status = ""
	folded = 0
	incmd = goes_on(s)
	next
}
!cur { next }
{
	t = s
	sub(/^[ \t]+/, "", t)
	sub(/[ \t]+$/, "", t)
	if (fold && held != "" && s ~ /^[ \t]/ && t != "")
		held = held " " t
	else {
		flush()
		held = t
	}
}
END {
	if (in_ex)
		done()
}
'

pass=0 fail=0

# example N: runs step N, a command, in the page's directory.
example() {
	want=$(cat "$tmp/steps/$1.status")
	(cd "$tmp/work" && sh "$tmp/steps/$1.cmd" < /dev/null > "$tmp/out" 2>&1)
	got=$?
	ok=1
	if [ "$got" -ne "$want" ]; then
		ok=0
		echo "--- $where: exit status $got, the page says $want"
	fi
	# Lines compare without surrounding blanks (wc pads its count on
	# some systems, and the page indents some lines).
	sed 's/^[[:space:]]*//; s/[[:space:]]*$//' "$tmp/out" > "$tmp/lines"
	touch "$tmp/steps/$1.want"
	while IFS= read -r line; do
		case $line in
		*...)	prefix=${line%...}
			awk -v p="$prefix" 'index($0, p) == 1 { found = 1 }
			    END { exit !found }' "$tmp/lines" ;;
		*)	grep -F -x -e "$line" "$tmp/lines" > /dev/null ;;
		esac
		if [ $? -ne 0 ]; then
			ok=0
			echo "--- $where: no output line: $line"
		fi
	done < "$tmp/steps/$1.want"
	if [ $ok -eq 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		sed 's/^/    $ /' "$tmp/steps/$1.cmd"
		head -n 10 "$tmp/out" | sed 's/^/    | /'
	fi
}

# check N: runs step N, a check, in the page's directory.
check() {
	if (cd "$tmp/work" && sh "$tmp/steps/$1.check") > /dev/null 2>&1
	then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "--- $where: check failed: $(cat "$tmp/steps/$1.check")"
	fi
}

for man in "$top"/man/*.[1-9]; do
	grep -q '^\.Sh EXAMPLES$' "$man" || continue
	page=man/${man##*/}
	rm -rf "$tmp/steps" "$tmp/work"
	mkdir "$tmp/steps" "$tmp/work" || exit 2
	ln -s "$top/examples" "$tmp/work/examples"
	ln -s "$top/tests" "$tmp/work/tests"
	awk -v dir="$tmp/steps" "$extract" "$man" || exit 2
	i=1 cmds=0
	while [ -f "$tmp/steps/$i.line" ]; do
		where=$page:$(cat "$tmp/steps/$i.line")
		if [ -f "$tmp/steps/$i.cmd" ]; then
			example $i
			cmds=$((cmds + 1))
		elif [ -f "$tmp/steps/$i.check" ]; then
			check $i
		else
			fail=$((fail + 1))
			echo "--- $where: $(cat "$tmp/steps/$i.bad")"
		fi
		i=$((i + 1))
	done
	if [ $cmds -eq 0 ]; then
		fail=$((fail + 1))
		echo "--- $page: no command under EXAMPLES"
	fi
done

echo "man-examples: $pass passed, $fail failed"
[ $fail -eq 0 ]
