#!/bin/sh
# man-examples.sh: runs every command of the EXAMPLES sections of
# man/elder-classify.1, man/risk-score.1, man/visit-due.1, man/rollup.1,
# man/report.1, man/eldercare.7 and man/eldercare-policy.5.
#
# The commands are copied here by hand, exactly as the pages show them
# (nothing is extracted automatically): when a page's example changes,
# change it here too.  Each runs with bin/ on PATH, as from the top of the
# source tree: the scratch directory it runs in links examples/ and tests/
# from there, so the files the examples write (classified.csv,
# my-policy.yaml ...) never land in the tree.  Each page starts in a fresh
# directory, so its examples depend on nothing but each other, in order.
#
# Each command must exit with the status its page implies (0 unless the
# page says otherwise), and its standard output and error together must
# hold every line of output the page shows for it (the lines given after
# the status; a line the page shows cut short ends in "..." here).
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

pass=0 fail=0 page= n=0

# page NAME: the examples that follow are NAME's, run in a fresh directory.
page() {
	page=$1 n=0
	rm -rf "$tmp/work"
	mkdir "$tmp/work" || exit 2
	ln -s "$top/examples" "$tmp/work/examples"
	ln -s "$top/tests" "$tmp/work/tests"
}

# example STATUS [LINE...] <<'EOF' ... EOF: runs the command on stdin.
example() {
	want=$1
	shift
	n=$((n + 1))
	cat > "$tmp/cmd"
	(cd "$tmp/work" && sh "$tmp/cmd" < /dev/null > "$tmp/out" 2>&1)
	got=$?
	ok=1
	if [ "$got" -ne "$want" ]; then
		ok=0
		echo "--- $page example $n: exit status $got, the page says $want"
	fi
	# Lines compare without surrounding blanks (wc pads its count on
	# some systems); a line the page elides ends in "..." here and
	# matches any output line it begins.
	sed 's/^[[:space:]]*//; s/[[:space:]]*$//' "$tmp/out" > "$tmp/lines"
	for line in "$@"; do
		case $line in
		*...)	prefix=${line%...}
			awk -v p="$prefix" 'index($0, p) == 1 { found = 1 }
			    END { exit !found }' "$tmp/lines" ;;
		*)	grep -F -x -e "$line" "$tmp/lines" > /dev/null ;;
		esac
		if [ $? -ne 0 ]; then
			ok=0
			echo "--- $page example $n: no output line: $line"
		fi
	done
	if [ $ok -eq 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		sed 's/^/    $ /' "$tmp/cmd"
		head -n 10 "$tmp/out" | sed 's/^/    | /'
	fi
}

# check WHAT CMD: a check that an example did what its page says.
check() {
	if (cd "$tmp/work" && eval "$2") > /dev/null 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "--- $page: $1"
	fi
}

page elder-classify.1

example 1 \
    'elder-classify: examples/census.csv:19: 身份证号: warning: age 56 is under 60' \
    'examples/census.csv: 360 records, 352 valid, 8 with errors, 37 warnings' <<'EOF'
elder-classify --check --as-of 2026-11-30 examples/census.csv
EOF

example 1 'elder-classify: read 360, written 352, rejected 8' <<'EOF'
elder-classify --as-of 2026-11-30 --stats --rejects rejects.csv \
      -o classified.csv examples/census.csv
EOF

example 0 <<'EOF'
elder-classify --as-of 2026-11-30 -l --bom -o left-behind.csv \
      classified.csv
EOF
check 'left-behind.csv begins with a BOM and holds 172 records' \
    'od -An -tx1 -N3 left-behind.csv | grep -q "ef bb bf" &&
     [ "$(tail -n +2 left-behind.csv | wc -l)" -eq 172 ]'

example 0 9 <<'EOF'
elder-classify --as-of 2026-11-30 examples/census.csv 2>/dev/null |
      grep -c ',yes$'
EOF

example 1 'examples/census-gb18030.csv: 360 records, 352 valid, 8 with errors, 37 warnings' <<'EOF'
elder-classify --check --as-of 2026-11-30 -E gb18030 \
      examples/census-gb18030.csv 2>/dev/null
EOF

example 0 <<'EOF'
tr , '\t' < tests/cli/data/census.csv | iconv -f UTF-8 -t UTF-16 \
      > census.txt
EOF

