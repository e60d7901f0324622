#!/bin/sh
# report-chromium.sh: report's HTML opened in a real browser.
#
# For each page report writes from the fixed inputs of tests/cli/data (the
# summary and the visit sheets, in Chinese and in English), checks that
#   - the file refers to nothing outside itself: no http:, https:, //,
#     src=, url(, @import, <script, <link, <iframe, <object, <embed;
#   - headless Chromium renders it to PDF (A4, and for the visit sheets one
#     page per village) and to a PNG screenshot;
#   - the page logs nothing to the console (a Content-Security-Policy
#     violation, which is what any load would cause, is logged there);
#   - the page makes no network request: Chromium's own net log holds no
#     request started by a page (those carry the page's origin as their
#     initiator; the browser's own, such as its update checks, carry "not
#     an origin" and are sent nowhere: every host name resolves to
#     nothing, so no test run reaches outside this machine).
#
# Chromium is Debian's chromium package; without it the test is skipped
# (status 0).  Chinese text needs a font that has it, such as Debian's
# fonts-wqy-microhei; without one the checks still pass, but the
# screenshots show boxes.  KEEP=DIR keeps the pages, PDFs and PNGs there.
#
# usage: sh tests/report-chromium.sh     (after make)
top=$(cd "$(dirname "$0")/.." && pwd)
data=$top/tests/cli/data
report=$top/bin/report

browser=
for b in chromium chromium-browser; do
	if command -v "$b" > /dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "report-chromium: chromium is not installed: skipped" \
	    "(apt-get install chromium to run it)"
	exit 0
fi
if [ ! -x "$report" ]; then
	echo "report-chromium: $report is missing: run make" >&2
	exit 2
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP
out=${KEEP:-$tmp}
mkdir -p "$out" || exit 2

pass=0 fail=0

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "--- $name: $1"
}

# chrome OUTPUT-OPTION FILE: renders FILE, its log in $tmp/$name.*.log.
chrome() {
	what=$1
	shift
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 180 "$browser" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --disable-extensions --disable-default-apps \
	    --no-first-run --no-pings \
	    --host-resolver-rules='MAP * ~NOTFOUND' \
	    --user-data-dir="$profile" \
	    --enable-logging=stderr --v=0 \
	    --log-net-log="$tmp/$name.$what.net.json" \
	    "$@" > "$tmp/$name.$what.log" 2>&1
}

# page NAME PAGES REPORT-ARGS...: one page and its checks.
page() {
	name=$1 pages=$2
	shift 2
	html=$out/$name.html
	if ! "$report" --as-of 2026-11-30 -f html -o "$html" "$@" \
	    2> "$tmp/$name.err"; then
		bad "report failed: $(cat "$tmp/$name.err")"
		return
	fi
	ok

	refs='https?:|//|src=|url\(|@import|<script|<link|<iframe|<object|<embed'
	if grep -n -i -E "$refs" "$html" > "$tmp/$name.refs"; then
		bad "the page refers outside itself:" \
		    "$(head -n 3 "$tmp/$name.refs")"
	else
		ok
	fi

	chrome pdf --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" \
	    "file://$html"
	if [ -s "$out/$name.pdf" ] &&
	    [ "$(head -c 5 "$out/$name.pdf")" = "%PDF-" ]; then
		ok
	else
		bad "no PDF written ($(tail -n 3 "$tmp/$name.pdf.log"))"
		return
	fi
	# The page tree's root counts every page: the largest count.
	n=$(LC_ALL=C grep -ao '/Count [0-9]*' "$out/$name.pdf" |
	    cut -d' ' -f 2 | sort -n | tail -n 1)
	if [ -n "$pages" ] && [ "$n" != "$pages" ]; then
		bad "$n pages printed, expected $pages"
	else
		ok
	fi

	chrome png --hide-scrollbars --window-size=1200,1500 \
	    --screenshot="$out/$name.png" "file://$html"
	if [ -s "$out/$name.png" ] &&
	    [ "$(head -c 4 "$out/$name.png" | tail -c 3)" = "PNG" ]; then
		ok
	else
		bad "no screenshot written ($(tail -n 3 "$tmp/$name.png.log"))"
	fi

	for what in pdf png; do
		if grep ':CONSOLE' "$tmp/$name.$what.log" > "$tmp/$name.console"
		then
			bad "console messages:" \
			    "$(head -n 3 "$tmp/$name.console")"
		else
			ok
		fi
		if [ ! -s "$tmp/$name.$what.net.json" ]; then
			bad "Chromium wrote no net log"
		elif grep -o '"initiator":"[^"]*"' "$tmp/$name.$what.net.json" |
		    grep -v '"initiator":"not an origin"' > "$tmp/$name.req"
		then
			bad "the page made network requests: $(grep -o \
			    '"url":"[^"]*"' "$tmp/$name.$what.net.json" |
			    sort -u | head -n 3)"
		else
			ok
		fi
	done
}

page summary-zh "" "$data/report-rollup.csv"
page summary-en "" --lang en "$data/report-rollup.csv"
page summary-villages "" "$data/report-rollup-villages.csv"
page sheets-zh 2 "$data/report-visits.csv"
page sheets-en 2 --lang en --no-mask "$data/report-visits.csv"

echo "report-chromium: $pass passed, $fail failed"
[ $fail -eq 0 ]