example 1 'census.txt: 15 records, 7 valid, 8 with errors, 8 warnings' <<'EOF'
elder-classify --check --as-of 2026-11-30 -E utf-16 -d '\t' census.txt
EOF

example 0 <<'EOF'
elder-classify --as-of 2027-06-30 -o classified-2027.csv classified.csv
EOF
check 'classified-2027.csv has the header of classified.csv' \
    '[ "$(head -n 1 classified-2027.csv)" = "$(head -n 1 classified.csv)" ]'

example 1 <<'EOF'
ELDERCARE_POLICY=examples/policy.yaml \
      elder-classify --check --as-of 2026-11-30 tests/cli/data/census.csv
EOF

page risk-score.1

example 0 'risk-score: read 352, written 352, rejected 0' <<'EOF'
elder-classify --as-of 2026-11-30 examples/census.csv 2>/dev/null |
      risk-score --as-of 2026-11-30 --stats -o scored.csv
EOF

example 0 '40 high' '190 low' '122 medium' <<'EOF'
awk -F, 'NR > 1 { print $(NF-1) }' scored.csv | sort | uniq -c
EOF

example 0 '21 high' '96 low' '55 medium' <<'EOF'
awk -F, '$(NF-6) == "yes" { print $(NF-1) }' scored.csv |
      sort | uniq -c
EOF
check 'the seventh column from the end of scored.csv is left_behind' \
    '[ "$(head -n 1 scored.csv | awk -F, "{ print \$(NF-6) }")" = left_behind ]'

example 0 \
    'name,risk_score,risk_level,risk_reasons' \
    '王建国,110,high,alone;ability_severe;oldest_old;poor;chronic_multi;no_family_doctor;disabled_alone' \
    '李秀英,0,low,' <<'EOF'
risk-score --as-of 2026-11-30 tests/cli/data/census.csv |
      head -n 3 | cut -d, -f 2,24-
EOF

example 0 <<'EOF'
risk-score --as-of 2026-11-30 scored.csv | cmp - scored.csv
EOF

example 2 "risk-score: <stdin>:1: required column 'id_number' is missing, and the risk score needs it for age (its header may be: id_number, 身份证号, 身份证号码, 公民身份号码, 身份证)" <<'EOF'
cut -d, -f 2- tests/cli/data/census.csv | risk-score --as-of 2026-11-30
EOF

example 0 <<'EOF'
sed 's/name: alone, points: 25/name: alone, points: 30/' \
      examples/policy.yaml > my-policy.yaml
EOF
check 'my-policy.yaml gives alone 30 points' \
    'grep -x "    - {name: alone, points: 30, when: .*}" my-policy.yaml'

example 0 \
    'name,risk_score,risk_level,risk_reasons' \
    '王建国,115,high,alone;ability_severe;oldest_old;poor;chronic_multi;no_family_doctor;disabled_alone' <<'EOF'
risk-score -p my-policy.yaml --as-of 2026-11-30 \
      tests/cli/data/census.csv | head -n 2 | cut -d, -f 2,24-
EOF

page eldercare.7

example 0 \
    '身份证号,姓名,性别,出生日期,县(区),乡(镇),村(社区),联系电话,居住情况,...' \
    '512021194701254209,吴惠,女,,安岳县,毛家镇,柏林村,157-9724-7470,独居,...' <<'EOF'
head -n 2 examples/census.csv
EOF

example 0 \
    "elder-classify: examples/census.csv:49: 性别: error: '男' does not match the sex in the ID number" \
    "elder-classify: examples/census.csv:116: 能力等级: error: unknown value '轻度实能' (one of: 能力完好/intact, 轻度失能/mild, 中度失能/moderate, 重度失能/severe, 完全失能/total)" \
    'elder-classify: examples/census.csv:139: 村(社区): error: required value is blank' \
    "elder-classify: examples/census.csv:180: 子女数: error: '一' is not a whole number" \
    'elder-classify: examples/census.csv:208: error: duplicate ID number, first seen on line 207' \
    'elder-classify: examples/census.csv:260: 身份证号: error: ID number has 17 characters; it needs 18 (or 15 digits)' \
    "elder-classify: examples/census.csv:286: 出生日期: error: '1960年2月4日' does not match the birth date in the ID number" \
    "elder-classify: examples/census.csv:340: 身份证号: error: wrong check character in the ID number: '7' where the digits call for '5'" \
    'examples/census.csv: 360 records, 352 valid, 8 with errors, 37 warnings' <<'EOF'
elder-classify --check --as-of 2026-11-30 examples/census.csv 2>&1 |
      grep -v ': warning: '
EOF

example 1 'examples/census-gb18030.csv: 360 records, 352 valid, 8 with errors, 37 warnings' <<'EOF'
elder-classify --check --as-of 2026-11-30 -E gb18030 \
      examples/census-gb18030.csv 2>/dev/null
EOF

example 1 'elder-classify: read 360, written 352, rejected 8' <<'EOF'
elder-classify --as-of 2026-11-30 --stats --rejects rejects.csv \
      -o classified.csv examples/census.csv
EOF

example 0 \
    '身份证号,姓名,_line,_errors' \
    "512021195803196243,胡霞蓉,49,性别: '男' does not match the sex in the ID number" \
    "512022193712048797,陆庆绪,340,身份证号: wrong check character in the ID number: '7' where the digits call for '5'" <<'EOF'
cut -d, -f 1,2,24- rejects.csv
EOF

example 0 <<'EOF'
elder-classify --as-of 2026-11-30 -l -o left-behind.csv \
      classified.csv 2>/dev/null
EOF

example 0 172 <<'EOF'
tail -n +2 left-behind.csv | wc -l
EOF

example 0 \
    '胡正琼,安岳县,兴隆镇,碾子村,78,disabled;poor' \
    '朱翠玉,安岳县,岳阳镇,大石村,85,poor;oldest_old' \
    '冯桂玉,乐至县,中天镇,庙坝村,74,disabled;poor' <<'EOF'
grep ',yes$' left-behind.csv | cut -d, -f 2,5-7,24,26
EOF

example 0 <<'EOF'
risk-score --as-of 2026-11-30 -o scored.csv classified.csv
EOF

example 1 <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      -o due.csv scored.csv 2>/dev/null
EOF

example 0 \
    '农村留守老年人关爱服务统计' \
    '县(区)  老年人数  留守老年人  特殊困难  高风险  走访逾期' \
    '乐至县        87          39        21       8        16' \
    '安岳县       151          75        40       9        28' \
    '雁江区       114          58        25       4        25' \
    '合计         352         172        86      21        69' \
    '县(区)  留守率  走访覆盖率   体检覆盖率  未及时报告率' \
    '乐至县   44.8%       48.7%!       37.1%         50.0%!' \
    '安岳县   49.7%       57.3%!       53.2%        100.0%!' \
    '雁江区   50.9%       53.4%!       62.2%             -' \
    '合计     48.9%       54.1%!       52.1%         60.0%!' \
    '! 需关注：走访覆盖率低于 100%，或有未及时报告的特殊情况' <<'EOF'
rollup -b county due.csv | report --as-of 2026-11-30
EOF

example 0 <<'EOF'
rollup due.csv | report --as-of 2026-11-30 -f html -o summary.html
EOF
check 'summary.html has the summary by township and its charts' \
    'grep -q "<td class=\"name\">兴隆镇</td>" summary.html &&
     [ "$(grep -c "<svg " summary.html)" -eq 3 ]'

example 0 <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      --overdue scored.csv 2>/dev/null |
      report --as-of 2026-11-30 -f html -o visits.html
EOF

example 0 64 <<'EOF'
grep -c '<section class="village">' visits.html
EOF

example 0 \
    '农村留守老年人走访表  乐至县 东山镇 燕子村' \
    '==========================================' \
    '统计日期：2026-11-30  人数：1' \
    '序号  姓名  身份证号            年龄  联系电话  监护人姓名  监护人电话' \
    '----  ----  ------------------  ----  --------  ----------  ----------' \
    '1  周朝  512022********5070    77            周建斌' \
    '序号  姓名  风险等级  最近走访    逾期天数  走访日期（填写）' \
    '----  ----  --------  ----------  --------  ----------------' \
    '1  周朝  中        2026-10-15        32  ________________' <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      --overdue scored.csv 2>/dev/null | report --as-of 2026-11-30 |
      head -n 11
EOF

page eldercare-policy.5

example 0 <<'EOF'
sed 's/days: 7}/days: 5}/' examples/policy.yaml > my-policy.yaml
EOF
check 'my-policy.yaml visits high risk every 5 days' \
    'grep "risk_level == .high.\", days: 5}" my-policy.yaml'

example 0 '<stdin>: 0 records, 0 valid, 0 with errors, 0 warnings' <<'EOF'
head -n 1 examples/census.csv | elder-classify -p my-policy.yaml --check
EOF

example 0 <<'EOF'
sed 's/name: alone, points: 25/name: alone, points: 30/' \
      examples/policy.yaml |
  awk '{ print } /name: no_family_doctor/ { print f }' \
      f='    - {name: no_care_agreement, points: 5, when: "care_agreement == no"}' \
      > my-policy.yaml
EOF
check 'my-policy.yaml has the two risk factors of the page' \
    'grep -x "    - {name: alone, points: 30, when: .*}" my-policy.yaml &&
     grep -x "    - {name: no_care_agreement, points: 5, when: \"care_agreement == no\"}" my-policy.yaml'

example 0 '<stdin>: 0 records, 0 valid, 0 with errors, 0 warnings' <<'EOF'
head -n 1 examples/census.csv | elder-classify -p my-policy.yaml --check
EOF

example 0 <<'EOF'
sed 's/oldest_old: "age >= 80"/oldest_old: "age >= 75"/' \
      examples/policy.yaml > old75.yaml
EOF

example 0 16 <<'EOF'
elder-classify -p old75.yaml --as-of 2026-11-30 examples/census.csv \
      2>/dev/null | grep -c ',yes$'
EOF

example 0 9 <<'EOF'
elder-classify --as-of 2026-11-30 examples/census.csv 2>/dev/null |
      grep -c ',yes$'
EOF

example 0 <<'EOF'
sed 's/^leap_birthday: mar1/leap_birthday: feb28/' examples/policy.yaml \
      > feb28.yaml
EOF
check 'feb28.yaml has leap_birthday: feb28' \
    'grep -x "leap_birthday: feb28" feb28.yaml'

example 1 <<'EOF'
ELDERCARE_POLICY=feb28.yaml elder-classify --check --as-of 2026-11-30 \
      tests/cli/data/census.csv
EOF

page visit-due.1

example 0 <<'EOF'
elder-classify --as-of 2026-11-30 examples/census.csv 2>/dev/null |
      risk-score --as-of 2026-11-30 > scored.csv
EOF
check 'scored.csv holds the 352 valid records, scored' \
    '[ "$(tail -n +2 scored.csv | wc -l)" -eq 352 ] &&
     head -n 1 scored.csv | grep -q ",risk_score,risk_level,risk_reasons$"'

example 1 \
    'visit-due: examples/visits.csv:47: 走访日期: error: date 2026-12-25 is after the as-of date 2026-11-30' \
    'visit-due: examples/visits.csv:154: 身份证号: warning: no one with this ID in the census' \
    'visit-due: visits: read 1050, rejected 8, of people not in the census 33' \
    'visit-due: read 352, written 352, rejected 0' <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv --stats \
      -o due.csv scored.csv
EOF

example 0 \
    '姓名,县(区),乡(镇),村(社区),days_overdue,visit_status' \
    '周朝,乐至县,东山镇,燕子村,32,overdue' \
    '邹平,乐至县,回澜镇,槐树村,54,overdue' \
    '萧蓉,乐至县,大佛镇,新民村,,never_visited' <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      --overdue scored.csv 2>/dev/null | cut -d, -f 2,5-7,36,37 | head -4
EOF

example 1 <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      --overdue --split-by village --out-dir overdue scored.csv 2>/dev/null
EOF

example 0 72 <<'EOF'
ls overdue | wc -l
EOF

example 0 \
    '姓名,days_overdue,visit_status' \
    '周朝,32,overdue' <<'EOF'
cut -d, -f 2,36,37 overdue/燕子村.csv
EOF

example 0 \
    '姓名,村(社区),alert,alert_report' \
    '魏富,灯杆村,hardship,missing' \
    '刘远远,碾子村,hardship,on_time' \
    '任志庆,梨园村,mental_illness,on_time' \
    '石昌,青龙村,critical_illness,missing' \
    '何德友,青龙村,critical_illness,missing' <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      --alerts scored.csv 2>/dev/null | cut -d, -f 2,7,40,41
EOF

example 1 <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      --unmatched strays.csv scored.csv > /dev/null 2>&1
EOF

example 0 33 <<'EOF'
tail -n +2 strays.csv | wc -l
EOF

example 0 <<'EOF'
iconv -f UTF-8 -t GB18030 examples/visits.csv > visits-gb18030.csv
EOF

example 0 94 <<'EOF'
visit-due --as-of 2026-11-30 --visits visits-gb18030.csv \
      --visits-encoding gb18030 --due-within 3 scored.csv 2>/dev/null |
      tail -n +2 | wc -l
EOF

example 0 'visit-due: status 1, see visit-due.log' <<'EOF'
visit-due --as-of 2026-11-30 --visits examples/visits.csv --overdue \
      --split-by village --out-dir overdue scored.csv 2>visit-due.log; \
      s=$?; [ $s -eq 0 ] || echo "visit-due: status $s, see visit-due.log"
EOF
check 'the overdue lists are whole, one per village, no temporary file left' \
    '[ "$(ls -a overdue | grep -c "^\.[^.]")" -eq 0 ] &&
     [ "$(ls overdue | wc -l)" -eq 72 ] &&
     [ "$(cat overdue/*.csv | grep -vc "^身份证号,")" -eq 79 ]'

page rollup.1

example 0 <<'EOF'
elder-classify --as-of 2026-11-30 examples/census.csv 2>/dev/null |
      risk-score --as-of 2026-11-30 -o scored.csv
EOF

example 0 \
    "rollup: note: metric 'visit_overdue' left out: the input has no column 'visit_status'" \
    "rollup: note: metric 'alerts_unreported' left out: the input has no column 'alert_report'" <<'EOF'
rollup scored.csv > townships.csv
EOF

example 0 \
    '乐至县,,county,87,39,21' \
    '安岳县,,county,151,75,40' \
    '雁江区,,county,114,58,25' \
    ',,total,352,172,86' <<'EOF'
grep -e ',county,' -e ',total,' townships.csv | cut -d, -f 1-6
EOF

example 0 \
    'county,level,records,left_behind,special,focus,risk_high' \
    '乐至县,county,87,39,21,3,8' \
    '安岳县,county,151,75,40,5,9' \
    '雁江区,county,114,58,25,1,4' \
    ',total,352,172,86,9,21' <<'EOF'
rollup -b county -m left_behind,special,focus,risk_high scored.csv
EOF

example 0 \
    '安岳县,兴隆镇,新民村,village,4,3,2' \
    '安岳县,兴隆镇,白鹤村,village,3,2,0' \
    '安岳县,兴隆镇,碾子村,village,3,2,1' \
    '安岳县,兴隆镇,骑龙村,village,3,1,1' \
    '安岳县,兴隆镇,高石村,village,3,2,1' \
    '安岳县,兴隆镇,,township,16,10,5' <<'EOF'
rollup -b county,township,village -m left_behind,special \
      scored.csv | grep ',兴隆镇,'
EOF
check 'the township subtotal follows its last village' \
    'rollup -b county,township,village -m left_behind scored.csv |
     grep -A 1 "^安岳县,兴隆镇,高石村," | tail -n 1 |
     grep -q "^安岳县,兴隆镇,,township,"'

example 0 <<'EOF'
head -n 177 scored.csv > part1.csv
EOF

example 0 <<'EOF'
{ head -n 1 scored.csv; tail -n +178 scored.csv; } > part2.csv
EOF

example 0 <<'EOF'
rollup -b county -m left_behind part1.csv > r1.csv
EOF

example 0 <<'EOF'
rollup -b county -m left_behind part2.csv > r2.csv
EOF

example 0 \
    'county,level,records,left_behind' \
    '乐至县,county,87,39' \
    '安岳县,county,151,75' \
    '雁江区,county,114,58' \
    ',total,352,172' <<'EOF'
rollup --merge r1.csv r2.csv
EOF

example 0 <<'EOF'
rollup -b county -m left_behind scored.csv > whole.csv
EOF

example 0 <<'EOF'
rollup --merge r1.csv r2.csv | cmp - whole.csv
EOF

example 0 \
    'county,level,records,left_behind,visit_overdue,never_visited' \
    ',total,352,172,...' <<'EOF'
elder-classify --as-of 2026-11-30 examples/census.csv 2>/dev/null |
      risk-score --as-of 2026-11-30 |
      visit-due --as-of 2026-11-30 --visits examples/visits.csv \
          2>/dev/null |
      rollup -b county -m left_behind,visit_overdue,never_visited
EOF

example 2 \
    "rollup: scored.csv:1: -m: the metric 'visit_overdue' cannot be counted: the input has no column 'visit_status'" <<'EOF'
rollup -m visit_overdue scored.csv
EOF

page report.1

example 0 \
    '农村留守老年人关爱服务统计' \
    '==========================' \
    '统计日期：2026-11-30' \
    '县(区)  乡(镇)  老年人数  留守老年人  特殊困难  高风险  走访逾期' \
    '------  ------  --------  ----------  --------  ------  --------' \
    '乐至县  中天镇        30          10         6       3         0' \
    '乐至县  回澜镇         5           0         0       0         0' \
    '乐至县  小计          35          10         6       3         0' \
    '安岳县  兴隆镇        40          12         7       4         2' <<'EOF'
report --as-of 2026-11-30 tests/cli/data/report-rollup.csv
EOF

example 0 \
    'health-check  share not' \
    'county  township  left-behind rate  visit coverage       coverage   reported' \
    '------  --------  ----------------  ---------------  ------------  ----------' \
    '乐至县  中天镇               33.3%          100.0%           0.0%       0.0%' \
    '乐至县  回澜镇                0.0%               -              -          -' \
    '乐至县  subtotal             28.6%          100.0%           0.0%       0.0%' \
    '安岳县  兴隆镇               30.0%           75.0%!         70.0%      50.0%!' \
    '安岳县  岳阳镇               32.0%          100.0%         100.0%          -' \
    '安岳县  subtotal             30.8%           85.0%!         81.3%      50.0%!' \
    'total                        30.0%           90.0%!         54.2%      33.3%!' \
    '! needs attention: visit coverage under 100%, or alerts not reported in time' <<'EOF'
report --as-of 2026-11-30 --lang en \
      tests/cli/data/report-rollup.csv | tail -n 13
EOF

example 0 <<'EOF'
report --as-of 2026-11-30 -f html -o summary.html \
      tests/cli/data/report-rollup.csv
EOF
check 'summary.html is a page with its three charts' \
    'grep -q "^<!DOCTYPE html>" summary.html &&
     [ "$(grep -c "<svg " summary.html)" -eq 3 ]'

example 0 <<'EOF'
report --as-of 2026-11-30 -f csv --bom -o summary.csv \
      tests/cli/data/report-rollup.csv
EOF
check 'summary.csv begins with a BOM' \
    'od -An -tx1 -N3 summary.csv | grep -q "ef bb bf"'

example 0 '安岳县,兴隆镇,40,12,7,4,2,1,2,2,1,0.300,0.750,0.700,0.500,走访覆盖率;未及时报告' <<'EOF'
grep 兴隆镇 summary.csv
EOF

example 0 \
    '农村留守老年人走访表  雁江区 松涛镇 白塔村' \
    '==========================================' \
    '统计日期：2026-11-30  人数：3' \
    '序号  姓名                 身份证号            年龄  联系电话' \
    '----  -------------------  ------------------  ----  -----------------' \
    '1  王建国               512002********001X    86  138-****-5678' \
    '2  李秀英               512002********0029    76  0832-***5678' \
    '3  阿不都热合曼·买买提  512002********0158    88  +86 139 **** 3333' <<'EOF'
report --as-of 2026-11-30 tests/cli/data/report-visits.csv | head -n 9
EOF

example 0 \
    '姓名,身份证号,联系电话' \
    '王建国,51200219400101001X,138-1234-5678' <<'EOF'
report --as-of 2026-11-30 --no-mask -f csv \
      tests/cli/data/report-visits.csv | cut -d, -f 5,6,8 | head -n 2
EOF

example 0 <<'EOF'
elder-classify --as-of 2026-11-30 examples/census.csv 2>/dev/null |
      risk-score --as-of 2026-11-30 |
      visit-due --as-of 2026-11-30 --visits examples/visits.csv \
      --overdue 2>/dev/null |
      report --as-of 2026-11-30 -f html -o visits.html
EOF

example 0 64 <<'EOF'
grep -c '<section class="village">' visits.html
EOF

example 2 'report: tests/cli/data/census.csv:1: not a rollup nor a visit-due output (expected the columns level and records, or visit_status)' <<'EOF'
report tests/cli/data/census.csv
EOF

echo "man-examples: $pass passed, $fail failed"
[ $fail -eq 0 ]
